package reputation_test

import (
	"testing"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/kbtest"
)

func TestMemKBConformance(t *testing.T) {
	kbtest.Run(t, reputation.NewMemKB())
}

func TestZeroMemKBConformance(t *testing.T) {
	kbtest.Run(t, new(reputation.MemKB))
}
