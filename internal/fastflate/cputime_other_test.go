//go:build !unix

package fastflate

// userCPU is unknown here; the benchmarks report wall time only.
func userCPU() int64 { return 0 }
