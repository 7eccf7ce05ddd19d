package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeCtrlCLeavesAuditsWhole stops "cpdaudit serve" with Ctrl-C while
// it audits 10,000 members: the server must stop within seconds, the
// audit being run must be left as it was before the run (its files, no
// results, nothing half written), and an audit completed earlier must be
// byte for byte as it was.
func TestServeCtrlCLeavesAuditsWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("audits 10,000 members; skipped with -short")
	}
	bin := buildBinary(t)
	gen := generated10k(t)
	dir := t.TempDir()
	data, tmp := filepath.Join(dir, "audits"), filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "Open http://127.0.0.1:") {
		t.Fatalf("serve printed %q (%v)", line, err)
	}
	base := strings.TrimSuffix(strings.Fields(line)[1], "/")

	// create uploads the files through the API and starts the run.
	create := func(files map[string][]string) string {
		t.Helper()
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("year", "2025")
			mw.WriteField("run", "1")
			for field, paths := range files {
				for _, p := range paths {
					w, _ := mw.CreateFormFile(field, filepath.Base(p))
					f, err := os.Open(p)
					if err != nil {
						pw.CloseWithError(err)
						return
					}
					io.Copy(w, f)
					f.Close()
				}
			}
			pw.CloseWithError(mw.Close())
		}()
		req, _ := http.NewRequest("POST", base+"/api/audits", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-Requested-By", "test")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a struct {
			ID string `json:"id"`
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 201 || json.Unmarshal(b, &a) != nil {
			t.Fatalf("create: %d %s", resp.StatusCode, b)
		}
		return a.ID
	}
	type progress struct {
		Step     string `json:"step"`
		Progress struct {
			Stage string `json:"stage"`
			Done  int    `json:"done"`
			Error string `json:"error"`
		} `json:"progress"`
	}
	state := func(id string) progress {
		t.Helper()
		resp, err := http.Get(base + "/api/audits/" + id)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p progress
		json.NewDecoder(resp.Body).Decode(&p)
		return p
	}

	// An audit completed before the stop.
	done := create(map[string][]string{"exports": {filepath.Join(sampleDir, "online-tool-export-1.csv")}, "register": {sampleRegister}})
	for deadline := time.Now().Add(60 * time.Second); state(done).Step != "run"; {
		if time.Now().After(deadline) {
			t.Fatalf("the small audit did not complete: %+v\n%s", state(done), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := treeFiles(t, filepath.Join(data, done))

	// The big one, stopped while its members are audited.
	big := create(map[string][]string{"exports": {filepath.Join(gen, "activities.csv")}, "register": {filepath.Join(gen, "register.csv")}})
	for deadline := time.Now().Add(120 * time.Second); ; {
		p := state(big)
		if p.Step == "running" && strings.Contains(p.Progress.Stage, "Auditing") && p.Progress.Done >= 300 {
			break
		}
		if p.Step != "running" || time.Now().After(deadline) {
			t.Fatalf("the big run is not auditing: %+v\n%s", p, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve ended with %v after Ctrl-C:\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not stop within 10 s of Ctrl-C:\n%s", stderr.String())
	}
	t.Logf("serve stopped %v after Ctrl-C", time.Since(start).Round(time.Millisecond))

	after := treeFiles(t, filepath.Join(data, done))
	if len(after) != len(before) {
		t.Errorf("the completed audit had %d files, now %d", len(before), len(after))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("the completed audit's %s changed", name)
		}
	}
	bigDir := filepath.Join(data, big)
	files := treeFiles(t, bigDir)
	for name := range files {
		if strings.HasPrefix(name, "run"+string(filepath.Separator)) {
			t.Errorf("the stopped run left %s", name)
		}
	}
	for _, want := range []string{"audit.json", filepath.Join("inputs", "activities.csv"), filepath.Join("register", "register.csv")} {
		if _, ok := files[want]; !ok {
			t.Errorf("the stopped audit lost %s", want)
		}
	}
	var meta struct {
		Check *struct{ Members int } `json:"check"`
	}
	if err := json.Unmarshal(files["audit.json"], &meta); err != nil || meta.Check == nil || meta.Check.Members != 10000 {
		t.Errorf("the stopped audit's audit.json: %v %s", err, files["audit.json"])
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("%d entries left in TMPDIR", len(left))
	}
}
