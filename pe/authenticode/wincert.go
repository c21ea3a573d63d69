package authenticode

import (
	"encoding/binary"
)

// WIN_CERTIFICATE revisions and types (wintrust.h).
const (
	WIN_CERT_REVISION_1_0 = 0x0100 // legacy
	WIN_CERT_REVISION_2_0 = 0x0200 // current

	WIN_CERT_TYPE_X509             = 0x0001 // bCertificate holds an X.509 certificate (unused)
	WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002 // bCertificate holds a PKCS#7 SignedData: Authenticode
	WIN_CERT_TYPE_RESERVED_1       = 0x0003
	WIN_CERT_TYPE_TS_STACK_SIGNED  = 0x0004 // terminal server protocol stack (unused)
)

const winCertHeaderSize = 8 // dwLength, wRevision, wCertificateType

// WinCertificate is one WIN_CERTIFICATE entry of the certificate table.
type WinCertificate struct {
	Offset   int64  // file offset of the entry
	Length   uint32 // dwLength: the entry size including its 8-byte header
	Revision uint16 // wRevision: WIN_CERT_REVISION_2_0 in practice
	Type     uint16 // wCertificateType: WIN_CERT_TYPE_PKCS_SIGNED_DATA for Authenticode

	// TrailingBytes counts the bytes of bCertificate after the DER
	// SignedData (alignment padding, or data smuggled into the table).
	// Only set for PKCS#7 entries that decoded.
	TrailingBytes int
}

// winCertEntry is an entry with its bCertificate bytes.
type winCertEntry struct {
	WinCertificate
	data []byte
	err  error // the entry's header is bad but its data was kept
}

// parseCertTable walks the WIN_CERTIFICATE entries of table, which starts
// at file offset base. Entries start 8-byte aligned relative to the table.
// Walking stops at the first bad header; what came before is returned.
func parseCertTable(table []byte, base int64) ([]winCertEntry, []error) {
	var entries []winCertEntry
	var errs []error
	off := 0
	for off < len(table) {
		rest := table[off:]
		if allZero(rest) {
			break // padding
		}
		at := base + int64(off)
		if len(entries) >= MaxCertTableEntries {
			errs = append(errs, formatErr(ErrLimit, at, "WIN_CERTIFICATE", "more than %d entries", MaxCertTableEntries))
			break
		}
		if len(rest) < winCertHeaderSize {
			errs = append(errs, formatErr(ErrTruncated, at, "WIN_CERTIFICATE", "%d bytes left for an 8-byte header", len(rest)))
			break
		}
		e := winCertEntry{WinCertificate: WinCertificate{
			Offset:   at,
			Length:   binary.LittleEndian.Uint32(rest),
			Revision: binary.LittleEndian.Uint16(rest[4:]),
			Type:     binary.LittleEndian.Uint16(rest[6:]),
		}}
		if e.Length < winCertHeaderSize {
			// Keep the entry: its type still says whether the file claims
			// to be signed.
			e.err = formatErr(ErrMalformed, at, "WIN_CERTIFICATE", "dwLength %d smaller than the header", e.Length)
			errs = append(errs, e.err)
			entries = append(entries, e)
			break
		}
		if uint64(e.Length) > uint64(len(rest)) {
			e.err = formatErr(ErrTruncated, at, "WIN_CERTIFICATE",
				"dwLength %d runs past the certificate table (%d bytes left)", e.Length, len(rest))
			errs = append(errs, e.err)
			e.data = rest[winCertHeaderSize:] // decode what is there
			entries = append(entries, e)
			break
		}
		e.data = rest[winCertHeaderSize:e.Length]
		entries = append(entries, e)
		next := (uint64(e.Length) + 7) &^ 7
		if next > uint64(len(rest)) {
			break
		}
		off += int(next)
	}
	return entries, errs
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
