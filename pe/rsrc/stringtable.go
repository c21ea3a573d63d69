package rsrc

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/text/encoding/charmap"
)

// RT_STRING (type 6) and RT_MESSAGETABLE (type 11); formats.md §3.

// stringsPerBlock is the number of slots in an RT_STRING block.
const stringsPerBlock = 16

// StringEntry is one string of an RT_STRING block.
type StringEntry struct {
	// ID is the string's resource ID: (blockID-1)*16 + slot.
	ID uint32 `json:"id"`
	// Value is the text, cut at its first NUL (see [ParseStringBlock]).
	Value string `json:"value"`
	// Offset is where the slot's length word sits in the block.
	Offset int `json:"offset"`
}

// StringBlockID returns the RT_STRING block (resource name) holding string
// id and the id's slot in it: block = id/16 + 1, slot = id%16. String 112
// lives in block 8, slot 0.
func StringBlockID(id uint16) (blockID uint32, slot int) {
	return uint32(id)/stringsPerBlock + 1, int(id % stringsPerBlock)
}

// ParseStringBlock decodes one RT_STRING resource: 16 slots, each a WORD
// count of UTF-16 units followed by that many units. blockID is the
// resource's name (1–4096); entry i gets ID (blockID-1)*16 + i. Empty
// slots are skipped, so the result has at most 16 entries, in slot order.
//
// A string is cut at its first NUL unit, as C callers of LoadString see it
// (rc /n appends a NUL to each string; the count then includes it). Bytes
// after the 16th slot (alignment padding) are ignored.
//
// When the block ends inside a slot, or before all 16 slots, ParseStringBlock
// returns the entries read so far and a *[FormatError] wrapping
// [ErrTruncated]. An out-of-range blockID gives [ErrBadID] and no entries.
func ParseStringBlock(b []byte, blockID uint32) ([]StringEntry, error) {
	if blockID == 0 || blockID > 0x10000/stringsPerBlock {
		return nil, fmt.Errorf("%w: string block %d (want 1-%d)", ErrBadID, blockID, 0x10000/stringsPerBlock)
	}
	base := (blockID - 1) * stringsPerBlock
	var out []StringEntry
	off := 0
	for i := 0; i < stringsPerBlock; i++ {
		if off+2 > len(b) {
			return out, formatErr(off, "string table", "truncated", ErrTruncated)
		}
		n := int(u16(b, off))
		if n > (len(b)-off-2)/2 {
			return out, formatErr(off, "string table", "truncated", ErrTruncated)
		}
		if n > 0 {
			s := DecodeUTF16(b[off+2 : off+2+2*n])
			out = append(out, StringEntry{ID: base + uint32(i), Value: s, Offset: off})
		}
		off += 2 + 2*n
	}
	return out, nil
}

// Message is one RT_MESSAGETABLE entry.
type Message struct {
	// ID is the full 32-bit message ID (severity and facility bits
	// included), as FormatMessage matches it.
	ID uint32 `json:"id"`
	// Flags is the entry's encoding: [MessageANSI], [MessageUnicode] or
	// [MessageUTF8]; other values are decoded as ANSI.
	Flags uint16 `json:"flags"`
	// Text is the message, cut at its first NUL (entries are NUL-padded),
	// with trailing CR/LF and insert sequences (%1) kept exactly as stored.
	Text string `json:"text"`
	// Offset is where the MESSAGE_RESOURCE_ENTRY starts.
	Offset int `json:"offset"`
}

// MESSAGE_RESOURCE_ENTRY.Flags values.
const (
	// MessageANSI: the text is in the ANSI code page; decoded as
	// Windows-1252.
	MessageANSI = 0
	// MessageUnicode: the text is UTF-16LE (MESSAGE_RESOURCE_UNICODE).
	MessageUnicode = 1
	// MessageUTF8: the text is UTF-8 (MESSAGE_RESOURCE_UTF8, newer SDKs).
	MessageUTF8 = 2
)

// ParseMessageTable decodes one RT_MESSAGETABLE resource:
// MESSAGE_RESOURCE_DATA {DWORD NumberOfBlocks; MESSAGE_RESOURCE_BLOCK
// {LowId, HighId, OffsetToEntries}[]}, each block pointing (from the start
// of the resource) at HighId-LowId+1 consecutive MESSAGE_RESOURCE_ENTRY
// {WORD Length (whole entry), WORD Flags, text}.
//
// Messages come out in block order, then ID order. ANSI text (Flags 0) is
// decoded as Windows-1252, the code page of Western-language resources;
// text in another ANSI code page comes out as the corresponding 1252
// characters. Trailing "\r\n" is kept as in the file: trim it with
// strings.TrimRight(m.Text, "\r\n") for display.
//
// A block that is out of range, inverted (HighId < LowId) or runs into a
// bad entry is skipped or cut short, decoding continues with the next
// block, and the returned error (a join of *[FormatError]s wrapping
// [ErrTruncated], [ErrBadLength] or [ErrLimit]) says what was lost. Work is
// bounded by len(b): blocks that repeat the same entries stop at a budget of
// a few times the resource size.
func ParseMessageTable(b []byte) ([]Message, error) {
	if len(b) < 4 {
		return nil, formatErr(len(b), "message table", "truncated", ErrTruncated)
	}
	var errs []error
	fail := func(err error) {
		if len(errs) < maxErrors {
			errs = append(errs, err)
		}
	}
	nblocks := int(u32(b, 0))
	if avail := (len(b) - 4) / 12; nblocks > avail {
		fail(formatErr(4+12*avail, "message table", fmt.Sprintf("has room for %d of %d blocks", avail, nblocks), ErrTruncated))
		nblocks = avail
	}
	if nblocks > maxMessageBlocks {
		fail(formatErr(4, "message table", fmt.Sprintf("%d blocks, keeping %d", nblocks, maxMessageBlocks), ErrLimit))
		nblocks = maxMessageBlocks
	}
	budget := messageWorkFactor*len(b) + messageWorkSlack
	var out []Message
	dec := charmap.Windows1252.NewDecoder()
blocks:
	for i := 0; i < nblocks; i++ {
		bo := 4 + 12*i
		low, high, eoff := u32(b, bo), u32(b, bo+4), int64(u32(b, bo+8))
		if high < low {
			fail(formatErr(bo, "message block", fmt.Sprintf("high id %#x below low id %#x", high, low), ErrBadLength))
			continue
		}
		off := int(min(eoff, int64(len(b))))
		for id := uint64(low); id <= uint64(high); id++ {
			if len(out) >= maxMessages {
				fail(formatErr(off, "message table", fmt.Sprintf("more than %d messages", maxMessages), ErrLimit))
				break blocks
			}
			if off+4 > len(b) {
				fail(formatErr(off, "message entry", "truncated", ErrTruncated))
				break
			}
			length, flags := int(u16(b, off)), u16(b, off+2)
			if length < 4 {
				fail(formatErr(off, "message entry", fmt.Sprintf("length %d", length), ErrBadLength))
				break
			}
			if length > len(b)-off {
				fail(formatErr(off, "message entry", "truncated", ErrTruncated))
				break
			}
			if budget -= length; budget < 0 {
				fail(formatErr(off, "message table", "work limit reached (overlapping blocks?)", ErrLimit))
				break blocks
			}
			text := b[off+4 : off+length]
			m := Message{ID: uint32(id), Flags: flags, Offset: off}
			switch flags {
			case MessageUnicode:
				m.Text = DecodeUTF16(text)
			case MessageUTF8:
				m.Text = stringToNUL(text)
			default:
				raw := text
				if i := bytes.IndexByte(raw, 0); i >= 0 {
					raw = raw[:i]
				}
				t, err := dec.Bytes(raw)
				if err != nil { // Windows-1252 decodes every byte; kept for safety
					t = raw
				}
				m.Text = string(t)
			}
			out = append(out, m)
			off += length
		}
	}
	return out, errors.Join(errs...)
}

// stringToNUL returns b up to its first NUL byte as a string, with invalid
// UTF-8 left as is (Go strings may hold any bytes; encoding/json replaces
// invalid sequences with U+FFFD when marshalling).
func stringToNUL(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
