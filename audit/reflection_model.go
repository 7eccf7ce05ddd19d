package audit

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The learned part of the standard 4 judge: two logistic regressions
// (quality, users) over the features of one sentence, trained by `make
// train` (fixtures/reflections/train) on labelled reflections and
// committed as text.
//
//go:embed reflection_model.txt
var reflectionModelText []byte

// Elements of standard 4, as indexes of the model's weight pairs.
const (
	elemQuality = 0
	elemUsers   = 1
)

// ReflectionBand is how the judge decides an element from its probability
// (the highest of any sentence): found from High, not found below Low,
// unsure in between, when an assessor reads it. Mid is the judge's best
// guess inside the band (for measuring it against labels).
type ReflectionBand struct {
	Low, Mid, High float64
}

// ReflectionModel is the weights of the judge: per feature name, the
// weight for the quality element and for the users element.
type ReflectionModel struct {
	// Header is the comment at the top of the model file: how it was made.
	Header  []string
	Weights map[string][2]float64
	// Bands for the quality and the users element.
	Bands [2]ReflectionBand

	once     sync.Once
	compiled *table[[2]float32]
	consts   *constWeights
}

var (
	defaultModelOnce sync.Once
	defaultModel     *ReflectionModel
)

// DefaultReflectionModel is the committed model (audit/reflection_model.txt).
func DefaultReflectionModel() *ReflectionModel {
	defaultModelOnce.Do(func() {
		m, err := ParseReflectionModel(reflectionModelText)
		if err != nil {
			panic("audit: the embedded reflection model is broken: " + err.Error())
		}
		defaultModel = m
	})
	return defaultModel
}

// weights returns the model keyed by the hash of each feature name, as the
// judge's featureSink looks them up.
func (m *ReflectionModel) weights() *table[[2]float32] {
	m.once.Do(func() {
		m.compiled = newTable[[2]float32](len(m.Weights))
		for name, w := range m.Weights {
			*m.compiled.ref(fnv64a(fnvOffset64, name)) = [2]float32{float32(w[0]), float32(w[1])}
		}
		m.compiled.seal()
		m.consts = newConstWeights(m.compiled)
	})
	return m.compiled
}

// constWeights returns the model's weights of the constant features.
func (m *ReflectionModel) constWeights() *constWeights {
	m.weights()
	return m.consts
}

// ParseReflectionModel reads a model file: "#" comment lines, two "band"
// lines, then one line a feature: name, quality weight, users weight,
// separated by tabs.
func ParseReflectionModel(data []byte) (*ReflectionModel, error) {
	m := &ReflectionModel{Weights: map[string][2]float64{}}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	bands := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if s == "" {
			continue
		}
		if s[0] == '#' {
			m.Header = append(m.Header, strings.TrimSpace(strings.TrimPrefix(s, "#")))
			continue
		}
		f := strings.Split(s, "\t")
		if f[0] == "band" {
			if len(f) != 5 {
				return nil, fmt.Errorf("model line %d: a band line is: band, quality or users, low, mid, high", line)
			}
			var b ReflectionBand
			var err error
			for i, p := range []*float64{&b.Low, &b.Mid, &b.High} {
				if *p, err = strconv.ParseFloat(f[2+i], 64); err != nil {
					return nil, fmt.Errorf("model line %d: %w", line, err)
				}
			}
			if !(0 <= b.Low && b.Low <= b.Mid && b.Mid <= b.High && b.High <= 1) {
				return nil, fmt.Errorf("model line %d: band %v is not 0 <= low <= mid <= high <= 1", line, b)
			}
			switch f[1] {
			case "quality":
				m.Bands[elemQuality] = b
			case "users":
				m.Bands[elemUsers] = b
			default:
				return nil, fmt.Errorf("model line %d: band for %q, want quality or users", line, f[1])
			}
			bands++
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("model line %d: want a feature name and two weights, separated by tabs", line)
		}
		var w [2]float64
		for i := range w {
			v, err := strconv.ParseFloat(f[1+i], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("model line %d: weight %q is not a number", line, f[1+i])
			}
			w[i] = v
		}
		m.Weights[f[0]] = w
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if bands != 2 {
		return nil, fmt.Errorf("model has %d band lines, want 2 (quality and users)", bands)
	}
	return m, nil
}

// Format writes the model as ParseReflectionModel reads it, features in
// name order, so the same model is the same file byte for byte.
func (m *ReflectionModel) Format() []byte {
	var b strings.Builder
	for _, h := range m.Header {
		b.WriteString("# " + h + "\n")
	}
	for i, name := range []string{"quality", "users"} {
		bd := m.Bands[i]
		fmt.Fprintf(&b, "band\t%s\t%s\t%s\t%s\n", name, fnum(bd.Low), fnum(bd.Mid), fnum(bd.High))
	}
	names := make([]string, 0, len(m.Weights))
	for n := range m.Weights {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w := m.Weights[n]
		fmt.Fprintf(&b, "%s\t%s\t%s\n", n, fnum(w[0]), fnum(w[1]))
	}
	return []byte(b.String())
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'g', 5, 64) }

func sigmoid(x float32) float64 { return 1 / (1 + math.Exp(-float64(x))) }
