package authenticode

// BER support: some old signers wrote Authenticode and catalogs with BER
// (indefinite lengths, chunked strings). Decoding is DER-only
// (cryptobyte); BER input is re-encoded as DER first.

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// isValidDER reports whether b is a single, well-formed DER element at
// every level of nesting that this package walks (definite, minimal
// lengths, no constructed strings). It is a cheap pre-check that decides
// whether BER must be normalised first.
func isValidDER(b []byte, depth int) bool {
	if depth > MaxDERDepth {
		return false
	}
	s := cryptobyte.String(b)
	for !s.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&v, &tag) {
			return false
		}
		if tag&0x20 == 0 {
			continue
		}
		// A constructed universal string (chunked OCTET STRING) is BER
		// even with definite lengths; berToDER flattens it.
		if tag&0xc0 == 0 && isStringType(byte(tag)&0x1f) {
			return false
		}
		if !isValidDER(v, depth+1) {
			return false
		}
	}
	return true
}

// berToDER re-encodes one BER element (and what follows it is dropped) as
// DER: indefinite lengths become definite, long lengths become minimal,
// and constructed string types (OCTET STRING, BIT STRING and character
// strings split into chunks) become primitive. SET OF is not re-sorted:
// signatures cover the bytes as the signer encoded them. Nesting is capped
// at MaxDERDepth; the output is at most a few bytes per element longer than
// the input.
func berToDER(b []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := berElement(b, &out, 0)
	return out.Bytes(), err
}

// berHeader decodes a BER identifier and length. length is -1 for the
// indefinite form.
func berHeader(b []byte) (tag []byte, constructed bool, hdr int, length int, err error) {
	if len(b) < 2 {
		return nil, false, 0, 0, derErr("BER", "truncated header")
	}
	i := 1
	if b[0]&0x1f == 0x1f { // high tag number form
		for {
			if i >= len(b) || i > 5 {
				return nil, false, 0, 0, derErr("BER", "bad tag")
			}
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
		}
	}
	tag = b[:i]
	constructed = b[0]&0x20 != 0
	if i >= len(b) {
		return nil, false, 0, 0, derErr("BER", "truncated length")
	}
	l := b[i]
	i++
	switch {
	case l < 0x80:
		length = int(l)
	case l == 0x80:
		if !constructed {
			return nil, false, 0, 0, derErr("BER", "indefinite length on a primitive")
		}
		length = -1
	default:
		n := int(l & 0x7f)
		if n > 4 || i+n > len(b) {
			return nil, false, 0, 0, derErr("BER", "bad length")
		}
		for _, c := range b[i : i+n] {
			length = length<<8 | int(c)
		}
		i += n
		if length < 0 {
			return nil, false, 0, 0, derErr("BER", "bad length")
		}
	}
	if length > len(b)-i {
		return nil, false, 0, 0, formatErr(ErrTruncated, -1, "BER", "element of %d bytes past the end", length)
	}
	return tag, constructed, i, length, nil
}

// berElement converts the element at the start of b into out and returns
// how many input bytes it used.
func berElement(b []byte, out *bytes.Buffer, depth int) (int, error) {
	if depth > MaxDERDepth {
		return 0, formatErr(ErrLimit, -1, "BER", "nesting deeper than %d", MaxDERDepth)
	}
	tag, constructed, hdr, length, err := berHeader(b)
	if err != nil {
		return 0, err
	}
	if !constructed {
		writeDER(out, tag, b[hdr:hdr+length])
		return hdr + length, nil
	}
	// Collect the children's DER first, then write the header.
	var body bytes.Buffer
	var used int
	if length >= 0 {
		rest := b[hdr : hdr+length]
		for len(rest) > 0 {
			n, err := berElement(rest, &body, depth+1)
			if err != nil {
				return 0, err
			}
			rest = rest[n:]
		}
		used = hdr + length
	} else {
		rest := b[hdr:]
		for {
			if len(rest) >= 2 && rest[0] == 0 && rest[1] == 0 {
				used = len(b) - len(rest) + 2
				break
			}
			if len(rest) == 0 {
				return 0, formatErr(ErrTruncated, -1, "BER", "missing end-of-contents")
			}
			n, err := berElement(rest, &body, depth+1)
			if err != nil {
				return 0, err
			}
			rest = rest[n:]
		}
	}
	if len(tag) == 1 && tag[0]&0xc0 == 0 && isStringType(tag[0]&0x1f) {
		// A constructed universal string: concatenate the chunks' contents.
		var flat bytes.Buffer
		s := cryptobyte.String(body.Bytes())
		for !s.Empty() {
			var v cryptobyte.String
			var t cbasn1.Tag
			if !s.ReadAnyASN1(&v, &t) {
				return 0, derErr("BER", "bad string chunk")
			}
			if t == cbasn1.BIT_STRING && flat.Len() > 0 && len(v) > 0 {
				v = v[1:] // only the first chunk keeps its unused-bits byte
			}
			flat.Write(v)
		}
		writeDER(out, []byte{tag[0] &^ 0x20}, flat.Bytes())
		return used, nil
	}
	writeDER(out, tag, body.Bytes())
	return used, nil
}

func isStringType(n byte) bool {
	switch n {
	case 3, 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30: // BIT, OCTET and character strings
		return true
	}
	return false
}

func writeDER(out *bytes.Buffer, tag, content []byte) {
	out.Write(tag)
	n := len(content)
	switch {
	case n < 0x80:
		out.WriteByte(byte(n))
	default:
		var lb []byte
		for v := n; v > 0; v >>= 8 {
			lb = append([]byte{byte(v)}, lb...)
		}
		out.WriteByte(0x80 | byte(len(lb)))
		out.Write(lb)
	}
	out.Write(content)
}

// normalize returns b as DER: unchanged when it already is, re-encoded
// from BER otherwise. Only the first element is kept; trailing bytes
// (WIN_CERTIFICATE padding) are dropped.
func normalize(b []byte, st string) ([]byte, error) {
	s := cryptobyte.String(b)
	var elem cryptobyte.String
	if s.ReadAnyASN1Element(&elem, nil) && isValidDER(elem, 0) {
		return elem, nil
	}
	d, err := berToDER(b)
	if err != nil {
		return nil, formatErr(ErrMalformed, -1, st, "neither DER nor BER: %v", err)
	}
	return d, nil
}
