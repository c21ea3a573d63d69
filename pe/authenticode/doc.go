// Package authenticode decodes and verifies Authenticode signatures of PE
// files and Windows catalog files (.cat), in pure Go over byte slices.
//
// It does four things:
//
//   - [Authentihash] computes the Authenticode digest of a PE file from a
//     few header values the caller passes in a [Layout] (this package does
//     not parse PE headers); [AuthentihashSHA256] and [AuthentihashSHA1]
//     are the one-call forms.
//   - [Parse] decodes the certificate table: each WIN_CERTIFICATE, its
//     PKCS#7 SignedData with the SpcIndirectDataContent file digest, the
//     signer and its certificates, the SpcSpOpusInfo program name, nested
//     signatures (attribute 1.3.6.1.4.1.311.2.4.1) and timestamps (legacy
//     PKCS#9 countersignatures and RFC 3161 tokens). It checks integrity:
//     the embedded digest against the file ([SignatureInfo.DigestMatches])
//     and each signer's signature against its certificate.
//   - [Signature.Verify] decides trust: a chain from the signer to roots the
//     caller supplies, for code signing, at the current time or at the
//     time of a trusted timestamp, whose own chain must reach a
//     time-stamping root with the time-stamping EKU (RFC 3161 and PKCS#9
//     alike). A chain that fails says why with a [ChainError]:
//     [ErrExpiredAtSigning], [ErrExpiredNoTimestamp], [ErrExpiredLifetime],
//     [ErrUnknownRoot], [ErrWrongEKU] or [ErrUntrustedTimestamp], each
//     also [ErrUntrusted]. Package roots (pe/authenticode/roots) holds
//     filerep's default anchors. Trust never comes from the system
//     certificate store and nothing is fetched from the network; with no
//     roots nothing verifies ([ErrNoRoots]). Revocation is not checked.
//   - [ParseCatalog] decodes a catalog: a SignedData over a certificate
//     trust list whose members are authentihashes. [Catalog.Contains] tells
//     whether a file is listed and [Catalog.Verify] whether the catalog is
//     trusted; together they decide whether an unsigned system file is
//     catalog-signed.
//
// # Hostile input
//
// Every count and size read from the input is bounded by the limits in
// limits.go or by the input size, offsets are checked before slicing, and
// nothing panics. Decoding problems are returned as errors wrapping the
// sentinels in errors.go ([ErrMalformed], [ErrTruncated], [ErrLimit], …),
// together with everything that could be decoded. A check that runs and
// fails (a digest mismatch, a bad signature) is a result in the returned
// structures, and an error only from Verify. DER is expected; BER (as some
// old signers wrote) is re-encoded as DER first.
//
// # Why not the PE parser's signature code
//
// filerep's PE parser dependency verifies signatures against the host's
// TLS root store (which lacks Microsoft's code-signing roots on Linux and
// differs per host), panics on files whose headers failed to parse, and
// its checksum code modifies the input (../shared/docs/saferwall-notes.md hazards 2,
// 8 and 11). This package needs only the header values and the bytes.
//
// # Cost
//
// Authentihash runs at the speed of the hash (one pass, no copies). Parse
// of a typical signed file takes well under a millisecond plus one
// authentihash per digest algorithm used; Verify builds one chain per
// signature with crypto/x509. Results are read-only and safe for
// concurrent use.
package authenticode
