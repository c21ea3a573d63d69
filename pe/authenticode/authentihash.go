package authenticode

import (
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"math"
)

// Offsets inside the NT headers, counted from e_lfanew.
const (
	ntSignatureSize   = 4  // "PE\0\0"
	fileHeaderSize    = 20 // IMAGE_FILE_HEADER
	optionalHeaderOff = ntSignatureSize + fileHeaderSize

	checksumOff     = 64  // CheckSum inside the optional header (PE32 and PE32+)
	dataDirOff32    = 96  // DataDirectory inside IMAGE_OPTIONAL_HEADER32
	dataDirOff64    = 112 // DataDirectory inside IMAGE_OPTIONAL_HEADER64
	securityDirIdx  = 4   // IMAGE_DIRECTORY_ENTRY_SECURITY
	dataDirEntrySz  = 8   // IMAGE_DATA_DIRECTORY
	checksumFieldSz = 4
)

// Layout holds the header values the authentihash and the signature
// decoder need. The caller reads them from the PE headers; this package
// does not parse PE headers itself.
//
// The zero value of CertTableOffset and CertTableSize means "no certificate
// table" (an unsigned file).
type Layout struct {
	// NTHeaderOffset is e_lfanew: the file offset of the "PE\0\0"
	// signature (the dword at 0x3c of the DOS header).
	NTHeaderOffset int64

	// PE32Plus is true when the optional header magic is 0x20b (PE32+,
	// 64-bit images) and false for 0x10b (PE32).
	PE32Plus bool

	// CertTableOffset and CertTableSize are data directory entry 4
	// (IMAGE_DIRECTORY_ENTRY_SECURITY). Its VirtualAddress is a file
	// offset, not an RVA; the table is not mapped into memory.
	CertTableOffset uint32
	CertTableSize   uint32

	// FileSize is the file size in bytes. Zero means len(b) of the slice
	// passed along. A FileSize smaller than len(b) limits the functions to
	// the first FileSize bytes; a larger one is an error.
	FileSize int64

	// NoSecurityEntry is true when the optional header has no data
	// directory entry 4 (NumberOfRvaAndSizes < 5, or SizeOfOptionalHeader
	// too small to hold it). The 8 bytes where it would be are then
	// hashed like any other, as signify does, and the certificate table
	// fields must be zero. Such a file cannot carry a signature; its
	// authentihash matters only for catalogs.
	NoSecurityEntry bool
}

// ChecksumOffset returns the file offset of the optional header's CheckSum
// field: NTHeaderOffset + 24 + 64.
func (l Layout) ChecksumOffset() int64 {
	return l.NTHeaderOffset + optionalHeaderOff + checksumOff
}

// SecurityEntryOffset returns the file offset of data directory entry 4:
// NTHeaderOffset + 24 + 96 (PE32) or + 112 (PE32+), + 4*8.
func (l Layout) SecurityEntryOffset() int64 {
	dd := int64(dataDirOff32)
	if l.PE32Plus {
		dd = dataDirOff64
	}
	return l.NTHeaderOffset + optionalHeaderOff + dd + securityDirIdx*dataDirEntrySz
}

// HasCertTable reports whether the security directory entry is non-zero.
func (l Layout) HasCertTable() bool { return l.CertTableOffset != 0 || l.CertTableSize != 0 }

// span is a half-open byte range [start, end) of the file.
type span struct{ start, end int64 }

// size returns the effective file size for b.
func (l Layout) size(b []byte) (int64, error) {
	n := int64(len(b))
	switch {
	case l.FileSize < 0:
		return 0, formatErr(ErrMalformed, -1, "Layout", "negative file size %d", l.FileSize)
	case l.FileSize > n:
		return 0, formatErr(ErrTruncated, n, "Layout", "file size %d larger than the %d bytes given", l.FileSize, n)
	case l.FileSize > 0:
		return l.FileSize, nil
	}
	return n, nil
}

// certTable returns the certificate table range clamped to the file, and an
// error when the directory entry had to be clamped or ignored. ok is false
// when there is no usable table.
func (l Layout) certTable(size int64) (t span, ok bool, err error) {
	if !l.HasCertTable() {
		return span{}, false, nil
	}
	secEnd := l.SecurityEntryOffset() + dataDirEntrySz
	start := int64(l.CertTableOffset)
	end := start + int64(l.CertTableSize)
	switch {
	case l.CertTableOffset == 0 || l.CertTableSize == 0:
		return span{}, false, formatErr(ErrMalformed, l.SecurityEntryOffset(), "IMAGE_DIRECTORY_ENTRY_SECURITY",
			"certificate table offset 0x%x with size %d", l.CertTableOffset, l.CertTableSize)
	case start < secEnd:
		return span{}, false, formatErr(ErrMalformed, start, "IMAGE_DIRECTORY_ENTRY_SECURITY",
			"certificate table overlaps the headers (ends at 0x%x)", secEnd)
	case start >= size:
		return span{}, false, formatErr(ErrTruncated, start, "IMAGE_DIRECTORY_ENTRY_SECURITY",
			"certificate table starts past the end of the file (size 0x%x)", size)
	case end > size:
		return span{start, size}, true, formatErr(ErrTruncated, start, "IMAGE_DIRECTORY_ENTRY_SECURITY",
			"certificate table of %d bytes runs past the end of the file (size 0x%x)", l.CertTableSize, size)
	}
	return span{start, end}, true, nil
}

// hashedSpans returns the ranges of the file that the authentihash covers,
// in file order. err is set when the certificate table entry was clamped or
// ignored; the spans are still usable then. fatal is true when the headers
// themselves do not fit, and spans is nil.
func (l Layout) hashedSpans(size int64) (spans []span, fatal bool, err error) {
	if l.NTHeaderOffset < 0 || l.NTHeaderOffset > math.MaxUint32 {
		// e_lfanew is a DWORD; the bound also keeps the sums below from
		// overflowing.
		return nil, true, formatErr(ErrMalformed, l.NTHeaderOffset, "IMAGE_DOS_HEADER", "e_lfanew out of range")
	}
	cs := l.ChecksumOffset()
	sec := l.SecurityEntryOffset()
	if l.NoSecurityEntry {
		if cs+checksumFieldSz > size {
			return nil, true, formatErr(ErrTruncated, cs, "IMAGE_OPTIONAL_HEADER",
				"checksum past the end of the file (size 0x%x)", size)
		}
		if l.HasCertTable() {
			return nil, true, formatErr(ErrMalformed, -1, "Layout", "certificate table without a security directory entry")
		}
		return []span{{0, cs}, {cs + checksumFieldSz, size}}, false, nil
	}
	if sec+dataDirEntrySz > size {
		return nil, true, formatErr(ErrTruncated, sec, "IMAGE_OPTIONAL_HEADER",
			"security directory entry past the end of the file (size 0x%x)", size)
	}
	spans = append(make([]span, 0, 4),
		span{0, cs},
		span{cs + checksumFieldSz, sec},
	)
	t, ok, err := l.certTable(size)
	if !ok {
		return append(spans, span{sec + dataDirEntrySz, size}), false, err
	}
	spans = append(spans, span{sec + dataDirEntrySz, t.start})
	if t.end < size {
		spans = append(spans, span{t.end, size})
	}
	return spans, false, err
}

// Authentihash returns the Authenticode digest of the PE file b using the
// hash newHash makes: the bytes of the file in order, skipping the
// optional header's CheckSum field, the security data directory entry and
// the certificate table.
//
// This is the flat algorithm of osslsigncode, signify and most tools, not
// the section-sorted one of Microsoft's Authenticode_PE.docx (which hashes
// the headers, then each section's raw data in PointerToRawData order,
// then the data after the last section). Both give the same digest for
// files made by linkers, where the headers and sections are contiguous and
// the certificate table is last. They differ when:
//
//   - sections overlap or leave gaps: gap bytes are hashed here, once, in
//     file order; an overlapped range is hashed once, not once per section;
//   - data follows the certificate table: it is hashed here (the table is
//     skipped wherever it lies), while Windows expects the table to be last
//     and a file with data after it should fail verification;
//   - the file is unsigned and its size is not a multiple of 8: signing
//     tools pad it with up to 7 zero bytes before appending the table, and
//     the digest they embed covers that padding. The digest here covers the
//     bytes as they are; it matches the embedded one once the file is
//     signed.
//
// A certificate table that overlaps the headers or starts past the end of
// the file is not skipped, and one that runs past the end is clamped to it;
// the digest is then returned together with an error wrapping
// [ErrMalformed] or [ErrTruncated], so a caller can decide to use it. When
// the header fields do not fit in b (or e_lfanew is out of range, or a
// table is given with NoSecurityEntry), the digest is nil. Authentihash
// never panics, reads only b, and allocates only the hash.
func Authentihash(b []byte, l Layout, newHash func() hash.Hash) ([]byte, error) {
	size, err := l.size(b)
	if err != nil {
		return nil, err
	}
	spans, fatal, err := l.hashedSpans(size)
	if fatal {
		return nil, err
	}
	h := newHash()
	for _, s := range spans {
		if s.end > s.start {
			h.Write(b[s.start:s.end])
		}
	}
	return h.Sum(nil), err
}

// AuthentihashSHA256 returns the SHA-256 authentihash of b, the value
// VirusTotal calls "authentihash" and modern signatures embed. See
// [Authentihash] for the algorithm and the errors.
func AuthentihashSHA256(b []byte, l Layout) ([]byte, error) {
	return Authentihash(b, l, sha256.New)
}

// AuthentihashSHA1 returns the SHA-1 authentihash of b, the digest of
// legacy signatures and of SHA-1 catalogs. See [Authentihash].
func AuthentihashSHA1(b []byte, l Layout) ([]byte, error) {
	return Authentihash(b, l, sha1.New)
}
