package pe

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
)

// RichHeader is the decoded Rich header that Microsoft's linker writes
// between the DOS stub and the PE header.
type RichHeader struct {
	Offset        int         // file offset of "DanS" (encoded)
	Key           uint32      // the XOR key, a checksum of the DOS header and entries
	ClearData     []byte      // decoded bytes from "DanS" up to, not including, "Rich"
	Entries       []RichEntry // tool records
	ChecksumValid bool        // the key equals the checksum recomputed from the file
}

// RichEntry is one tool record of the Rich header: which tool (product id
// and build) contributed how many objects.
type RichEntry struct {
	ProductID uint16 `json:"product_id"`
	Build     uint16 `json:"build"`
	Count     uint32 `json:"count"`
}

// Hash returns the MD5 of ClearData as lower-case hex: the value pefile's
// get_rich_header_hash() and VirusTotal's rich_pe_header_hash give when
// "DanS" is at 0x80, as it is in every file Microsoft's linker writes.
func (r *RichHeader) Hash() string {
	sum := md5.Sum(r.ClearData)
	return hex.EncodeToString(sum[:])
}

// parseRich decodes the Rich header from the bytes before e_lfanew. It
// returns nil when there is none; an undecodable one is an anomaly.
func parseRich(b []byte, ntOffset uint32, an *anomalies) *RichHeader {
	end := min(int(ntOffset), len(b))
	i := bytes.Index(b[:end], []byte("Rich"))
	if i < 0 {
		return nil
	}
	if i+8 > len(b) || i%4 != 0 {
		an.add(AnoRichUndersized, "a \"Rich\" mark at 0x%x is not a decodable Rich header", i)
		return nil
	}
	key := binary.LittleEndian.Uint32(b[i+4:])
	dans := -1
	for off := i - 4; off >= 0x40; off -= 4 {
		if binary.LittleEndian.Uint32(b[off:])^key == 0x536e6144 { // "DanS"
			dans = off
			break
		}
	}
	if dans < 0 {
		an.add(AnoRichDanSMissing, "a Rich header at 0x%x has no DanS mark", i)
		return nil
	}
	clear := make([]byte, i-dans)
	for off := 0; off < len(clear); off += 4 {
		binary.LittleEndian.PutUint32(clear[off:], binary.LittleEndian.Uint32(b[dans+off:])^key)
	}
	r := &RichHeader{Offset: dans, Key: key, ClearData: clear}
	if len(clear) < 16 {
		an.add(AnoRichUndersized, "the Rich header at 0x%x is too short to hold its padding", dans)
		return r
	}
	if binary.LittleEndian.Uint32(clear[4:])|binary.LittleEndian.Uint32(clear[8:])|binary.LittleEndian.Uint32(clear[12:]) != 0 {
		an.add(AnoRichPadding, "the Rich header's three padding dwords are not zero")
	}
	for off := 16; off+8 <= len(clear); off += 8 {
		id := binary.LittleEndian.Uint32(clear[off:])
		r.Entries = append(r.Entries, RichEntry{
			ProductID: uint16(id >> 16),
			Build:     uint16(id),
			Count:     binary.LittleEndian.Uint32(clear[off+4:]),
		})
	}
	r.ChecksumValid = richChecksum(b, dans, r.Entries) == key
	if !r.ChecksumValid {
		an.add(AnoRichChecksum, "the Rich header's key does not match its checksum: the header was edited")
	}
	if dans != 0x80 {
		an.add(AnoRichDanSOffset, "the Rich header starts at 0x%x, not 0x80", dans)
	}
	return r
}

// richChecksum recomputes the linker's key: the DanS offset, plus every
// DOS header byte before it (e_lfanew excluded) rotated left by its offset,
// plus each compid rotated left by its count.
func richChecksum(b []byte, dans int, entries []RichEntry) uint32 {
	sum := uint32(dans)
	for i := 0; i < dans; i++ {
		if i >= 0x3c && i < 0x40 {
			continue
		}
		sum += bits.RotateLeft32(uint32(b[i]), i)
	}
	for _, e := range entries {
		id := uint32(e.ProductID)<<16 | uint32(e.Build)
		sum += bits.RotateLeft32(id, int(e.Count%32))
	}
	return sum
}
