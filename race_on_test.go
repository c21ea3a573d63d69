//go:build race

package filerep

import "time"

// perFileLimit is the time a hostile file may take; the race detector
// slows everything down about tenfold.
const perFileLimit = 20 * time.Second
