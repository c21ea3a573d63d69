//go:build !race

package filerep

import "time"

// perFileLimit is the time a hostile file may take (issue 3: under 2 s).
const perFileLimit = 2 * time.Second
