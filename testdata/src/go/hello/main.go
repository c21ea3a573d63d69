// Command hello is the Go sample of the filerep test data (go-amd64.exe,
// go-386.exe). build.sh cross-compiles it with GOOS=windows, -trimpath,
// -buildvcs=false and -ldflags="-s -w", which keeps the build info block
// (debug/buildinfo) that the compiler rules read.
package main

import "os"

func main() {
	os.Stdout.WriteString("hello from filerep's Go sample\n")
}
