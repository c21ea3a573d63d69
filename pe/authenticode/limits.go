package authenticode

// Limits. Every loop and allocation driven by the input is capped by one of
// these values or by the input size, so a hostile file costs bounded time
// and memory. A structure beyond a cap is reported with an error wrapping
// [ErrLimit]; what was decoded before it is kept.
const (
	// MaxCertTableSize caps the certificate table (data directory 4) that
	// is decoded. Real tables hold one to three signatures and stay under
	// 64 KiB; some installers append megabytes of data inside them.
	MaxCertTableSize = 16 << 20

	// MaxCertTableEntries caps the WIN_CERTIFICATE entries walked. Windows
	// uses only the first; signing tools write one.
	MaxCertTableEntries = 16

	// MaxSignatures caps the signatures decoded per file, primary and
	// nested together. Dual signing (SHA-1 + SHA-256) makes two; more than
	// a handful is unheard of.
	MaxSignatures = 16

	// MaxNestingDepth caps the recursion through nested signatures
	// (unauthenticated attribute 1.3.6.1.4.1.311.2.4.1). Tools nest one
	// level deep; a signature inside a nested one is depth 2.
	MaxNestingDepth = 4

	// MaxCertificates caps the certificates decoded per SignedData. A
	// chain plus a timestamping chain is under 10.
	MaxCertificates = 64

	// MaxAttributes caps the attributes read per SignerInfo attribute set,
	// and the values read per attribute.
	MaxAttributes = 64

	// MaxSignerInfos caps the SignerInfos decoded per SignedData.
	// Authenticode and catalogs use one.
	MaxSignerInfos = 8

	// MaxCountersignatures caps the timestamps decoded per signer.
	MaxCountersignatures = 8

	// MaxCatalogSize caps the catalog file ParseCatalog accepts. Windows'
	// largest catalogs (cumulative updates) are tens of MiB.
	MaxCatalogSize = 256 << 20

	// MaxCatalogMembers caps the members decoded per catalog. Large
	// Windows catalogs list about 100,000 files.
	MaxCatalogMembers = 1 << 20

	// MaxDERDepth caps the nesting of constructed ASN.1 values when BER
	// input is re-encoded as DER.
	MaxDERDepth = 64
)
