package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// IO is where a command reads and writes; tests replace it with buffers.
type IO struct {
	In    io.Reader
	Out   io.Writer // results only
	Err   io.Writer // progress, warnings and errors
	IsTTY bool      // Err is a terminal: draw a progress bar
}

func stdIO() IO {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, IsTTY: tty}
}

func run(ctx context.Context, args []string, io IO) int {
	_ = ctx
	fmt.Fprintln(io.Err, "cpdaudit: not yet implemented")
	return 1
}
