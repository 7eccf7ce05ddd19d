package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles starts the CPU profile asked for with --cpuprofile; the
// returned function stops it and writes the heap profile (--memprofile).
// They are how docs/PERFORMANCE.md's profiles were taken.
func startProfiles(o *auditOptions) (stop func() error, err error) {
	var cpu *os.File
	if o.CPUProfile != "" {
		if cpu, err = os.Create(o.CPUProfile); err != nil {
			return nil, fmt.Errorf("cannot write the CPU profile: %w", err)
		}
		if err = pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("cannot start the CPU profile: %w", err)
		}
	}
	var tr *os.File
	if o.Trace != "" {
		if tr, err = os.Create(o.Trace); err != nil {
			return nil, fmt.Errorf("cannot write the trace: %w", err)
		}
		if err = trace.Start(tr); err != nil {
			tr.Close()
			return nil, fmt.Errorf("cannot start the trace: %w", err)
		}
	}
	return func() error {
		if tr != nil {
			trace.Stop()
			if err := tr.Close(); err != nil {
				return fmt.Errorf("writing the trace: %w", err)
			}
		}
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return fmt.Errorf("writing the CPU profile: %w", err)
			}
		}
		if o.MemProfile == "" {
			return nil
		}
		f, err := os.Create(o.MemProfile)
		if err != nil {
			return fmt.Errorf("cannot write the heap profile: %w", err)
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return fmt.Errorf("writing the heap profile: %w", err)
		}
		return f.Close()
	}, nil
}
