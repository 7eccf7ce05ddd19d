//go:build !race

package fastflate

const raceEnabled = false
