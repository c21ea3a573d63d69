package authenticode

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timeDir holds the cases make.sh made there with osslsigncode: signers
// whose certificates expired in 2021, signed and timestamped 2020-06-01.
var timeDir = filepath.Join("testdata", "timepki")

var (
	tsTime  = time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
	timeNow = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

// timeOptions trusts root-cs for code signing and root-ts for time stamping.
func timeOptions(t *testing.T) VerifyOptions {
	t.Helper()
	cs, ts := loadPEMCert(t, "root-cs.pem"), loadPEMCert(t, "root-ts.pem")
	csPool, tsPool := x509.NewCertPool(), x509.NewCertPool()
	csPool.AddCert(cs)
	tsPool.AddCert(ts)
	return VerifyOptions{Roots: csPool, TimestampRoots: tsPool, CurrentTime: timeNow, AtSigningTime: true,
		LegacyRoots: []*x509.Certificate{cs}, TimestampLegacyRoots: []*x509.Certificate{ts}}
}

func loadPEMCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(readPEM(t, filepath.Join(timeDir, name)))
	require.NoError(t, err)
	return c
}

func verifyTimeCase(t *testing.T, name string, opts VerifyOptions) (*Verification, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(timeDir, name))
	require.NoError(t, err)
	sig, err := Parse(b, mustLayout(t, b))
	require.NoError(t, err)
	require.Len(t, sig.Signatures, 1)
	res, err := sig.Verify(opts)
	require.Len(t, res.Signatures, 1)
	return &res.Signatures[0], err
}

// chainReason returns the Reason of the first ChainError in err.
func chainReason(t *testing.T, err error) *ChainError {
	t.Helper()
	var ce *ChainError
	require.True(t, errors.As(err, &ce), "no ChainError in %v", err)
	return ce
}

func TestExpiredSignerWithTrustedTimestamp(t *testing.T) { // (a)
	for _, atSigning := range []bool{true, false} {
		opts := timeOptions(t)
		opts.AtSigningTime = atSigning
		v, err := verifyTimeCase(t, "expired-ts.exe", opts)
		require.NoError(t, err)
		assert.True(t, v.Verified)
		assert.True(t, v.UsedTimestamp)
		assert.Equal(t, tsTime, v.VerifiedAt)
		require.NotNil(t, v.Timestamp)
		assert.Equal(t, TimeSourceRFC3161, v.Timestamp.Kind)
		require.Len(t, v.Timestamps, 1)
		assert.Equal(t, TimestampCheck{Kind: TimeSourceRFC3161, Time: tsTime, Subject: v.Timestamp.Subject, Valid: true, Trusted: true}, v.Timestamps[0])
		require.Len(t, v.Chain, 2)
	}

	// At a time before the signer expired, no grace is needed.
	opts := timeOptions(t)
	opts.AtSigningTime = false
	opts.CurrentTime = time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC)
	v, err := verifyTimeCase(t, "expired-ts.exe", opts)
	require.NoError(t, err)
	assert.False(t, v.UsedTimestamp)

	// The timestamp's root is not a code-signing root, nor the signer's
	// root a time-stamping one: one pool for both fails the timestamp.
	opts = timeOptions(t)
	opts.TimestampRoots, opts.TimestampLegacyRoots = nil, nil
	_, err = verifyTimeCase(t, "expired-ts.exe", opts)
	require.ErrorIs(t, err, ErrExpiredNoTimestamp)
	require.ErrorIs(t, err, ErrUntrustedTimestamp)
	assert.ErrorIs(t, err, ErrUnknownRoot, "the timestamp's chain does not reach a time-stamping root")
}

func TestExpiredSignerWithoutTimestamp(t *testing.T) { // (b)
	v, err := verifyTimeCase(t, "expired-nots.exe", timeOptions(t))
	require.Error(t, err)
	assert.False(t, v.Verified)
	assert.ErrorIs(t, err, ErrUntrusted)
	assert.ErrorIs(t, err, ErrExpiredNoTimestamp)
	assert.NotErrorIs(t, err, ErrExpiredAtSigning)
	assert.Empty(t, v.Timestamps)
	assert.Equal(t, `authenticode: signer certificate "filerep Time Test Expired Signer (TEST ONLY)" expired 2021-01-01; the signature has no trusted timestamp`,
		chainReason(t, err).Error())
	assert.Equal(t, timeNow, v.VerifiedAt)

	// Before the expiry it verifies.
	opts := timeOptions(t)
	opts.CurrentTime = tsTime
	_, err = verifyTimeCase(t, "expired-nots.exe", opts)
	require.NoError(t, err)
}

func TestLifetimeSigningExpired(t *testing.T) { // (c)
	v, err := verifyTimeCase(t, "lifetime-ts.exe", timeOptions(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUntrusted)
	assert.ErrorIs(t, err, ErrExpiredLifetime)
	assert.False(t, v.UsedTimestamp)
	require.Len(t, v.Timestamps, 1)
	assert.True(t, v.Timestamps[0].Trusted, "the timestamp itself is fine")
	assert.Contains(t, chainReason(t, err).Error(), "lifetime-signing EKU")

	opts := timeOptions(t)
	opts.CurrentTime = tsTime
	_, err = verifyTimeCase(t, "lifetime-ts.exe", opts)
	require.NoError(t, err, "valid while the certificate is")
}

func TestTimestampWithoutTimeStampingEKU(t *testing.T) { // (d)
	v, err := verifyTimeCase(t, "expired-badtsa.exe", timeOptions(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrExpiredNoTimestamp)
	assert.ErrorIs(t, err, ErrUntrustedTimestamp)
	assert.ErrorIs(t, err, ErrWrongEKU)
	assert.Nil(t, v.Timestamp)
	require.Len(t, v.Timestamps, 1)
	ts := v.Timestamps[0]
	assert.True(t, ts.Valid)
	assert.False(t, ts.Trusted)
	assert.ErrorIs(t, ts.Error, ErrUntrustedTimestamp)
	assert.Contains(t, chainReason(t, err).Error(), "the signature's timestamp is not trusted")
}

func TestSignerUnderTimestampingRoot(t *testing.T) { // (e)
	v, err := verifyTimeCase(t, "tsroot-signer.exe", timeOptions(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUntrusted)
	assert.ErrorIs(t, err, ErrUnknownRoot)
	assert.Nil(t, v.Chain)
	assert.Contains(t, chainReason(t, err).Error(), "to a root trusted for code signing")

	// Trusted for code signing, the same root anchors it.
	opts := timeOptions(t)
	opts.Roots = opts.TimestampRoots
	_, err = verifyTimeCase(t, "tsroot-signer.exe", opts)
	require.NoError(t, err)
}

func TestReasonsAreUntrusted(t *testing.T) {
	for _, r := range []error{ErrExpiredAtSigning, ErrExpiredNoTimestamp, ErrExpiredLifetime, ErrUnknownRoot, ErrWrongEKU, ErrUntrustedTimestamp} {
		assert.ErrorIs(t, r, ErrUntrusted)
		assert.ErrorIs(t, &ChainError{Reason: r, Msg: "x"}, ErrUntrusted)
		assert.NotErrorIs(t, ErrUntrusted, r)
	}
}
