package pe

import (
	"encoding/binary"
	"fmt"
)

// The parser dependency decodes debug directory entries from their
// PointerToRawData and SizeOfData without checking that the size fits the
// format or the file (saferwall/pe v1.6.5, debug.go). planDebug finds the
// entries that would hurt it, reading each one where the parser will (its
// own RVA mapping is passed in), so that saferwall.go can hide them:
//
//   - CodeView RSDS: SizeOfData-25 bytes are allocated for the PDB name
//     before any bounds check; below 25 the length wraps to ~4 GiB;
//   - CodeView NB10: the same with SizeOfData-17;
//   - POGO: records are read while fewer than SizeOfData-4 bytes were
//     consumed (below 4 it wraps and reads to the end of the file), and
//     each record's name is sliced 64 bytes ahead, which panics near the
//     end of the data;
//   - FPO and POGO build one value per record of SizeOfData: entries that
//     claim the same bytes over and over multiply the memory and time.
//
// VC feature, REPRO and extended DLL characteristics entries read fixed
// sizes through bounds-checked readers; other types are not decoded.

// Sizes and offsets of IMAGE_DEBUG_DIRECTORY and its payloads.
const (
	debugEntrySize    = 28
	debugTypeField    = 12
	debugSizeField    = 16
	debugPointerField = 24

	debugTypeCodeView = 2
	debugTypeFPO      = 3
	debugTypePOGO     = 13

	cvRSDS        = 0x53445352     // "RSDS"
	cvNB10        = 0x3031424e     // "NB10"
	cvRSDSMinSize = 4 + 16 + 4 + 1 // signature, GUID, age, the name's NUL
	cvNB10MinSize = 4 + 4 + 4 + 4 + 1
	pogoMinSize   = 4  // the signature
	pogoNameSpan  = 64 // bytes the parser slices for each POGO name
)

// pogoSignatures are the POGO signatures whose records the parser decodes
// (0, "PGU", "PGI", "PGO", "LTCG").
var pogoSignatures = map[uint32]bool{0: true, 0x50475500: true, 0x50474900: true, 0x50474F00: true, 0x4c544347: true}

// debugDirKey is an IMAGE_DEBUG_DIRECTORY as the parser read it.
type debugDirKey struct {
	Characteristics, TimeDateStamp     uint32
	MajorVersion, MinorVersion         uint16
	Type, SizeOfData, AddressOfRawData uint32
	PointerToRawData                   uint32
}

// debugFault is an anomaly found by planDebug, reported by the caller.
type debugFault struct {
	id, msg string
}

// debugPlan says which debug entries to keep from the parser's decoder.
type debugPlan struct {
	skipAll bool                   // do not let the parser read the directory at all
	hide    []int64                // file offsets of entries whose Type is to be zeroed
	hidden  map[debugDirKey]uint32 // those entries with Type zeroed → their real Type
	faults  []debugFault
}

// planDebug checks the debug directory at RVA va of size bytes in data.
// offsetOf maps an RVA to a file offset exactly as the parser does
// (an offset past the data when unmapped).
func planDebug(data []byte, va, size uint32, offsetOf func(rva uint32) uint32, lim Limits) debugPlan {
	var p debugPlan
	if va == 0 {
		return p
	}
	n := size / debugEntrySize
	if int64(n) > int64(lim.MaxDebugEntries) {
		p.skipAll = true
		p.faults = append(p.faults, debugFault{AnoDebugSkipped,
			fmt.Sprintf("the debug directory claims %d entries (limit %d); it was not parsed", n, lim.MaxDebugEntries)})
		return p
	}
	fileSize := int64(len(data))
	budget := fileSize // bytes the record-decoding entries may claim in all
	for i := range n {
		// The parser maps each entry's RVA on its own, in 32 bits, and stops
		// at the first entry it cannot read.
		off := int64(offsetOf(va + debugEntrySize*i))
		if off >= fileSize || off+debugEntrySize > fileSize {
			break
		}
		e := data[off : off+debugEntrySize]
		typ := binary.LittleEndian.Uint32(e[debugTypeField:])
		sizeOfData := int64(binary.LittleEndian.Uint32(e[debugSizeField:]))
		ptr := int64(binary.LittleEndian.Uint32(e[debugPointerField:]))
		id, why := checkDebugEntry(data, typ, ptr, sizeOfData)
		if id == "" && (typ == debugTypeCodeView || typ == debugTypeFPO || typ == debugTypePOGO) {
			if sizeOfData > budget {
				id, why = AnoDebugDataRepeated, "claims bytes that earlier entries already claimed, beyond the file's size in all"
			} else {
				budget -= sizeOfData
			}
		}
		if id == "" {
			continue
		}
		p.faults = append(p.faults, debugFault{id, fmt.Sprintf("debug entry %d (type %d, 0x%x bytes at 0x%x) %s; it was not decoded", i, typ, sizeOfData, ptr, why)})
		if p.hidden == nil {
			p.hidden = make(map[debugDirKey]uint32)
		}
		p.hide = append(p.hide, off)
		p.hidden[debugKey(e, 0)] = typ
	}
	return p
}

// checkDebugEntry returns the anomaly id and a reason when the parser would
// misbehave on a debug entry of type typ with SizeOfData bytes at file
// offset ptr, or "" when the entry is safe to decode.
func checkDebugEntry(data []byte, typ uint32, ptr, sizeOfData int64) (id, why string) {
	fileSize := int64(len(data))
	if typ != debugTypeCodeView && typ != debugTypeFPO && typ != debugTypePOGO {
		return "", "" // fixed-size reads, bounds-checked, or not decoded
	}
	if ptr+sizeOfData > fileSize {
		return AnoDebugEntryPastEOF, "runs past the end of the file"
	}
	if typ == debugTypeFPO || ptr+4 > fileSize {
		return "", "" // FPO: a bounded loop; others: the parser cannot read a signature
	}
	sig := binary.LittleEndian.Uint32(data[ptr:])
	switch {
	case typ == debugTypeCodeView && sig == cvRSDS && sizeOfData < cvRSDSMinSize:
		return AnoDebugEntryTooSmall, fmt.Sprintf("is smaller than a CodeView RSDS record (%d bytes)", cvRSDSMinSize)
	case typ == debugTypeCodeView && sig == cvNB10 && sizeOfData < cvNB10MinSize:
		return AnoDebugEntryTooSmall, fmt.Sprintf("is smaller than a CodeView NB10 record (%d bytes)", cvNB10MinSize)
	case typ == debugTypePOGO && pogoSignatures[sig]:
		if sizeOfData < pogoMinSize {
			return AnoDebugEntryTooSmall, fmt.Sprintf("is smaller than a POGO signature (%d bytes)", pogoMinSize)
		}
		if pogoReadsPastEnd(data, ptr, sizeOfData) {
			return AnoDebugEntryPastEOF, "has POGO records whose names the parser would read past the end of the file"
		}
	}
	return "", ""
}

// pogoReadsPastEnd walks the POGO records as the parser does and reports
// whether it would slice a name's 64 bytes past the end of data. Each step
// consumes at least 9 bytes of the entry, so the walk is bounded by
// sizeOfData, itself within the file.
func pogoReadsPastEnd(data []byte, ptr, sizeOfData int64) bool {
	fileSize := int64(len(data))
	off, used := ptr+4, int64(0)
	for used < sizeOfData-4 {
		if off+8 > fileSize {
			return false // the parser's reads fail and it stops
		}
		if off+8+pogoNameSpan > fileSize {
			return true
		}
		name := data[off+8 : off+8+pogoNameSpan]
		l := int64(len(name))
		for j, c := range name {
			if c == 0 {
				l = int64(j)
				break
			}
		}
		off += 8 + l
		pad := 4 - off%4
		used += 8 + l + pad
		off += pad
	}
	return false
}

// debugKey returns the entry e with its Type replaced by typ.
func debugKey(e []byte, typ uint32) debugDirKey {
	u32 := func(o int) uint32 { return binary.LittleEndian.Uint32(e[o:]) }
	return debugDirKey{
		Characteristics:  u32(0),
		TimeDateStamp:    u32(4),
		MajorVersion:     binary.LittleEndian.Uint16(e[8:]),
		MinorVersion:     binary.LittleEndian.Uint16(e[10:]),
		Type:             typ,
		SizeOfData:       u32(debugSizeField),
		AddressOfRawData: u32(20),
		PointerToRawData: u32(debugPointerField),
	}
}

// isRSDSAt reports whether a CodeView RSDS signature is at offset ptr.
func isRSDSAt(data []byte, ptr uint32) bool {
	return int64(ptr)+4 <= int64(len(data)) && binary.LittleEndian.Uint32(data[ptr:]) == cvRSDS
}
