package pe

import (
	"encoding/binary"

	"github.com/filerep/filerep/pe/rsrc"
)

// The resource directory is a tree of fixed depth: type → name → language
// → data entry. Each directory is a 16-byte header (the entry counts at 12
// and 14) followed by 8-byte entries; every offset in it is relative to the
// start of the resource directory, not an RVA.
const (
	rsrcDirHeader = 16
	rsrcDirEntry  = 8
	rsrcDataEntry = 16
	rsrcHighBit   = 0x80000000
)

// rsrcWalker reads the resource tree of f with bounded work.
type rsrcWalker struct {
	f       *File
	an      *anomalies
	base    uint32              // RVA of the root directory
	visited map[uint32]struct{} // subdirectories already walked
	visits  int
	out     []Resource
}

// parseResourceTree reads the resource directory with our own bounded code
// and returns its leaves in file order, at most Limits.MaxResources of them.
//
// A malformed tree gives what could be read plus anomalies: a subdirectory
// reached twice (a loop, or branches sharing a directory) is walked once, a
// directory with more than Limits.MaxResourceEntries entries is not read, and entries
// outside the file end their directory.
func (f *File) parseResourceTree(an *anomalies) []Resource {
	d := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_RESOURCE)
	if d.VirtualAddress == 0 {
		return nil
	}
	w := &rsrcWalker{f: f, an: an, base: d.VirtualAddress, visited: map[uint32]struct{}{0: {}}}
	w.dir(0, 0, ResourceID{}, ResourceID{})
	return w.out
}

// dir reads the directory at offset off (from the root) at depth level
// (0 type, 1 name, 2 language).
func (w *rsrcWalker) dir(off uint32, level int, typ, name ResourceID) {
	hdr, ok := w.f.rvaSlice(w.base+off, rsrcDirHeader)
	if !ok {
		w.an.add(AnoResourceUnreadable, "a resource directory at RVA 0x%x is outside the file", w.base+off)
		return
	}
	le := binary.LittleEndian
	n := int(le.Uint16(hdr[12:])) + int(le.Uint16(hdr[14:]))
	if n > w.f.lim.MaxResourceEntries {
		w.an.add(AnoResourceAbsurd, "a resource directory declares %d entries; it was not read (limit %d)", n, w.f.lim.MaxResourceEntries)
		return
	}
	start, ok := w.f.offset(w.base + off + rsrcDirHeader)
	avail := int64(len(w.f.data)) - start
	if !ok || start < 0 || avail < 0 {
		avail = 0
	}
	if int64(n)*rsrcDirEntry > avail {
		// Read the entries that are in the file.
		w.an.add(AnoResourceTruncated, "a resource directory at RVA 0x%x runs past the end of the file", w.base+off)
		n = int(avail / rsrcDirEntry)
	}
	var entries []byte
	if n > 0 {
		entries = w.f.data[start : start+int64(n)*rsrcDirEntry]
	}
	for i := 0; i+rsrcDirEntry <= len(entries); i += rsrcDirEntry {
		if w.f.stop.done() {
			return
		}
		if w.visits++; w.visits > w.f.lim.MaxResourceVisits {
			w.an.add(AnoResourceAbsurd, "the resource tree has more than %d entries; the rest was not read", w.f.lim.MaxResourceVisits)
			return
		}
		nameField, data := le.Uint32(entries[i:]), le.Uint32(entries[i+4:])
		if nameField == 0 && data == 0 {
			break // a zeroed entry ends the directory, as in the loader's readers
		}
		id := w.entryID(nameField)
		isDir := data&rsrcHighBit != 0
		child := data &^ rsrcHighBit
		switch {
		case level < 2 && isDir:
			if _, seen := w.visited[child]; seen {
				w.an.add(AnoResourceLoop, "a resource directory at offset 0x%x is referenced more than once; it was read once", child)
				continue
			}
			w.visited[child] = struct{}{}
			if level == 0 {
				w.dir(child, 1, id, ResourceID{})
			} else {
				w.dir(child, 2, typ, id)
			}
		case level == 2 && !isDir:
			if len(w.out) >= w.f.lim.MaxResources {
				w.an.add(AnoResourceAbsurd, "the resource tree has more than %d leaves; the rest was not read", w.f.lim.MaxResources)
				return
			}
			r := Resource{Type: typ, Name: name, Lang: uint16(id.ID)}
			if e, ok := w.f.rvaSlice(w.base+child, rsrcDataEntry); ok {
				r.RVA, r.Size, r.CodePage = le.Uint32(e), le.Uint32(e[4:]), le.Uint32(e[8:])
			} else {
				w.an.add(AnoResourceUnreadable, "a resource data entry at RVA 0x%x is outside the file", w.base+child)
			}
			w.out = append(w.out, r)
		}
		// Data at the type or name level, or a directory below the
		// language level, is not a resource the loader would find.
	}
}

// entryID decodes an entry's name field: an integer id, or (high bit set)
// the offset of a length-prefixed UTF-16LE string.
func (w *rsrcWalker) entryID(nameField uint32) ResourceID {
	if nameField&rsrcHighBit == 0 {
		return ResourceID{ID: nameField}
	}
	off := w.base + nameField&^rsrcHighBit
	hdr, ok := w.f.rvaSlice(off, 2)
	if !ok {
		return ResourceID{}
	}
	n := int64(binary.LittleEndian.Uint16(hdr))
	s, ok := w.f.rvaSlice(off+2, n*2)
	if !ok {
		return ResourceID{}
	}
	return ResourceID{Name: rsrc.DecodeUTF16(s)}
}
