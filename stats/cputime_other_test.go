//go:build !unix

package stats

func cpuNanos() int64 { return 0 }
