//go:build race

package fastflate

// raceEnabled: under the race detector (make test) compression runs some
// twenty times slower, and this package has no concurrency to check, so
// the largest inputs are written only whole.
const raceEnabled = true
