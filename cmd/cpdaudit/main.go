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

// tuneGC bounds the heap: the soft memory limit makes the collector work
// harder rather than let a large run grow past it. GOGC stays at Go's
// default: a target of 400% once cut the CPU of a run by a fifth, but since
// a PDF allocates a fifth of what it did, the default costs no CPU that can
// be measured and keeps the peak resident memory of 10,000 members near
// 320 MB instead of 500 MB (docs/PERFORMANCE.md). GOMEMLIMIT still wins
// when set.
func tuneGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}
