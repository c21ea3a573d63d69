//go:build linux

package hash

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// cpuTimes returns the CPU time all processes of the machine have used
// (from /proc/stat, steal included) and the time this process has used. A
// benchmark on a shared machine reports the difference, the load of the
// others, next to its figures.
func cpuTimes() (all, self time.Duration, ok bool) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 9 || string(fields[0]) != "cpu" {
		return 0, 0, false
	}
	// user nice system idle iowait irq softirq steal: all but idle and
	// iowait are busy.
	var ticks int64
	for i, f := range fields[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		ticks += n
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0, false
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(ticks) * tick,
		time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
