package stats

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		u    unit
		want string
	}{
		{0.00038821, unitPct, "0.00038821%"},
		{0, unitPct, "0.00000000%"},
		{114980, unitMsPerMin, "114,980 ms/min"},
		{14396.4, unitCycles, "14,396/sec"},
		{1289748, unitBytes, "1.23 MB"},
		{102400, unitBytes, "100 KB"},
		{69632, unitBytes, "68 KB"},
		{1023.4, unitBytes, "1,023 Bytes"},
		{1048000, unitBytes, "1,023 KB"},
		{1048570, unitBytes, "1.00 MB"},
		{3 << 30, unitBytes, "3.00 GB"},
		{3065, unitPerMin, "3,065/min"},
		{30, unitBytesPerSec, "30 Bytes/sec"},
		{1, unitOpsPerSec, "1/sec"},
		{4, unitCount, "4"},
		{1234567.5, unitCount, "1,234,568"},
	} {
		assert.Equal(t, tc.want, formatValue(tc.v, tc.u), "%v", tc.v)
	}
	assert.Equal(t, "-1,000", commas(-1000))
	assert.Equal(t, "999", commas(999))
	assert.Equal(t, "49.75%", formatShare(0.4975))
}

func TestPickLocale(t *testing.T) {
	m := map[string]Mode{"en-US": {Value: "a", Participants: 5}, "de-DE": {Value: "b", Participants: 5},
		"fr-FR": {Value: "c", Participants: 2}}
	got, ok := pickLocale(m, "fr-FR")
	assert.True(t, ok)
	assert.Equal(t, "c", got.Value)
	got, _ = pickLocale(m, "xx")
	assert.Equal(t, "b", got.Value, "most participants, ties to the smaller tag")
	_, ok = pickLocale(nil, "")
	assert.False(t, ok)
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteTextDefaultsAndErrors(t *testing.T) {
	a := algAggregator(t, AlgExeProfile(), 1)
	s, _ := a.Summary(AlgExeSHA256)
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, s))
	assert.Contains(t, b.String(), "United States installs about 49.75% of alg.exe.\n")
	assert.Contains(t, b.String(), "| Display name: | Application Layer Gateway Service |\n", "the most reported locale")
	assert.ErrorIs(t, WriteText(failWriter{}, s), errWrite)
}
