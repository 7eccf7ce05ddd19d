package main

import (
	"context"
	"errors"
)

// cmdSample chooses the members for human review from a run's results.
// Placeholder until the assessor's loop (issue 8) lands.
func cmdSample(ctx context.Context, args []string, stdio IO) error {
	_, _, _ = ctx, args, stdio
	return errors.New("sample is not available yet")
}

// cmdFinalize reads assessors' decisions back and writes the final letters.
// Placeholder until the assessor's loop (issue 8) lands.
func cmdFinalize(ctx context.Context, args []string, stdio IO) error {
	_, _, _ = ctx, args, stdio
	return errors.New("finalize is not available yet")
}
