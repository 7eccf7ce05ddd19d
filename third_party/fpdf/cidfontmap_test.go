// Copyright ©2023 The go-pdf Authors. All rights reserved (the upstream code
// below).
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

// cpdaudit patch: generateCIDFontMap's rewrite (see cidWidths) must write
// the same /W array as upstream's code, kept below as it was in v0.12.0
// (names prefixed with ref) to compare against.

import (
	"math/rand"
	"os"
	"testing"
)

func TestCIDWidthsAsUpstream(t *testing.T) {
	check := func(cw []int, used map[int]int, last int) {
		t.Helper()
		want := refCIDWidths(cw, used, last)
		if got := "/W [" + cidWidths(cw, used, last) + " ]"; got != want {
			t.Fatalf("last rune %d, %d used runes:\ngot  %q\nwant %q", last, len(used), got, want)
		}
	}

	// The font cpdaudit embeds, with random sets of used runes.
	rng := rand.New(rand.NewSource(1))
	if b, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf"); err == nil {
		font, err := parsedUTF8Font(b)
		if err != nil {
			t.Fatal(err)
		}
		cw := font.CharWidths
		for range 300 {
			used := makeSubsetRange(32)
			last := 0
			for range rng.Intn(200) {
				r := 32 + rng.Intn(0x2400)
				if rng.Intn(4) == 0 {
					r = 32 + rng.Intn(0x250)
				}
				used[r] = r
				last = max(last, r)
			}
			check(cw, used, last)
		}
	} else {
		t.Logf("DejaVu Sans not found: %v", err)
	}

	// Synthetic width tables: few distinct widths make long runs of equal
	// widths, intervals and merges.
	for range 20000 {
		n := 1 + rng.Intn(600)
		cw := make([]int, n+1)
		widths := []int{0, 65535, 500, 500, 600, 278, 1000}[:2+rng.Intn(5)]
		for i := range cw {
			cw[i] = widths[rng.Intn(len(widths))]
			if rng.Intn(3) == 0 && i > 0 {
				cw[i] = cw[i-1]
			}
		}
		used := map[int]int{}
		for range rng.Intn(n) {
			r := rng.Intn(n + 1)
			used[r] = r
			if rng.Intn(10) == 0 {
				used[r] = 0
			}
		}
		check(cw, used, n)
		// Used runes past the last one given (patch 24 must skip them).
		check(cw, used, rng.Intn(n+1))
	}
}

// The refUntypedKeyMap structure and its methods are copyrighted 2019 by Arteom Korotkiy (Gmail: arteomkorotkiy).
// Imitation of untyped Map Array
type refUntypedKeyMap struct {
	keySet   []any
	valueSet []int
}

// Get position of key=>value in PHP Array
func (pa *refUntypedKeyMap) getIndex(key any) int {
	if key != nil {
		for i, mKey := range pa.keySet {
			if mKey == key {
				return i
			}
		}
		return -1
	}
	return -1
}

// Put key=>value in PHP Array
func (pa *refUntypedKeyMap) put(key any, value int) {
	if key == nil {
		var i int
		for n := 0; ; n++ {
			i = pa.getIndex(n)
			if i < 0 {
				key = n
				break
			}
		}
		pa.keySet = append(pa.keySet, key)
		pa.valueSet = append(pa.valueSet, value)
	} else {
		i := pa.getIndex(key)
		if i < 0 {
			pa.keySet = append(pa.keySet, key)
			pa.valueSet = append(pa.valueSet, value)
		} else {
			pa.valueSet[i] = value
		}
	}
}

// Delete value in PHP Array
func (pa *refUntypedKeyMap) delete(key any) {
	if pa == nil || pa.keySet == nil || pa.valueSet == nil {
		return
	}
	i := pa.getIndex(key)
	if i >= 0 {
		if i == 0 {
			pa.keySet = pa.keySet[1:]
			pa.valueSet = pa.valueSet[1:]
		} else if i == len(pa.keySet)-1 {
			pa.keySet = pa.keySet[:len(pa.keySet)-1]
			pa.valueSet = pa.valueSet[:len(pa.valueSet)-1]
		} else {
			pa.keySet = append(pa.keySet[:i], pa.keySet[i+1:]...)
			pa.valueSet = append(pa.valueSet[:i], pa.valueSet[i+1:]...)
		}
	}
}

// Get value from PHP Array
func (pa *refUntypedKeyMap) get(key any) int {
	i := pa.getIndex(key)
	if i >= 0 {
		return pa.valueSet[i]
	}
	return 0
}

// Imitation of PHP function pop()
func (pa *refUntypedKeyMap) pop() {
	pa.keySet = pa.keySet[:len(pa.keySet)-1]
	pa.valueSet = pa.valueSet[:len(pa.valueSet)-1]
}

// Imitation of PHP function array_merge()
func refArrayMerge(arr1, arr2 *refUntypedKeyMap) *refUntypedKeyMap {
	answer := refUntypedKeyMap{}
	if arr1 == nil && arr2 == nil {
		answer = refUntypedKeyMap{
			make([]any, 0),
			make([]int, 0),
		}
	} else if arr2 == nil {
		answer.keySet = arr1.keySet[:]
		answer.valueSet = arr1.valueSet[:]
	} else if arr1 == nil {
		answer.keySet = arr2.keySet[:]
		answer.valueSet = arr2.valueSet[:]
	} else {
		answer.keySet = arr1.keySet[:]
		answer.valueSet = arr1.valueSet[:]
		for i := 0; i < len(arr2.keySet); i++ {
			if arr2.keySet[i] == "interval" {
				if arr1.getIndex("interval") < 0 {
					answer.put("interval", arr2.valueSet[i])
				}
			} else {
				answer.put(nil, arr2.valueSet[i])
			}
		}
	}
	return &answer
}

func refRemove(arr []int, key int) []int {
	n := 0
	for i, mKey := range arr {
		if mKey == key {
			n = i
		}
	}
	if n == 0 {
		return arr[1:]
	} else if n == len(arr)-1 {
		return arr[:len(arr)-1]
	}
	return append(arr[:n], arr[n+1:]...)
}

func refCIDWidths(Cw []int, usedRunes map[int]int, LastRune int) string {
	rangeID := 0
	cidArray := make(map[int]*refUntypedKeyMap)
	cidArrayKeys := make([]int, 0)
	prevCid := -2
	prevWidth := -1
	interval := false
	startCid := 1
	cwLen := LastRune + 1

	// for each character
	for cid := startCid; cid < cwLen; cid++ {
		if Cw[cid] == 0x00 {
			continue
		}
		width := Cw[cid]
		if width == 65535 {
			width = 0
		}
		if numb, OK := usedRunes[cid]; cid > 255 && (!OK || numb == 0) {
			continue
		}

		if cid == prevCid+1 {
			if width == prevWidth {

				if width == cidArray[rangeID].get(0) {
					cidArray[rangeID].put(nil, width)
				} else {
					cidArray[rangeID].pop()
					rangeID = prevCid
					r := refUntypedKeyMap{
						valueSet: make([]int, 0),
						keySet:   make([]any, 0),
					}
					cidArray[rangeID] = &r
					cidArrayKeys = append(cidArrayKeys, rangeID)
					cidArray[rangeID].put(nil, prevWidth)
					cidArray[rangeID].put(nil, width)
				}
				interval = true
				cidArray[rangeID].put("interval", 1)
			} else {
				if interval {
					// new range
					rangeID = cid
					r := refUntypedKeyMap{
						valueSet: make([]int, 0),
						keySet:   make([]any, 0),
					}
					cidArray[rangeID] = &r
					cidArrayKeys = append(cidArrayKeys, rangeID)
					cidArray[rangeID].put(nil, width)
				} else {
					cidArray[rangeID].put(nil, width)
				}
				interval = false
			}
		} else {
			rangeID = cid
			r := refUntypedKeyMap{
				valueSet: make([]int, 0),
				keySet:   make([]any, 0),
			}
			cidArray[rangeID] = &r
			cidArrayKeys = append(cidArrayKeys, rangeID)
			cidArray[rangeID].put(nil, width)
			interval = false
		}
		prevCid = cid
		prevWidth = width

	}
	previousKey := -1
	nextKey := -1
	isInterval := false
	for g := 0; g < len(cidArrayKeys); {
		key := cidArrayKeys[g]
		ws := *cidArray[key]
		cws := len(ws.keySet)
		if (key == nextKey) && (!isInterval) && (ws.getIndex("interval") < 0 || cws < 4) {
			if cidArray[key].getIndex("interval") >= 0 {
				cidArray[key].delete("interval")
			}
			cidArray[previousKey] = refArrayMerge(cidArray[previousKey], cidArray[key])
			cidArrayKeys = refRemove(cidArrayKeys, key)
		} else {
			g++
			previousKey = key
		}
		nextKey = key + cws
		// ui := ws.getIndex("interval")
		// ui = ui + 1
		if ws.getIndex("interval") >= 0 {
			if cws > 3 {
				isInterval = true
			} else {
				isInterval = false
			}
			cidArray[key].delete("interval")
			nextKey--
		} else {
			isInterval = false
		}
	}
	var w fmtBuffer
	for _, k := range cidArrayKeys {
		ws := cidArray[k]
		if len(refArrayCountValues(ws.valueSet)) == 1 {
			w.printf(" %d %d %d", k, k+len(ws.valueSet)-1, ws.get(0))
		} else {
			w.printf(" %d [ %s ]\n", k, refImplode(" ", ws.valueSet))
		}
	}
	return "/W [" + w.String() + " ]"
}

func refImplode(sep string, arr []int) string {
	var s fmtBuffer
	for i := 0; i < len(arr)-1; i++ {
		s.printf("%v", arr[i])
		s.printf("%s", sep)
	}
	if len(arr) > 0 {
		s.printf("%v", arr[len(arr)-1])
	}
	return s.String()
}

// refArrayCountValues counts the occurrences of each item in the $mp array.
func refArrayCountValues(mp []int) map[int]int {
	answer := make(map[int]int)
	for _, v := range mp {
		answer[v] = answer[v] + 1
	}
	return answer
}
