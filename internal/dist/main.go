// Command dist cross-builds cpdaudit for the platforms an office has and
// packs each build with the README, the licences and a checksum list, so
// that nobody needs Go to install it. Run it through `make dist`.
//
// The archives are reproducible: files are sorted, owned by nobody and
// dated at the commit's date, so the same commit gives the same bytes.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// platforms are the operating systems and processors an office's
// computers have: Windows and macOS desktops, Linux servers.
var platforms = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
}

func main() {
	out := flag.String("out", "dist", "folder for the archives")
	version := flag.String("version", "dev", "semantic version")
	ldflags := flag.String("ldflags", "", "linker flags (version, commit, date)")
	epoch := flag.Int64("epoch", 0, "Unix time stamped on every archived file (the commit's date)")
	flag.Parse()
	if err := run(*out, *version, *ldflags, time.Unix(*epoch, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out, version, ldflags string, stamp time.Time) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "bin"), 0o755); err != nil {
		return err
	}
	docs, err := documents()
	if err != nil {
		return err
	}
	var sums []string
	for _, p := range platforms {
		name := fmt.Sprintf("cpdaudit-%s-%s-%s", version, p.goos, p.goarch)
		exe := "cpdaudit"
		if p.goos == "windows" {
			exe += ".exe"
		}
		bin := filepath.Join(out, "bin", name+filepath.Ext(exe))
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "./cmd/cpdaudit")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.goos, "GOARCH="+p.goarch)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s/%s: %w", p.goos, p.goarch, err)
		}
		exeBytes, err := os.ReadFile(bin)
		if err != nil {
			return err
		}
		files := map[string]entry{name + "/" + exe: {exeBytes, 0o755}}
		for n, b := range docs {
			files[name+"/"+n] = entry{b, 0o644}
		}
		archive := name + ".tar.gz"
		pack := packTarGz
		if p.goos == "windows" {
			archive, pack = name+".zip", packZip
		}
		data, err := pack(files, stamp)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, archive), data, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		sums = append(sums, hex.EncodeToString(sum[:])+"  "+archive)
		// The loose binary stays in bin/ so CI can run `file` on it; it is
		// not listed in the checksums.
		fmt.Println("built", archive)
	}
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "\n")+"\n"), 0o644)
}

type entry struct {
	data []byte
	mode int64
}

// documents are the files every archive carries: the README, the
// project's licence if it has one, and the licences of the libraries
// compiled into the program.
func documents() (map[string][]byte, error) {
	docs := map[string][]byte{}
	for _, n := range []string{"README.md", "LICENSE"} {
		b, err := os.ReadFile(n)
		if os.IsNotExist(err) && n == "LICENSE" {
			continue
		}
		if err != nil {
			return nil, err
		}
		docs[n] = b
	}
	third, err := thirdPartyLicences()
	if err != nil {
		return nil, err
	}
	docs["THIRD_PARTY_LICENSES.txt"] = third
	return docs, nil
}

// thirdPartyLicences collects the licence of every module the program is
// built from (its dependency list, as `go list -deps` gives it).
func thirdPartyLicences() ([]byte, error) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}} {{.Dir}}{{end}}", "./cmd/cpdaudit").Output()
	if err != nil {
		return nil, fmt.Errorf("listing modules: %w", err)
	}
	dirs := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, ok := strings.Cut(line, " ")
		if ok && path != "github.com/ies/cpdaudit" {
			dirs[path] = dir
		}
	}
	paths := make([]string, 0, len(dirs))
	for p := range dirs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	b.WriteString("cpdaudit is built with these libraries, under these licences.\n")
	for _, p := range paths {
		lic, err := licenceIn(dirs[p])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		fmt.Fprintf(&b, "\n==== %s ====\n\n%s\n", p, bytes.TrimSpace(lic))
	}
	// internal/fastflate is a copy of Go's compress/flate, whose BSD
	// licence asks that binaries carry its notice too.
	lic, err := os.ReadFile(filepath.Join("internal", "fastflate", "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("the licence of internal/fastflate (copied from Go): %w", err)
	}
	fmt.Fprintf(&b, "\n==== %s ====\n\n%s\n", "Go's compress/flate, copied in internal/fastflate", bytes.TrimSpace(lic))
	return b.Bytes(), nil
}

func licenceIn(dir string) ([]byte, error) {
	for _, n := range []string{"LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING"} {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("no licence file in %s", dir)
}

func sortedNames(files map[string]entry) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func packTarGz(files map[string]entry, stamp time.Time) ([]byte, error) {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	gz.ModTime = stamp
	tw := tar.NewWriter(gz)
	for _, n := range sortedNames(files) {
		e := files[n]
		h := &tar.Header{Name: n, Mode: e.mode, Size: int64(len(e.data)), ModTime: stamp, Format: tar.FormatPAX, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func packZip(files map[string]entry, stamp time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range sortedNames(files) {
		e := files[n]
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: stamp}
		h.SetMode(os.FileMode(e.mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, bytes.NewReader(e.data)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
