package pe

import "github.com/filerep/filerep/hash"

// Overlay is the data after the last section's raw data: installers'
// payloads, appended archives, and the Authenticode certificate table.
type Overlay struct {
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Entropy float64 `json:"entropy"`
	// CertificateTable is true when the Authenticode certificate table
	// lies inside the overlay (it normally ends the file).
	CertificateTable bool `json:"certificate_table,omitempty"`
}

// overlayStart is where pefile's get_overlay_data_start_offset() puts it:
// the end of the furthest section raw data (or of the headers).
func overlayStart(h *Header, secs []Section, size int64) int64 {
	end := int64(h.SizeOfHeaders)
	for i := range secs {
		s := &secs[i]
		if s.RawSize == 0 {
			continue
		}
		lo, _ := s.rawRange(h.FileAlignment, 1<<62)
		end = max(end, lo+int64(s.RawSize))
	}
	return end
}

// overlay returns the overlay, or nil when the file ends with its sections.
func (f *File) overlay() *Overlay {
	start := overlayStart(&f.Header, f.Sections, f.Size)
	if start >= f.Size || len(f.Sections) == 0 {
		return nil
	}
	o := &Overlay{Offset: start, Size: f.Size - start}
	if int64(len(f.data)) == f.Size {
		o.Entropy = hash.Entropy(f.data[start:])
	}
	sec := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_SECURITY)
	if sec.VirtualAddress != 0 && int64(sec.VirtualAddress) >= start {
		o.CertificateTable = true
	}
	return o
}

// ImageEnd returns the file offset where the PE image ends and the
// overlay, if any, begins: the end of the furthest section raw data, or of
// the headers.
func (f *File) ImageEnd() int64 {
	return overlayStart(&f.Header, f.Sections, f.Size)
}
