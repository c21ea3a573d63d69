// Package lint holds the project's own checks of its source, run as
// tests: every exported identifier has a doc comment, every package has a
// package comment and runnable examples.
package lint
