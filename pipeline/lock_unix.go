//go:build unix

package pipeline

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processRunning reports whether process pid is alive. Signal 0 checks
// without sending anything; EPERM means it exists under another user. On
// Linux a process that started after the lock was taken is a later
// program that was given the same number, so the lock is stale all the
// same.
func processRunning(pid int, lockTaken time.Time) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if start, ok := processStart(pid); ok && !lockTaken.IsZero() {
		return !start.After(lockTaken.Add(2 * time.Second))
	}
	return true
}

// processStart reads when a process started from Linux's /proc: field 22
// of /proc/PID/stat, in clock ticks (100 a second on Linux) after the boot
// time that /proc/stat gives. ok is false elsewhere, or when it cannot be
// read.
func processStart(pid int) (time.Time, bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return time.Time{}, false
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return time.Time{}, false
	}
	fields := strings.Fields(string(stat[i+1:])) // fields 3 onwards
	if len(fields) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	all, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(all), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			boot, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(boot, 0).Add(time.Duration(ticks) * time.Second / 100), true
		}
	}
	return time.Time{}, false
}
