package stats

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParticipantIdentity: ids that differ only in case or surrounding
// white space are one participant, so 199 people and re-spellings of
// their ids stay below the 200 threshold.
func TestParticipantIdentity(t *testing.T) {
	a := newAgg(t)
	for i := range 199 {
		require.NoError(t, a.Add(sample(fmt.Sprint("p-", i), withOS("Windows 7"))))
	}
	for _, v := range []string{"P-0", "p-0 ", " P-1\t", "p-2\n", "\u00a0p-3", "P-198"} {
		require.NoError(t, a.Add(sample(v, withOS("Windows 7"))), "%q", v)
	}
	s := summaryOf(t, a)
	assert.Equal(t, int64(199), s.Participants)
	assert.Equal(t, int64(205), s.Samples)
	assert.False(t, s.Published, "199 people are below the threshold of 200")

	// One more person publishes it.
	require.NoError(t, a.Add(sample("p-199")))
	assert.True(t, summaryOf(t, a).Published)
}

// TestParticipantIdentityMerge: shards agree on identity, so re-spelled
// ids in two shards count once.
func TestParticipantIdentityMerge(t *testing.T) {
	a, b := newAgg(t), newAgg(t)
	for i := range 150 {
		require.NoError(t, a.Add(sample(fmt.Sprint("p-", i))))
		require.NoError(t, b.Add(sample(fmt.Sprint(" P-", i+50, " "))))
	}
	require.NoError(t, a.Merge(b))
	assert.Equal(t, int64(200), summaryOf(t, a).Participants)

	data, err := b.MarshalBinary()
	require.NoError(t, err)
	c := newAgg(t)
	require.NoError(t, c.UnmarshalBinary(data))
	require.NoError(t, c.Add(sample("p-50")))
	assert.Equal(t, int64(150), summaryOf(t, c).Participants)
}

func TestParticipantID(t *testing.T) {
	for in, want := range map[string]string{
		"p-7f3a":      "p-7f3a",
		"P-7F3A":      "p-7f3a",
		"  p-0\t":     "p-0",
		"MACHINE-ÉTÉ": "machine-été",
		"\u212a-1":    "k-1", // KELVIN SIGN folds with K and k
		"ſ":           "s",   // LONG S folds with S and s
		"ΣΑΣ":         "σασ",
		"ς":           "σ",
	} {
		assert.Equal(t, want, participantID(in), "%q", in)
	}
	assert.Equal(t, participantKey("p-0"), participantKey(" P-0 "))
	assert.NotEqual(t, participantKey("p-0"), participantKey("p-00"))
	id := "p-7f3a0c"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = participantID(id) }), "the usual id is used as it is")
}

func TestParticipantBlank(t *testing.T) {
	a := newAgg(t)
	err := a.Add(sample(" \t "))
	var re *RejectError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, RejectMissingParticipant, re.Reason)
}
