// Package audit holds cpdaudit's domain types and the rules of the IES's
// four CPD standards.
//
// It is pure: no file system, no goroutines, no third-party I/O libraries.
// The importer turns files into these types and the report package lays
// the results out; both import this package and nothing here imports them.
// That keeps every rule testable with plain values (see arch_test.go in
// cmd/cpdaudit, which enforces it).
package audit
