package filerep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe"
)

// Analyze reads the file at path once and returns its report.
//
// Analyze always returns a report, even with an error: the report then
// holds what could be read (for an unreadable path, only its name, with
// kind "unreadable"; for a file that is not a PE, its hashes and entropy
// with kind "not-pe"; for one cut short by ctx, file.partial), and
// its Errors list the same problems as the returned error. Test the error
// with errors.Is: [pe.ErrNotPE], [pe.ErrPartial], [pe.ErrPanic],
// [fs.ErrNotExist], [ErrNotRegular], [ErrShortRead], [ErrSizeUnknown], or
// ctx's error.
//
// Only regular files are analysed (symbolic links are followed): a named
// pipe, socket, device or directory is refused before it is opened, with
// a [*NotRegularError]. A file that shrinks while it is read gives
// [ErrShortRead] and no hashes; a file that reports size 0 but holds data
// (/proc and /sys) gives [ErrSizeUnknown].
//
// Files up to [WithMaxInMemory] bytes are read into a buffer the package
// owns and reuses; hashing and parsing then run concurrently over the same
// bytes. Larger files are hashed as a stream and only their headers are
// parsed. Analyze is safe for concurrent use.
func Analyze(ctx context.Context, path string, opts ...Option) (*FileReport, error) {
	rep := newReport(path)
	c, err := makeFileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzePath(ctx, rep, path, &c)
}

// analyzePath is Analyze once the options are applied; c is this call's
// own copy.
func analyzePath(ctx context.Context, rep *FileReport, path string, c *config) (*FileReport, error) {
	// Refuse what is not a regular file before opening it: opening a
	// named pipe blocks until a writer comes, beyond the reach of ctx.
	st, err := os.Stat(path)
	if err != nil {
		return rep, rep.fail(fmt.Errorf("filerep: %w", err))
	}
	if !st.Mode().IsRegular() {
		return rep, rep.fail(&NotRegularError{Path: path, Mode: st.Mode()})
	}
	f, err := openFile(path)
	if err != nil {
		return rep, rep.fail(fmt.Errorf("filerep: %w", err))
	}
	defer f.Close()
	// The path may name another file by now: check what was opened.
	if st, err = f.Stat(); err != nil {
		return rep, rep.fail(fmt.Errorf("filerep: %w", err))
	}
	if !st.Mode().IsRegular() {
		return rep, rep.fail(&NotRegularError{Path: path, Mode: st.Mode()})
	}
	if st.Size() == 0 {
		// Pseudo-files (/proc, /sys) say 0 and hold data.
		var probe [1]byte
		if n, _ := f.ReadAt(probe[:], 0); n > 0 {
			return rep, rep.fail(fmt.Errorf("%w: %s reports size 0 but holds data (a pseudo-file, such as those under /proc, or a file written to while it was opened)", ErrSizeUnknown, path))
		}
	}
	if c.satFS == nil {
		c.satFS, c.satPath = os.DirFS(filepath.Dir(path)), filepath.Base(path)
	}
	c.localPath = path
	return analyzeReaderAt(ctx, rep, f, st.Size(), c)
}

// AnalyzeReaderAt is [Analyze] for size bytes read from r; name is what the
// report calls the file (its base name goes to file.name).
func AnalyzeReaderAt(ctx context.Context, name string, r io.ReaderAt, size int64, opts ...Option) (*FileReport, error) {
	rep := newReport(name)
	c, err := makeFileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzeReaderAt(ctx, rep, r, size, &c)
}

// AnalyzeBytes is [Analyze] for a file already in memory. It keeps no
// reference to b after it returns, unless ctx ended a parse early (then a
// background parse may still read b for a while: do not modify b).
func AnalyzeBytes(ctx context.Context, name string, b []byte, opts ...Option) (*FileReport, error) {
	rep := newReport(name)
	c, err := makeFileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzeInMemory(ctx, rep, b, &c)
}

func analyzeInMemory(ctx context.Context, rep *FileReport, b []byte, c *config) (*FileReport, error) {
	rep.File.Size = int64(len(b))
	analyzeBytes(ctx, rep, b, c, false)
	return rep, rep.err()
}

func newReport(path string) *FileReport {
	return &FileReport{
		Schema: Schema,
		// Unreadable until its bytes are read: setPE then says what it is.
		File: FileInfo{Name: filepath.Base(filepath.ToSlash(path)), Path: path, Kind: KindUnreadable},
	}
}

// bufPool holds read buffers for files up to the in-memory cap, so that a
// batch of files reuses a few buffers instead of allocating one each.
var bufPool sync.Pool

func getBuf(n int64) *[]byte {
	if p, ok := bufPool.Get().(*[]byte); ok && int64(cap(*p)) >= n {
		*p = (*p)[:n]
		return p
	} else if ok {
		bufPool.Put(p)
	}
	b := make([]byte, n, max(n, 64<<10))
	return &b
}

func analyzeReaderAt(ctx context.Context, rep *FileReport, r io.ReaderAt, size int64, c *config) (*FileReport, error) {
	rep.File.Size = size
	if size > c.maxInMemory || (size > c.streamAbove && !c.needAuthentihash()) {
		if analyzeLarge(ctx, rep, r, size, c) {
			return rep, rep.err()
		}
		// A signed file under the in-memory cap: read it whole below, so
		// that its signature can be checked.
	}
	p := getBuf(size)
	if err := readFullAt(r, *p, 0, size, rep.File.Path); err != nil {
		bufPool.Put(p)
		return rep, rep.fail(err)
	}
	if analyzeBytes(ctx, rep, *p, c, false) {
		bufPool.Put(p)
	}
	return rep, rep.err()
}

// analyzeBytes hashes and parses b concurrently and fills rep. It reports
// whether b may be reused (false when a parse was abandoned mid-way).
func analyzeBytes(ctx context.Context, rep *FileReport, b []byte, c *config, fast bool) (reusable bool) {
	var (
		sums    hash.Sums
		hashErr error
		wg      sync.WaitGroup
	)
	// The digests run while the parser reads the same bytes. The byte
	// histogram is counted once, by the parser, per section and gap (the
	// sections' entropy needs those counts anyway); only a file that does
	// not parse is counted here.
	wg.Add(1)
	go func() {
		defer wg.Done()
		sums, hashErr = hash.SumSome(ctx, b, c.digests, false)
	}()
	f, perr := pe.Parse(ctx, b, c.peOptions(fast)...)
	wg.Wait()
	if hashErr == nil {
		if f != nil && f.Size == int64(len(b)) {
			sums.Histogram = f.Histogram
		} else {
			sums.Histogram.Add(b)
		}
	}
	if hashErr != nil {
		rep.fail(hashErr)
	} else {
		rep.setHashes(&sums, c.digests)
	}
	rep.setPE(f, perr, c.lang)
	rep.setSignature(f, c)
	rep.localize(ctx, f, c)
	rep.evaluate(ctx, c)
	// A parse that ctx cut short may still be running over b.
	return ctx.Err() == nil
}

// analyzeLarge handles a file above the in-memory cap: its PE image
// (headers and sections, without the overlay, which is where installers
// and archives put their bulk) is read and parsed in full when it fits
// under the cap, else only its headers are; its hashes stream over those
// bytes already read and then the rest of the file, so no byte is read
// twice. The overlay's entropy comes from the streamed histogram less the
// image's, so the overlay is never held in memory.
//
// It returns false, having done nothing, for a signed file that fits
// under the in-memory cap: the caller reads that one whole.
func analyzeLarge(ctx context.Context, rep *FileReport, r io.ReaderAt, size int64, c *config) bool {
	head := make([]byte, min(size, c.headBytes))
	if err := readFullAt(r, head, 0, size, rep.File.Path); err != nil {
		rep.fail(err)
		return true
	}
	hf, herr := pe.Parse(ctx, head, c.peOptions(true)...)
	if hf != nil && hf.HasCertificateTable() && size <= c.maxInMemory {
		return false
	}
	prefix, img, headOnly, err := readImage(r, size, head, hf, c, rep.File.Path)
	if err != nil {
		rep.fail(err)
		return true
	}
	var (
		sums    hash.Sums
		hashErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		rest := &exactReader{r: r, off: int64(len(prefix)), size: size, name: rep.File.Path}
		sums, hashErr = hash.SumReaderSome(ctx, io.MultiReader(bytes.NewReader(prefix), rest), c.digests)
	}()
	f, perr, imageOnly := hf, herr, false
	if img != nil {
		if full, err := pe.Parse(ctx, img, c.peOptions(false)...); full != nil {
			f, perr, imageOnly = full, err, true
		} else {
			headOnly = fmt.Sprintf("its PE image of %d bytes did not parse", len(img))
		}
	}
	wg.Wait()
	if hashErr != nil {
		rep.fail(hashErr)
	} else {
		rep.setHashes(&sums, c.digests)
	}
	if f != nil && imageOnly && hashErr == nil {
		// The overlay: the streamed histogram less the image's.
		ov := sums.Histogram
		for i := range ov {
			ov[i] -= f.Histogram[i] // the image's bytes, counted by the parse
		}
		f.Overlay = &pe.Overlay{Offset: f.Size, Size: size - f.Size, Entropy: ov.Entropy()}
		sec := f.Header.Directory(pe.IMAGE_DIRECTORY_ENTRY_SECURITY)
		f.Overlay.CertificateTable = sec.VirtualAddress != 0 && int64(sec.VirtualAddress) >= f.Size
	}
	rep.setPE(f, perr, c.lang)
	rep.localize(ctx, f, c)
	rep.evaluate(ctx, c)
	if f != nil && !imageOnly {
		// Section entropy and the data directories need the whole image.
		for i := range rep.Sections {
			rep.Sections[i].Entropy = 0
		}
		rep.fail(fmt.Errorf("filerep: file of %d bytes streamed, and %s: only the headers were parsed, section entropy not computed", size, headOnly))
	}
	return true
}

// readImage returns the bytes read from the start of a large file
// (prefix: head, or the whole image when that is longer) and, when the
// headers in head say where the PE image ends and it fits under the cap,
// the image (a prefix of prefix). Else img is nil and why says why the
// image was not read (for a PE: what its end was compared with).
func readImage(r io.ReaderAt, size int64, head []byte, hf *pe.File, c *config, name string) (prefix, img []byte, why string, err error) {
	if hf == nil {
		return head, nil, "", nil
	}
	if c.fast {
		return head, nil, "WithFast reads no section of it", nil
	}
	end := hf.ImageEnd()
	switch {
	case end <= 0:
		return head, nil, "its headers do not say where its PE image ends", nil
	case end > size:
		return head, nil, fmt.Sprintf("its headers put the end of its PE image at byte %d, past the end of the file (%d bytes)", end, size), nil
	case end > c.maxInMemory:
		return head, nil, fmt.Sprintf("its PE image of %d bytes is above the in-memory cap of %d", end, c.maxInMemory), nil
	}
	if end <= int64(len(head)) {
		return head, head[:end], "", nil // the image is all in the bytes already read
	}
	img = make([]byte, end)
	copy(img, head)
	if err := readFullAt(r, img[len(head):], int64(len(head)), size, name); err != nil {
		return nil, nil, "", err
	}
	return img, img, "", nil
}

// readFullAt fills p from r at off. Any read that comes up short, with
// io.EOF or (from a reader that breaks io.ReaderAt's contract) with no
// error at all, is a [*ShortReadError] for a file of size bytes; other
// errors are wrapped. A full read is fine even with io.EOF, which
// io.ReaderAt allows at the end of the input.
func readFullAt(r io.ReaderAt, p []byte, off, size int64, name string) error {
	n, err := r.ReadAt(p, off)
	switch {
	case n == len(p):
		return nil
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &ShortReadError{Name: name, Size: size, End: off + int64(max(n, 0))}
	}
	return fmt.Errorf("filerep: reading %s: %w", name, err)
}

// exactReader reads r from off to size as a stream. Where r ends early it
// returns a [*ShortReadError], and goes on returning it: hash.SumReader
// takes io.EOF from a reader as the end of the input, which would hash
// the bytes read so far as if they were the whole file.
type exactReader struct {
	r         io.ReaderAt
	off, size int64
	name      string
	err       error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.off >= e.size {
		return 0, io.EOF
	}
	if int64(len(p)) > e.size-e.off {
		p = p[:e.size-e.off]
	}
	n, err := e.r.ReadAt(p, e.off)
	n = max(n, 0)
	e.off += int64(n)
	switch {
	case n == len(p):
		return n, nil
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		e.err = &ShortReadError{Name: e.name, Size: e.size, End: e.off}
	default:
		e.err = fmt.Errorf("filerep: reading %s: %w", e.name, err)
	}
	return n, e.err
}
