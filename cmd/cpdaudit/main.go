// Command cpdaudit runs the IES annual CPD audit: it reads members' CPD
// records, audits each member against the four CPD standards and writes one
// feedback PDF per member plus a summary workbook for the office.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default handling so a second
	// Ctrl-C stops the program at once.
	go func() { <-ctx.Done(); stop() }()
	code := run(ctx, os.Args[1:], stdIO())
	stop()
	os.Exit(code)
}

// tuneGC trades memory for CPU: a run makes one short-lived PDF document
// per member, and a GC target of 400% cut the CPU of a 1,000-member run by
// about a fifth (docs/PERFORMANCE.md). The soft memory limit keeps the
// peak bounded on large runs. GOGC and GOMEMLIMIT still win when set.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}
