package pe

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimitsReachReaders: a cap set through WithLimits reaches the reader
// it bounds (here the import reader and the resource tree), and every
// field of DefaultLimits is positive.
func TestLimitsReachReaders(t *testing.T) {
	require.NoError(t, DefaultLimits().Validate())
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pe", "mingw-service-x86.exe"))
	require.NoError(t, err)
	full, err := Parse(context.Background(), b)
	require.NoError(t, err)
	require.Greater(t, len(full.Imports), 0)
	lim := DefaultLimits()
	lim.MaxImportFunctions = 3
	lim.MaxResources = 1
	f, _ := Parse(context.Background(), b, WithLimits(lim))
	require.True(t, f != nil)
	n := 0
	for _, imp := range f.Imports {
		n += len(imp.Functions)
	}
	assert.Equal(t, 3, n)
	assert.LessOrEqual(t, len(f.Resources), 1)
	var ids []string
	for _, a := range f.Anomalies {
		ids = append(ids, a.ID)
	}
	assert.Contains(t, ids, AnoImportsTruncated)

	bad := DefaultLimits()
	bad.MaxSatelliteSize = 0
	assert.Error(t, bad.Validate())
}
