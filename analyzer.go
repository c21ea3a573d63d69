package filerep

import (
	"context"
	"io"
	"iter"
)

// An Analyzer is a configuration checked once and the state built from it
// (trust anchors, knowledge base, catalog indexes, policy, limits), shared
// by every file it analyses. It is safe for concurrent use.
//
//	a, err := filerep.New(filerep.WithKnowledgeBase(kb), filerep.WithLanguage("fr-FR"))
//	if err != nil { … }            // a bad policy or option is an error here
//	rep, err := a.Analyze(ctx, path, filerep.WithHostPath(`C:\Windows\System32\alg.exe`))
//
// The package-level [Analyze], [AnalyzeBytes], [AnalyzeReaderAt] and
// [AnalyzeAll] are conveniences that build the configuration on each call.
type Analyzer struct {
	c config
}

// New checks opts and returns an Analyzer. Inputs of one file
// ([WithHostPath], [WithTelemetry], [WithSatellites], [WithoutSatellites])
// belong to [Analyzer.Analyze] and are refused here; every error wraps
// [ErrOptions].
func New(opts ...Option) (*Analyzer, error) {
	c := defaultConfig()
	if err := c.apply(opts, settingsOnly); err != nil {
		return nil, err
	}
	return &Analyzer{c: c}, nil
}

// fileConfig is a's configuration with the inputs of one file applied.
func (a *Analyzer) fileConfig(opts []Option) (config, error) {
	c := a.c
	return c, c.apply(opts, fileInputsOnly)
}

// Analyze is [Analyze] with a's settings; opts may only be inputs of this
// file.
func (a *Analyzer) Analyze(ctx context.Context, path string, opts ...Option) (*FileReport, error) {
	rep := newReport(path)
	c, err := a.fileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzePath(ctx, rep, path, &c)
}

// AnalyzeReaderAt is [AnalyzeReaderAt] with a's settings.
func (a *Analyzer) AnalyzeReaderAt(ctx context.Context, name string, r io.ReaderAt, size int64, opts ...Option) (*FileReport, error) {
	rep := newReport(name)
	c, err := a.fileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzeReaderAt(ctx, rep, r, size, &c)
}

// AnalyzeBytes is [AnalyzeBytes] with a's settings.
func (a *Analyzer) AnalyzeBytes(ctx context.Context, name string, b []byte, opts ...Option) (*FileReport, error) {
	rep := newReport(name)
	c, err := a.fileConfig(opts)
	if err != nil {
		return rep, rep.fail(err)
	}
	return analyzeInMemory(ctx, rep, b, &c)
}

// AnalyzeAll is [AnalyzeAll] with a's settings, [WithWorkers] and
// [WithOrdered] included.
func (a *Analyzer) AnalyzeAll(ctx context.Context, paths iter.Seq[string]) iter.Seq[Result] {
	return analyzeAll(ctx, paths, &a.c)
}
