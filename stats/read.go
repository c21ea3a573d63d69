package stats

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
)

// Decoder reads samples from JSON Lines: one JSON object per line, as
// telemetry.md shows. Blank lines are skipped; a UTF-8 byte order mark
// before the first line is ignored; "\r\n" line ends are accepted.
type Decoder struct {
	r      *bufio.Reader
	p      parser
	s      Sample
	line   int64
	offset int64
	long   []byte
}

// NewDecoder returns a Decoder reading from r through a 64 KiB buffer.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next decodes the next non-blank line into s. It returns nil, or a
// [*RejectError] for a line that is not a well-formed sample (malformed
// JSON, unknown or duplicate keys, wrong types, over [MaxLineBytes]) after
// which Next can be called again, or io.EOF at the end, or a read error.
// After a rejection other than malformed JSON, s holds what could be
// decoded. Next does not call [Sample.Validate]: [Aggregator.Add] does.
// s shares no memory with the Decoder.
func (d *Decoder) Next(s *Sample) error {
	rej, err := d.next()
	if err != nil {
		return err
	}
	*s = d.s.Clone()
	if rej != nil {
		return rej
	}
	return nil
}

// Line returns the 1-based number of the last line read.
func (d *Decoder) Line() int64 { return d.line }

// InputOffset returns the number of input bytes consumed so far.
func (d *Decoder) InputOffset() int64 { return d.offset }

// next decodes the next non-blank line into d.s, whose strings alias the
// decoder's buffers until the following call.
func (d *Decoder) next() (*RejectError, error) {
	for {
		line, tooLong, err := d.readLine()
		if err != nil {
			return nil, err
		}
		if tooLong {
			d.s = Sample{Modules: d.s.Modules[:0]}
			return &RejectError{Reason: RejectTooLarge, Line: d.line, Msg: "line over " + strconv.Itoa(MaxLineBytes) + " bytes"}, nil
		}
		if d.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if isBlank(line) {
			continue
		}
		if rej := d.p.decodeSample(line, &d.s); rej != nil {
			rej.Line = d.line
			return rej, nil
		}
		if rej := d.p.schema; rej != nil {
			rej.Line = d.line
			return rej, nil
		}
		return nil, nil
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// readLine returns the next line without its line end. A line longer than
// MaxLineBytes is consumed and reported as tooLong.
func (d *Decoder) readLine() (line []byte, tooLong bool, err error) {
	line, err = d.r.ReadSlice('\n')
	d.offset += int64(len(line))
	if errors.Is(err, bufio.ErrBufferFull) {
		d.long = append(d.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = d.r.ReadSlice('\n')
			d.offset += int64(len(line))
			switch {
			case tooLong:
			case len(d.long)+len(line) > MaxLineBytes+2: // +2 for "\r\n"
				tooLong, d.long = true, d.long[:0]
			default:
				d.long = append(d.long, line...)
			}
		}
		line = d.long
	}
	if err != nil && (err != io.EOF || (len(line) == 0 && !tooLong)) {
		return nil, false, err
	}
	d.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > MaxLineBytes {
		tooLong = true
	}
	return line, tooLong, nil
}

// ReadStats counts what [ReadJSONL] has read.
type ReadStats struct {
	Lines    int64 // lines read, blank ones included
	Bytes    int64 // input bytes consumed
	Accepted int64 // samples added
	Rejected int64 // lines or samples rejected
}

type readConfig struct {
	strict   bool
	onReject func(*RejectError)
	progress func(ReadStats)
}

// ReadOption configures [ReadJSONL].
type ReadOption func(*readConfig)

// WithStrict makes ReadJSONL stop at the first rejected sample and return
// its [*RejectError]. By default (not strict) rejections are counted and
// reading goes on.
func WithStrict() ReadOption { return func(c *readConfig) { c.strict = true } }

// WithRejectHandler calls f for every rejected sample, with its line
// number set; f may keep e. Default: none (rejections are only counted).
func WithRejectHandler(f func(e *RejectError)) ReadOption {
	return func(c *readConfig) { c.onReject = f }
}

// WithProgress calls f about every 16,384 lines and once at the end, from
// the reading goroutine. Default: none. f should return quickly; a progress
// display should rate-limit itself.
func WithProgress(f func(ReadStats)) ReadOption {
	return func(c *readConfig) { c.progress = f }
}

// progressEvery is how many lines pass between progress calls and context
// checks.
const progressEvery = 1 << 14

// ReadJSONL adds every sample of the JSON Lines stream r to agg. Bad lines
// and invalid samples are counted in agg (see [Aggregator.Rejected]) and in
// the returned stats, and passed to the reject handler; they stop the read
// only under [WithStrict]. ReadJSONL returns at the end of r (with a nil
// error), on a read error, when ctx is done (checked every 16,384 lines),
// or on a strict-mode rejection. It allocates nothing per line beyond what
// the aggregator keeps.
func ReadJSONL(ctx context.Context, r io.Reader, agg *Aggregator, opts ...ReadOption) (ReadStats, error) {
	var cfg readConfig
	for _, o := range opts {
		o(&cfg)
	}
	d := NewDecoder(r)
	var st ReadStats
	done := func() {
		st.Lines, st.Bytes = d.line, d.offset
		if cfg.progress != nil {
			cfg.progress(st)
		}
	}
	for n := 1; ; n++ {
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				done()
				return st, err
			}
			if cfg.progress != nil {
				st.Lines, st.Bytes = d.line, d.offset
				cfg.progress(st)
			}
		}
		rej, err := d.next()
		if err == io.EOF {
			done()
			return st, nil
		}
		if err != nil {
			done()
			return st, err
		}
		if rej != nil {
			if rej.Reason == RejectMalformedJSON || rej.Reason == RejectTooLarge && rej.Field == "" {
				agg.rejectSample(rej, nil)
			} else {
				agg.rejectSample(rej, &d.s)
			}
		} else if rej = agg.add(&d.s); rej != nil {
			rej.Line = d.line
		}
		if rej == nil {
			st.Accepted++
			continue
		}
		st.Rejected++
		if cfg.onReject != nil {
			cfg.onReject(rej)
		}
		if cfg.strict {
			done()
			return st, rej
		}
	}
}
