package reputation_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/kbtest"
)

func TestMemKBConformance(t *testing.T) {
	kbtest.Run(t, reputation.NewMemKB())
}

func TestZeroMemKBConformance(t *testing.T) {
	kbtest.Run(t, new(reputation.MemKB))
}

func TestStoreConformance(t *testing.T) {
	s, err := reputation.Create(filepath.Join(t.TempDir(), "kb.sqlite"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	kbtest.Run(t, s)
	// Twice on the same store: the suite's names are unique per run.
	kbtest.Run(t, s)
}
