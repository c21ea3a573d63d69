package reputation

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotExecutable: a file that is not a PE image gets a verdict that says
// so, not the signature or entropy reasons of a program.
func TestNotExecutable(t *testing.T) {
	v, err := Evaluate(context.Background(), &Subject{Name: "notes.txt", Kind: "not-pe", SHA256: "00", Entropy: 7.9}, nil, nil, nil)
	require.NoError(t, err)
	var sigs []string
	for _, r := range v.Reasons {
		sigs = append(sigs, r.Signal)
	}
	assert.Equal(t, []string{"not-executable"}, sigs)
	assert.Equal(t, Unknown, v.Level)

	// A PE without a signature still says unsigned.
	v, err = Evaluate(context.Background(), &Subject{Name: "a.exe", Kind: "exe", SHA256: "00"}, nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "unsigned", v.Reasons[0].Signal)
}
