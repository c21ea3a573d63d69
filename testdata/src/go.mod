// The helper programs under testdata/src (genmui.go, mvid.go) and the Go
// sample (go/hello) live in this small module of their own, so that build.sh
// does not depend on the state of the main module's go.mod. The go command
// ignores testdata directories when it matches ./... in the main module.
module filerep.test/testdata

go 1.26
