package simtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
)

// LargeEnv names the environment variable that, set to 1, lets the tests
// hash the recorded inputs larger than LargeSize (the 1 GiB ones) when not
// run with -short.
const LargeEnv = "FILEREP_SIMHASH_LARGE"

// LargeSize is the size above which an input is large.
const LargeSize = 64 << 20

// Input is one recorded input: the first four fields of a digests.tsv row.
type Input struct {
	Kind, Name string
	Size       int64
	SHA256     string // first 16 hex digits
	Want       string // the recorded output
}

// ParseInput reads a row of digests.tsv.
func ParseInput(r Record) (Input, error) {
	if len(r.Fields) != 5 {
		return Input{}, fmt.Errorf("line %d: %d fields, want 5", r.Line, len(r.Fields))
	}
	n, err := strconv.ParseInt(r.Fields[2], 10, 64)
	if err != nil {
		return Input{}, fmt.Errorf("line %d: size: %w", r.Line, err)
	}
	return Input{Kind: r.Fields[0], Name: r.Fields[1], Size: n, SHA256: r.Fields[3], Want: r.Fields[4]}, nil
}

// Open returns a stream of the input's bytes, rooted at the repository
// root for samples. skip is non-empty, and r nil, when the input is a file
// outside the repository that is missing or not the one recorded.
func (in Input) Open(root string) (r io.Reader, skip string, err error) {
	switch in.Kind {
	case "gen":
		g, n, err := Open(in.Name)
		if err == nil && n != in.Size {
			err = fmt.Errorf("%s: %d bytes, recorded %d", in.Name, n, in.Size)
		}
		return g, "", err
	case "sample":
		b, err := Sample(root, in.Name)
		if err != nil {
			return nil, "", err
		}
		return bytes.NewReader(b), "", in.check(b)
	case "ext":
		b, err := os.ReadFile(in.Name)
		if err != nil {
			return nil, "missing", nil
		}
		if in.check(b) != nil {
			return nil, "changed", nil
		}
		return bytes.NewReader(b), "", nil
	}
	return nil, "", fmt.Errorf("unknown kind %q", in.Kind)
}

func (in Input) check(b []byte) error {
	h := sha256.Sum256(b)
	if int64(len(b)) != in.Size || hex.EncodeToString(h[:8]) != in.SHA256 {
		return fmt.Errorf("%s: not the input recorded (%d bytes, sha256 %x…); after changing it, rerun hash/internal/simtest/record.sh", in.Name, len(b), h[:8])
	}
	return nil
}

// Chunks is a reader that returns what R yields in pseudo-random pieces of
// 1 to Max bytes, to check that a digest does not depend on how its input
// is cut.
type Chunks struct {
	R     io.Reader
	Max   int
	state uint64
}

// Read reads at most a pseudo-random 1 to Max bytes from R.
func (c *Chunks) Read(p []byte) (int, error) {
	n := 1 + int(splitmix(&c.state)%uint64(max(c.Max, 1)))
	return c.R.Read(p[:min(len(p), n)])
}
