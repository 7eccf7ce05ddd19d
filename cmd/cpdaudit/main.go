// Command cpdaudit runs the IES annual CPD audit: it reads members' CPD
// records, audits each member against the four CPD standards and writes one
// feedback PDF per member plus a summary workbook for the office.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdIO())
	stop()
	os.Exit(code)
}
