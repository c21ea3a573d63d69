package telemetry

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/filerep/filerep/beam/jsonl"
	"github.com/filerep/filerep/stats"
)

// DefaultSplitBytes is the size of the byte ranges input files are split
// into, each read by one DoFn call: textio's block size.
const DefaultSplitBytes = 64 << 20

// Range is a byte range of an input file. It owns the lines that start in
// [Start, End): the line that crosses End is read to its end, and a range
// that starts inside a line leaves that line to the range before.
type Range struct {
	Path       string
	Start, End int64
}

func init() {
	beam.RegisterType(reflect.TypeFor[Range]())
	register.DoFn2x0[fileio.FileMetadata, func(Range)](&splitFn{})
	register.Emitter1[Range]()
	register.DoFn4x1[context.Context, Range, func(string, Input), func(jsonl.Line), error](&ReadFn{})
}

// readRanges matches the globs and splits every file into ranges, spread
// over workers by a reshuffle.
func readRanges(s beam.Scope, globs []string, splitBytes int64) beam.PCollection {
	if splitBytes <= 0 {
		splitBytes = DefaultSplitBytes
	}
	files := fileio.MatchAll(s, beam.CreateList(s, globs), fileio.MatchEmptyAllowIfWildcard())
	ranges := beam.ParDo(s, &splitFn{SplitBytes: splitBytes}, files)
	return beam.Reshuffle(s, ranges)
}

// splitFn splits a file into ranges of SplitBytes; a last range under a
// quarter of that joins the one before.
type splitFn struct {
	SplitBytes int64 `json:"split_bytes"`
}

// ProcessElement emits the ranges of one file.
func (f *splitFn) ProcessElement(md fileio.FileMetadata, emit func(Range)) {
	for start := int64(0); start < md.Size; {
		end := min(start+f.SplitBytes, md.Size)
		if md.Size-end < f.SplitBytes/4 {
			end = md.Size
		}
		emit(Range{Path: md.Path, Start: start, End: end})
		start = end
	}
}

// ReadFn reads the lines of a Range through Beam's file system (seeking to
// the range when the file system's reader can) and parses each: it
// decodes the line with stats' decoder (the one stats.ReadJSONL uses),
// checks the sample and keys it by file, "s:" and the lower-case sha256,
// or "n:" and the ASCII-lower-case file name for samples without a
// sha256, which is how stats groups samples. It emits keyed Inputs to its
// first output and rejected samples (as [Rejected] JSON) to its second.
// The file's first line may start with a UTF-8 byte order mark, which is
// skipped, as stats.ReadJSONL skips it.
//
// textio.Read would do the reading, but it reaches a range by reading and
// discarding every byte before it, which made reading one 1.6 GB file 25
// times slower than reading it once.
type ReadFn struct {
	p    parser
	br   *bufio.Reader
	long []byte
}

// Setup makes the decoder, once per DoFn instance.
func (f *ReadFn) Setup() {
	f.p.init()
}

// ProcessElement reads and parses the lines that r owns.
func (f *ReadFn) ProcessElement(ctx context.Context, r Range, emit func(string, Input), reject func(jsonl.Line)) (err error) {
	if f.p.dec == nil {
		f.p.init()
	}
	fsys, err := filesystem.New(ctx, r.Path)
	if err != nil {
		return fmt.Errorf("telemetry: %s: %w", r.Path, err)
	}
	defer fsys.Close()
	rc, err := fsys.OpenRead(ctx, r.Path)
	if err != nil {
		return fmt.Errorf("telemetry: %s: %w", r.Path, err)
	}
	defer rc.Close()
	pos := int64(0)
	if r.Start > 0 {
		// Go to the byte before the range: the first line of the range
		// starts after the first newline from there.
		pos = r.Start - 1
		if sk, ok := rc.(io.Seeker); ok {
			_, err = sk.Seek(pos, io.SeekStart)
		} else {
			_, err = io.CopyN(io.Discard, rc, pos)
		}
		if err != nil {
			return fmt.Errorf("telemetry: %s: to offset %d: %w", r.Path, pos, err)
		}
	}
	if f.br == nil {
		f.br = bufio.NewReaderSize(rc, 1<<20)
	} else {
		f.br.Reset(rc)
	}
	defer f.br.Reset(nil)
	if r.Start > 0 {
		n, _, err := readLine(f.br, &f.long, true)
		pos += n
		if err != nil {
			return f.eof(r, err)
		}
	}
	for pos < r.End {
		n, line, err := readLine(f.br, &f.long, false)
		if n == 0 && err != nil {
			return f.eof(r, err)
		}
		if pos == 0 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if perr := f.p.parse(ctx, r.Path, pos, line, emit, reject); perr != nil {
			return perr
		}
		pos += n
		if err != nil {
			return f.eof(r, err)
		}
	}
	return nil
}

// eof turns the end of the file into success, and wraps other errors.
func (f *ReadFn) eof(r Range, err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("telemetry: %s: %w", r.Path, err)
}

// readLine reads one line and returns the bytes it consumed (newline
// included) and the line without its newline, which is valid until the
// next read: a slice of br's buffer, or of *long for a line longer than
// the buffer. A line longer than stats.MaxLineBytes (plus "\r\n") is
// consumed whole but returned cut just past the limit, which the decoder
// rejects as too large; with skip, nothing is returned.
func readLine(br *bufio.Reader, long *[]byte, skip bool) (n int64, line []byte, err error) {
	chunk, err := br.ReadSlice('\n')
	n = int64(len(chunk))
	if errors.Is(err, bufio.ErrBufferFull) {
		b := append((*long)[:0], chunk...)
		for errors.Is(err, bufio.ErrBufferFull) {
			chunk, err = br.ReadSlice('\n')
			n += int64(len(chunk))
			if !skip && len(b) <= stats.MaxLineBytes+2 {
				b = append(b, chunk[:min(len(chunk), stats.MaxLineBytes+3-len(b))]...)
			}
		}
		*long, chunk = b, b
	}
	if skip {
		return n, nil, err
	}
	if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' && n <= stats.MaxLineBytes+3 {
		chunk = chunk[:len(chunk)-1]
	}
	return n, chunk, err
}
