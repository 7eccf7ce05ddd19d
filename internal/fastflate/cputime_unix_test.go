//go:build unix

package fastflate

import "syscall"

// userCPU is the process's user CPU time in nanoseconds: on a shared
// machine the benchmarks' wall time counts other processes' turns too.
func userCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano()
}
