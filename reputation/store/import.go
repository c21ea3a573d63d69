package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/filerep/filerep/reputation"
)

// ImportResult reports what an importer did. Line numbers count from 1; for
// NSRL they are row numbers in the order the rows were read.
type ImportResult struct {
	Imported int64     `json:"imported"`            // lines or rows that wrote records
	Skipped  int64     `json:"skipped"`             // lines or rows with nothing to import: blanks, comments, duplicates, reports without hashes
	BadCount int64     `json:"bad"`                 // lines or rows that could not be understood
	Bad      []BadLine `json:"bad_lines,omitempty"` // the first of them (see [WithMaxBadLines])
	Batches  int64     `json:"batches"`             // transactions committed
}

// BadLine is one line or row an importer could not understand.
type BadLine struct {
	Line   int64  `json:"line"`           // line (or row) number, from 1
	Reason string `json:"reason"`         // why it was rejected
	Text   string `json:"text,omitempty"` // the start of the line, at most 120 bytes, valid UTF-8
}

// ImportOption configures an importer.
type ImportOption func(*importConfig) error

type importConfig struct {
	batch    int
	source   string
	trust    reputation.Trust
	maxBad   int
	progress func(ImportResult)
}

// WithBatchSize sets how many lines or rows go into one transaction. The
// default is 10000. Each committed batch survives a crash of the importer;
// larger batches import faster. n must be at least 1.
func WithBatchSize(n int) ImportOption {
	return func(c *importConfig) error {
		if n < 1 {
			return fmt.Errorf("store: batch size %d, want at least 1", n)
		}
		c.batch = n
		return nil
	}
}

// WithSource sets the source recorded in each file record. The defaults are
// "nsrl", "hashlist" and "report".
func WithSource(source string) ImportOption {
	return func(c *importConfig) error {
		if strings.TrimSpace(source) == "" {
			return errors.New("store: empty import source")
		}
		c.source = strings.TrimSpace(source)
		return nil
	}
}

// WithTrust sets the trust recorded in each file record by [ImportNSRL] and
// [ImportReports]. The default is [reputation.TrustKnown]: NSRL lists what software
// ships, not what is safe, and a report only says a file was seen.
// [ImportHashList] takes its trust as an argument instead.
func WithTrust(t reputation.Trust) ImportOption {
	return func(c *importConfig) error {
		if !t.Valid() {
			return errorf(reputation.ErrInvalidRecord, "trust %d", uint8(t))
		}
		c.trust = t
		return nil
	}
}

// WithMaxBadLines sets how many bad lines [ImportResult].Bad keeps; the
// rest are only counted. The default is 100; n must not be negative.
func WithMaxBadLines(n int) ImportOption {
	return func(c *importConfig) error {
		if n < 0 {
			return fmt.Errorf("store: negative bad-line limit %d", n)
		}
		c.maxBad = n
		return nil
	}
}

// WithProgress calls fn with the running result after each committed batch.
// The default is no callback.
func WithProgress(fn func(ImportResult)) ImportOption {
	return func(c *importConfig) error { c.progress = fn; return nil }
}

func makeImportConfig(source string, opts []ImportOption) (importConfig, error) {
	c := importConfig{batch: 10000, source: source, trust: reputation.TrustKnown, maxBad: 100}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// batcher collects writes and commits them in batches of cfg.batch lines.
type batcher struct {
	ctx     context.Context
	w       reputation.Writer
	cfg     importConfig
	res     ImportResult
	ops     []func(reputation.Tx) error
	pending int64 // lines in ops
}

// add queues the writes of one line.
func (b *batcher) add(ops ...func(reputation.Tx) error) error {
	b.ops = append(b.ops, ops...)
	b.pending++
	if b.pending >= int64(b.cfg.batch) {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if b.pending == 0 {
		return nil
	}
	err := b.w.Update(b.ctx, func(tx reputation.Tx) error {
		for _, op := range b.ops {
			if err := op(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.res.Imported += b.pending
	b.res.Batches++
	b.ops, b.pending = b.ops[:0], 0
	if b.cfg.progress != nil {
		b.cfg.progress(b.res)
	}
	return nil
}

func (b *batcher) bad(line int64, text []byte, reason string) {
	b.res.BadCount++
	if len(b.res.Bad) < b.cfg.maxBad {
		b.res.Bad = append(b.res.Bad, BadLine{Line: line, Reason: reason, Text: excerpt(text)})
	}
}

// excerpt returns the start of b as valid UTF-8 of at most 120 bytes.
func excerpt(b []byte) string {
	const max = 120
	if len(b) > max {
		b = b[:max]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	for len(s) > max {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}

// lineReader reads lines of at most max bytes; longer lines are reported
// as too long and skipped whole.
type lineReader struct {
	r    *bufio.Reader
	max  int
	line int64
	buf  []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its end-of-line bytes. tooLong is set
// when the line exceeded max (line then holds its start). It returns io.EOF
// after the last line.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(lr.buf)+len(chunk) > lr.max {
			if !tooLong {
				room := lr.max - len(lr.buf)
				lr.buf = append(lr.buf, chunk[:max(room, 0)]...)
			}
			tooLong = true
		} else {
			lr.buf = append(lr.buf, chunk...)
		}
		switch {
		case err == nil:
			lr.line++
			return bytes.TrimRight(lr.buf, "\r\n"), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(lr.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			lr.line++
			return bytes.TrimRight(lr.buf, "\r\n"), tooLong, nil
		default:
			return nil, false, err
		}
	}
}

// maxHashLine bounds one line of a hash list.
const maxHashLine = 64 << 10

// HashLine is one parsed line of a hash list.
type HashLine struct {
	Alg  reputation.HashAlg // from the hash's length
	Hash string             // lower-case hex
	Name string             // the optional second column; "" when absent
}

// ParseHashLine parses one line of a hash list: a hash of 32, 40 or 64 hex
// digits (MD5, SHA-1, SHA-256), optionally followed by white space and a
// file name, which runs to the end of the line (a leading '*', the binary
// mark of sha256sum output, is dropped). A blank line or one whose first
// non-blank character is '#' gives ok == false and no error. Anything else
// gives an error wrapping [reputation.ErrBadHash] or [reputation.ErrInvalidRecord].
func ParseHashLine(line string) (h HashLine, ok bool, err error) {
	line = strings.TrimPrefix(line, "\uFEFF")
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return HashLine{}, false, nil
	}
	if !utf8.ValidString(line) {
		return HashLine{}, false, errorf(reputation.ErrInvalidRecord, "line is not valid UTF-8")
	}
	field, rest := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		field, rest = line[:i], strings.TrimSpace(line[i:])
	}
	alg, hash, err := reputation.NormalizeHash(field)
	if err != nil {
		return HashLine{}, false, err
	}
	name := strings.TrimSpace(strings.TrimPrefix(rest, "*"))
	return HashLine{Alg: alg, Hash: hash, Name: name}, true, nil
}

// ImportHashList imports a plain hash list from r: one hash per line, the
// algorithm told by its length, an optional file name after it, '#'
// comments and blank lines allowed (see [ParseHashLine]). Each hash becomes
// a [reputation.FileRecord] with the given trust and source "hashlist" (or
// [WithSource]). Lines that do not parse are counted and listed in the
// result, with their line numbers, and the import goes on.
//
// The import streams: it holds one batch in memory and commits each batch
// in its own transaction. On an error (from r, from w, or ctx) it stops and
// returns the result so far: the batches it counts are committed.
func ImportHashList(ctx context.Context, w reputation.Writer, r io.Reader, trust reputation.Trust, opts ...ImportOption) (ImportResult, error) {
	cfg, err := makeImportConfig("hashlist", opts)
	if err != nil {
		return ImportResult{}, err
	}
	if !trust.Valid() {
		return ImportResult{}, errorf(reputation.ErrInvalidRecord, "trust %d", uint8(trust))
	}
	return importLines(ctx, w, r, cfg, "hash list", maxHashLine, func(line []byte) ([]func(reputation.Tx) error, bool, error) {
		h, ok, err := ParseHashLine(string(line))
		if err != nil || !ok {
			return nil, !ok, err
		}
		rec := reputation.FileRecord{Name: h.Name, Source: cfg.source, Trust: trust}
		switch h.Alg {
		case reputation.MD5:
			rec.MD5 = h.Hash
		case reputation.SHA1:
			rec.SHA1 = h.Hash
		case reputation.SHA256:
			rec.SHA256 = h.Hash
		}
		return []func(reputation.Tx) error{func(tx reputation.Tx) error { return tx.PutFile(rec) }}, false, nil
	})
}

// importLines runs an import of line-oriented input: it reads r line by
// line (lines longer than maxLine bytes are bad), and parse turns each line
// into its writes, or says to skip it (nothing to import), or fails (a
// bad line). The writes are committed in batches. It stops at the first
// error of r, w or ctx and returns the result so far; what names the input
// in a read error.
func importLines(ctx context.Context, w reputation.Writer, r io.Reader, cfg importConfig, what string, maxLine int,
	parse func(line []byte) (ops []func(reputation.Tx) error, skip bool, err error)) (ImportResult, error) {
	b := &batcher{ctx: ctx, w: w, cfg: cfg}
	lr := newLineReader(r, maxLine)
	for {
		if err := ctx.Err(); err != nil {
			return b.res, err
		}
		line, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return b.res, fmt.Errorf("store: %s line %d: %w", what, lr.line+1, err)
		}
		if tooLong {
			b.bad(lr.line, line, fmt.Sprintf("line longer than %d bytes", maxLine))
			continue
		}
		ops, skip, err := parse(line)
		switch {
		case err != nil:
			b.bad(lr.line, line, err.Error())
		case skip:
			b.res.Skipped++
		default:
			if err := b.add(ops...); err != nil {
				return b.res, err
			}
		}
	}
	return b.res, b.flush()
}

// maxReportLine bounds one line of a JSON Lines report file.
const maxReportLine = 16 << 20

// reportLine is the part of a filerep FileReport (report.md) that
// [ImportReports] reads.
type reportLine struct {
	File struct {
		Name string `json:"name"`
		Path string `json:"path"`
	} `json:"file"`
	Hashes struct {
		MD5    string `json:"md5"`
		SHA1   string `json:"sha1"`
		SHA256 string `json:"sha256"`
		SSDeep string `json:"ssdeep"`
		TLSH   string `json:"tlsh"`
	} `json:"hashes"`
	VersionInfo *struct {
		CompanyName string `json:"company_name"`
		ProductName string `json:"product_name"`
		FileVersion string `json:"file_version"`
	} `json:"version_info"`
}

// ImportReports imports JSON Lines of filerep FileReports (as written by
// examples/report -json or examples/scan) from r. Of each report it reads
// only file.name, file.path, hashes.md5/sha1/sha256/ssdeep/tlsh and
// version_info.company_name/product_name/file_version, and records:
//
//   - a [reputation.FileRecord] (source "report", trust [reputation.TrustKnown] unless
//     [WithTrust]) with the hashes, the similarity digests when the report
//     has them (reports made with -hashes all), name, product, file
//     version and company name — claims the file makes about itself, not
//     verified;
//   - a [reputation.VersionRecord] for the file name when the report has a file
//     version and a SHA-256;
//   - one sighting of the file name at file.path, when that is an absolute
//     Windows path (C:\…, \\server\…, %SystemRoot%\…); paths of other
//     systems, such as a Windows disk mounted on Linux, are not typical
//     paths and are left out.
//
// A line without any hash (a file that could not be read) is skipped;
// a line that is not JSON or has a malformed hash or similarity digest is
// bad. Batching, streaming and errors are as for [ImportHashList].
func ImportReports(ctx context.Context, w reputation.Writer, r io.Reader, opts ...ImportOption) (ImportResult, error) {
	cfg, err := makeImportConfig("report", opts)
	if err != nil {
		return ImportResult{}, err
	}
	return importLines(ctx, w, r, cfg, "reports", maxReportLine, func(line []byte) ([]func(reputation.Tx) error, bool, error) {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil, true, nil
		}
		return reportOps(line, cfg)
	})
}

// reportOps decodes one report line into the writes it makes.
func reportOps(line []byte, cfg importConfig) (ops []func(reputation.Tx) error, skip bool, err error) {
	var rl reportLine
	if err := json.Unmarshal(line, &rl); err != nil {
		return nil, false, errorf(reputation.ErrInvalidRecord, "not a JSON report: %w", err)
	}
	rec := reputation.FileRecord{
		MD5: rl.Hashes.MD5, SHA1: rl.Hashes.SHA1, SHA256: rl.Hashes.SHA256,
		SSDeep: rl.Hashes.SSDeep, TLSH: rl.Hashes.TLSH,
		Name: strings.TrimSpace(rl.File.Name), Source: cfg.source, Trust: cfg.trust,
	}
	if rec.MD5 == "" && rec.SHA1 == "" && rec.SHA256 == "" {
		return nil, true, nil
	}
	if vi := rl.VersionInfo; vi != nil {
		rec.Publisher = strings.TrimSpace(vi.CompanyName)
		rec.Product = strings.TrimSpace(vi.ProductName)
		rec.Version = strings.TrimSpace(vi.FileVersion)
	}
	if rec.Name == "" {
		rec.Name = baseName(rl.File.Path)
	}
	rec, err = rec.Normalize()
	if err != nil {
		return nil, false, err
	}
	ops = append(ops, func(tx reputation.Tx) error { return tx.PutFile(rec) })
	name := reputation.NormalizeName(rec.Name)
	if name == "" {
		return ops, false, nil
	}
	if rec.Version != "" && rec.SHA256 != "" {
		v := reputation.VersionRecord{Name: name, Version: rec.Version, Product: rec.Product, SHA256: rec.SHA256, Source: cfg.source}
		ops = append(ops, func(tx reputation.Tx) error { return tx.PutVersion(v) })
	}
	if p := strings.TrimSpace(rl.File.Path); reputation.IsWindowsPath(p) {
		ops = append(ops, func(tx reputation.Tx) error { return tx.AddPath(name, p, 1) })
	}
	return ops, false, nil
}
