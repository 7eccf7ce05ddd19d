package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ies/cpdaudit/web"
)

func TestServeRefusesAnOpenAddressWithoutToken(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, "--addr 0.0.0.0:0 lets other computers open the page"},
		{[]string{"serve", "--addr", ":0"}, "lets other computers open the page"},
		{[]string{"serve", "--addr", "192.168.1.5:0"}, "give --token"},
		{[]string{"serve", "--addr", "0.0.0.0:0", "--token", "short"}, "at least 16 characters"},
		{[]string{"serve", "--addr", "localhost"}, "is not HOST:PORT"},
	} {
		t.Setenv("CPDAUDIT_TOKEN", "")
		r := runInProcess(t, context.Background(), append(c.args, "--data", t.TempDir())...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.says)
		}
	}
}

func TestServeTakesTheTokenFromTheEnvironment(t *testing.T) {
	t.Setenv("CPDAUDIT_TOKEN", "0123456789abcdef-from-env")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "0.0.0.0:0", "--data", t.TempDir()}, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "Press Ctrl-C") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	addr := strings.Fields(strings.TrimPrefix(out.String(), "Open "))[0]
	if !strings.HasSuffix(addr, "/?token=0123456789abcdef-from-env") {
		t.Errorf("serve printed %q", out.String())
	}
	resp, err := http.Get(strings.TrimSuffix(addr, "?token=0123456789abcdef-from-env"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

func TestServeStartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	data := filepath.Join(t.TempDir(), "audits")
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	addr := strings.Fields(strings.TrimPrefix(out.String(), "Open "))[0]
	resp, err := http.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<h1>CPD audits</h1>") {
		t.Errorf("GET %s: %d %.200s", addr, resp.StatusCode, body)
	}
	if fi, err := os.Stat(data); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder: %v %v, want 0700", fi, err)
	}
	// A second server on the same folder is refused, naming the first.
	second := runInProcess(t, context.Background(), "serve", "--addr", "127.0.0.1:0", "--data", data)
	if second.code == exitOK || !strings.Contains(second.stderr, "another cpdaudit serve is using the data folder") || !strings.Contains(second.stderr, "cpdaudit serve, process") {
		t.Errorf("second serve on %s: exit %d, stderr %q", data, second.code, second.stderr)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C; stderr %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(filepath.Join(data, ".cpdaudit.lock")); !os.IsNotExist(err) {
		t.Errorf("the data folder's lock is still there after the server stopped: %v", err)
	}
}

// TestServePipelineOnSample runs the sample year through the API with the
// real pipeline (the browser test does it through the page, where
// chromium is installed).
func TestServePipelineOnSample(t *testing.T) {
	srv, err := web.New(web.Options{Data: t.TempDir(), Pipeline: &cmdPipeline{workers: 2}, Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("year", "2025")
	mw.WriteField("run", "1")
	entries, _ := os.ReadDir(sampleDir)
	for _, e := range entries {
		w, _ := mw.CreateFormFile("exports", e.Name())
		data, _ := os.ReadFile(filepath.Join(sampleDir, e.Name()))
		w.Write(data)
	}
	w, _ := mw.CreateFormFile("register", "register.csv")
	data, _ := os.ReadFile(sampleRegister)
	w.Write(data)
	mw.Close()
	r := httptest.NewRequest("POST", "/api/audits", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("X-Requested-By", "test")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var a struct {
		ID    string `json:"id"`
		Step  string `json:"step"`
		Check struct {
			Members int `json:"members"`
			Files   int `json:"files"`
		} `json:"check"`
		Progress web.State `json:"progress"`
	}
	json.Unmarshal(rec.Body.Bytes(), &a)
	if a.Check.Members != 15 || a.Check.Files != 4 {
		t.Fatalf("check: %s", rec.Body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/audits/"+a.ID, nil))
		json.Unmarshal(rec.Body.Bytes(), &a)
		if a.Step != "running" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if a.Step != "run" || a.Progress.Running || a.Progress.Error != "" {
		t.Fatalf("after the run: %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/audits/"+a.ID+"/outcomes", nil))
	var o struct {
		Outcomes map[string]int `json:"outcomes"`
		Rows     struct {
			Read     int `json:"rows_read"`
			Accepted int `json:"rows_accepted"`
		} `json:"rows"`
	}
	json.Unmarshal(rec.Body.Bytes(), &o)
	if o.Outcomes["MET"] != 5 || o.Outcomes["REVIEW"] != 3 || o.Outcomes["NOT_MET"] != 6 || o.Outcomes["EXEMPT"] != 1 || o.Rows.Read != 89 || o.Rows.Accepted != 89 {
		t.Errorf("outcomes: %s", rec.Body)
	}
}

// syncBuffer is a buffer the server writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
