package reputation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/kbtest"
)

func TestSeedMemKB(t *testing.T) {
	kb := reputation.NewMemKB()
	require.NoError(t, reputation.Seed(context.Background(), kb))
	kbtest.CheckSeed(t, kb)
	// Seeding again changes nothing.
	before, err := kb.Stats(context.Background())
	require.NoError(t, err)
	require.NoError(t, reputation.Seed(context.Background(), kb))
	after, err := kb.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Positive(t, reputation.SeedVersion())
}
