package filerep

import (
	"crypto/x509"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe"
	"github.com/filerep/filerep/pe/authenticode"
	"github.com/filerep/filerep/pe/authenticode/roots"
	"github.com/filerep/filerep/pe/detect"
	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/stats"
)

// Option configures an [Analyzer] ([New]) or one file
// ([Analyzer.Analyze]). Most options are settings of the Analyzer: trust
// anchors, knowledge base, policy, limits, language, read strategy. A few
// are inputs of one file, and their doc says so: [WithHostPath],
// [WithTelemetry], [WithSatellites], [WithoutSatellites]. [WithWorkers]
// and [WithOrdered] apply to batches only. The package-level functions
// take both kinds. A bad value, or an option of the wrong kind, is an
// error wrapping [ErrOptions] before any work.
type Option func(*config) error

type config struct {
	kb          reputation.KnowledgeBase
	obs         reputation.Observation
	policy      *reputation.Policy
	telemetryOf func(sha256, name string) *stats.Summary
	verify      authenticode.VerifyOptions // trust anchors; CurrentTime from WithVerifyTime
	verifyEFI   authenticode.VerifyOptions // the same for EFI images, with UEFI db authorities
	verifyTime  time.Time                  // WithVerifyTime
	catalogDir  string                     // WithCatalogDir
	findTree    bool                       // look for the Windows tree (and CatRoot) around the path
	localPath   string                     // the path Analyze was given; "" for bytes and readers
	authAlways  bool
	workers     int
	ordered     bool
	lang        string
	satFS       fs.FS
	satPath     string
	noSat       bool
	maxInMemory int64
	streamAbove int64
	headBytes   int64
	fast        bool
	limits      pe.Limits
	rules       []detect.Rule
	digests     hash.Digests // WithHashes

	// Set by the option being applied, to check its kind.
	isFileOpt, isBatchOpt bool
}

// fileInput marks the option being applied as an input of one file.
func (c *config) fileInput() { c.isFileOpt = true }

// batchSetting marks the option being applied as a batch setting.
func (c *config) batchSetting() { c.isBatchOpt = true }

// defaultVerify builds the default anchors' options once: their pools
// are shared by every file, and the catalog index is keyed by them.
var defaultVerify = sync.OnceValues(func() (authenticode.VerifyOptions, authenticode.VerifyOptions) {
	return roots.Default().VerifyOptions(), roots.Default().UEFIVerifyOptions()
})

// DefaultMaxInMemory is the default of [WithMaxInMemory]: 512 MiB.
const DefaultMaxInMemory = 512 << 20

func defaultConfig() config {
	c := config{maxInMemory: DefaultMaxInMemory, streamAbove: DefaultStreamAbove, headBytes: 4 << 20, limits: pe.DefaultLimits(),
		findTree: true, digests: hash.AllDigests}
	c.verify, c.verifyEFI = defaultVerify()
	return c
}

// optionKind says which options an apply accepts.
type optionKind int

const (
	anyOption      optionKind = iota // package-level AnalyzeAll, tests
	notBatch                         // package-level Analyze*: one file
	settingsOnly                     // New
	fileInputsOnly                   // Analyzer.Analyze*
)

// apply applies opts to c, refusing the kinds that do not belong.
func (c *config) apply(opts []Option, accept optionKind) error {
	for _, o := range opts {
		if o == nil {
			return fmt.Errorf("%w: nil Option", ErrOptions)
		}
		c.isFileOpt, c.isBatchOpt = false, false
		if err := o(c); err != nil {
			return err
		}
		switch {
		case accept == notBatch && c.isBatchOpt:
			return fmt.Errorf("%w: %s applies to AnalyzeAll, not to one file", ErrOptions, optionName(o))
		case accept == settingsOnly && c.isFileOpt:
			return fmt.Errorf("%w: %s is an input of one file: give it to Analyzer.Analyze, not New", ErrOptions, optionName(o))
		case accept == fileInputsOnly && !c.isFileOpt:
			return fmt.Errorf("%w: %s is a setting of the Analyzer: give it to New, not to each file", ErrOptions, optionName(o))
		}
	}
	c.isFileOpt, c.isBatchOpt = false, false
	return nil
}

// optionName names the With… function that made o, for error messages.
// The closure's symbol carries it, also when the With… call was inlined
// into its caller (pkg.Caller.WithHostPath.func1).
func optionName(o Option) string {
	fn := runtime.FuncForPC(reflect.ValueOf(o).Pointer())
	if fn == nil {
		return "this option"
	}
	name := fn.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	for _, part := range strings.Split(name, ".") {
		if strings.HasPrefix(part, "With") {
			return part
		}
	}
	return "this option"
}

func makeConfig(opts []Option) (config, error) {
	c := defaultConfig()
	return c, c.apply(opts, anyOption)
}

// makeFileConfig is makeConfig for one file: batch settings are refused.
func makeFileConfig(opts []Option) (config, error) {
	c := defaultConfig()
	return c, c.apply(opts, notBatch)
}

// WithMaxInMemory caps the bytes of one file held in memory: a file above
// it is hashed as a stream, its PE image (headers and sections) read and
// parsed in full when it fits under the cap, else only its headers (the
// first 4 MiB). A batch holds at most workers × this. Default
// [DefaultMaxInMemory]. It must be at least 4 KiB.
func WithMaxInMemory(n int64) Option {
	return func(c *config) error {
		if n < 4<<10 {
			return fmt.Errorf("%w: WithMaxInMemory(%d): must be at least 4096", ErrOptions, n)
		}
		c.maxInMemory = n
		return nil
	}
}

// WithHashes chooses the digests of the file to compute (package hash:
// hash.ParseDigests reads "sha256,md5", "default" or "all"). The others
// are left empty in the report and cost nothing: a scan that needs only
// SHA-256 runs about 2.5 times as fast as one that computes the default
// four, MD5 being the slowest by far. The similarity digests
// (hash.DigestSSDEEP, hash.DigestTLSH) are opt-in: with them the same
// read costs about 3.7 times as much (hash's BenchmarkSumSimilarity). The knowledge base and telemetry look files up by
// the digests that are there. The authentihash, entropy and the parse do
// not depend on it. Default: hash.AllDigests.
func WithHashes(d hash.Digests) Option {
	return func(c *config) error {
		if d&^hash.EveryDigest != 0 {
			return fmt.Errorf("%w: WithHashes(%#x): unknown digests", ErrOptions, uint8(d))
		}
		c.digests = d
		return nil
	}
}

// WithFast parses only the PE headers and section table, not the data
// directories. Hashes and entropy are still computed. Default: off.
func WithFast(fast bool) Option {
	return func(c *config) error { c.fast = fast; return nil }
}

// WithLimits replaces the PE parsing limits ([pe.DefaultLimits] by
// default).
func WithLimits(l pe.Limits) Option {
	return func(c *config) error {
		if err := l.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrOptions, err)
		}
		c.limits = l
		return nil
	}
}

func (c *config) peOptions(fast bool) []pe.Option {
	return []pe.Option{pe.WithFast(c.fast || fast), pe.WithLimits(c.limits)}
}

// WithLanguage sets the UI language (a BCP 47 tag such as "fr-FR") whose
// .mui satellite supplies the localized fields of a language-neutral file,
// and for which the primary version strings are chosen among the file's
// RT_VERSION languages (docs/report.md, "Version info: which language").
// Default "": the file's ultimate fallback language; version strings in
// en-US, else language-neutral, else the first.
func WithLanguage(tag string) Option {
	return func(c *config) error { c.lang = tag; return nil }
}

// WithSatellites tells AnalyzeBytes and AnalyzeReaderAt where the file
// lies in a file tree (fsys, slash-separated path), so that the satellites
// of a language-neutral file can be found beside it. Analyze does this by
// itself with the file's own folder. Default: none. It is an input of one
// file.
func WithSatellites(fsys fs.FS, path string) Option {
	return func(c *config) error {
		c.fileInput()
		if fsys == nil || path == "" {
			return fmt.Errorf("%w: WithSatellites needs a file system and a path", ErrOptions)
		}
		c.satFS, c.satPath = fsys, path
		return nil
	}
}

// WithoutSatellites turns off the search for .mui satellites. Default: on
// for Analyze. It is an input of one file.
func WithoutSatellites() Option {
	return func(c *config) error { c.fileInput(); c.noSat = true; return nil }
}

// WithRoots replaces the trust anchors with certs, trusted for code
// signing and time stamping alike; chains signed with SHA-1, which
// crypto/x509 refuses (Windows 7-era publishers and catalogs), are checked
// link by link to them. By default the anchors are the embedded bundle of
// package [roots] (the roots Windows code signing and time stamping end
// in, each for its purposes, and for EFI images the UEFI db
// authorities); WithRoots() with no certificate means no anchors at all,
// so no signature verifies (integrity is still checked, and a publisher
// claim is then unknown rather than contradicted). Trust is never taken
// from the system store or the network.
func WithRoots(certs ...*x509.Certificate) Option {
	return func(c *config) error {
		if len(certs) == 0 {
			c.verify = authenticode.VerifyOptions{AtSigningTime: true}
			c.verifyEFI = c.verify
			return nil
		}
		pool := x509.NewCertPool()
		for _, cert := range certs {
			if cert == nil {
				return fmt.Errorf("%w: WithRoots: nil certificate", ErrOptions)
			}
			pool.AddCert(cert)
		}
		certs := append([]*x509.Certificate(nil), certs...)
		c.verify = authenticode.VerifyOptions{Roots: pool, TimestampRoots: pool, LegacyRoots: certs, TimestampLegacyRoots: certs, AtSigningTime: true}
		c.verifyEFI = c.verify
		return nil
	}
}

// WithTrustAnchors replaces the trust anchors with a bundle of roots, each
// trusted for its own purposes (see package [roots]; [roots.Default] is
// the default).
func WithTrustAnchors(b *roots.Bundle) Option {
	return func(c *config) error {
		if b == nil {
			return fmt.Errorf("%w: WithTrustAnchors: nil bundle", ErrOptions)
		}
		c.verify, c.verifyEFI = b.VerifyOptions(), b.UEFIVerifyOptions()
		return nil
	}
}

// WithVerifyTime checks certificate chains at t instead of the current
// time, for signatures without a trusted timestamp (one with a trusted
// timestamp is checked at the timestamp's time, unless its certificate
// has the lifetime-signing usage). Default: the current time.
func WithVerifyTime(t time.Time) Option {
	return func(c *config) error { c.verifyTime = t; return nil }
}

// verifyOptions are the Authenticode options for Windows files and
// catalogs.
func (c *config) verifyOptions() authenticode.VerifyOptions { return c.withTime(c.verify) }

// verifyOptionsFor are the Authenticode options for a file of kind k: EFI
// images may also chain to the UEFI db authorities.
func (c *config) verifyOptionsFor(k Kind) authenticode.VerifyOptions {
	if k == KindEFI {
		return c.withTime(c.verifyEFI)
	}
	return c.verifyOptions()
}

func (c *config) withTime(o authenticode.VerifyOptions) authenticode.VerifyOptions {
	o.AtSigningTime = true
	if !c.verifyTime.IsZero() {
		o.CurrentTime = c.verifyTime
	}
	return o
}

// WithCatalogDir names a folder of Windows catalogs (.cat files, such as a
// copy of System32\CatRoot\{F750E6C3-…}) to look every file up in by
// authentihash. The folder is indexed once per process and set of trust
// anchors, and shared by every file. By default a file analysed inside a
// Windows tree uses that tree's CatRoot (see [WithWindowsTree]).
func WithCatalogDir(dir string) Option {
	return func(c *config) error {
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("%w: WithCatalogDir: %w", ErrOptions, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("%w: WithCatalogDir: %s is not a folder", ErrOptions, dir)
		}
		c.catalogDir = dir
		return nil
	}
}

// WithWindowsTree(false) stops Analyze from looking around a file's path
// for the Windows tree it lies in. By default, a file under a folder named
// Windows (case aside) that holds System32 is taken to be part of a
// mounted or copied Windows installation: its host path is inferred
// (/mnt/c/Windows/System32/alg.exe → C:\Windows\System32\alg.exe) unless
// [WithHostPath] says otherwise, and the catalogs of its
// System32\CatRoot\{F750E6C3-38EE-11D1-85E5-00C04FC295EE} are indexed
// once and searched for the file.
func WithWindowsTree(on bool) Option {
	return func(c *config) error { c.findTree = on; return nil }
}

// DefaultStreamAbove is the default of [WithStreamAbove]: 32 MiB.
const DefaultStreamAbove = 32 << 20

// WithStreamAbove sets the size above which an unsigned file is hashed as a
// stream instead of being read whole: streaming through small buffers
// that stay in cache is faster for big files than reading them into one
// buffer, and its PE image is still parsed in full (up to
// [WithMaxInMemory]). A signed file is read whole (up to WithMaxInMemory)
// so that its signature can be checked, and so is every file when a
// knowledge base is given ([WithKnowledgeBase]) or [WithAuthentihash] is
// true: catalog members are looked up by authentihash, which a stream does
// not compute. Default [DefaultStreamAbove].
func WithStreamAbove(n int64) Option {
	return func(c *config) error {
		if n < 4<<10 {
			return fmt.Errorf("%w: WithStreamAbove(%d): must be at least 4096", ErrOptions, n)
		}
		c.streamAbove = n
		return nil
	}
}

// WithAuthentihash(true) computes the authentihash of every file, reading
// files whole up to [WithMaxInMemory]. By default it is computed for every
// file read whole: signed files, files under [WithStreamAbove], and every
// file when a knowledge base is given; for a big unsigned file with no
// knowledge base it would be one more SHA-256 pass over data nothing
// checks it against.
func WithAuthentihash(always bool) Option {
	return func(c *config) error { c.authAlways = always; return nil }
}

// needAuthentihash reports whether every file read must get its
// authentihash: when asked, or when a knowledge base may list the file in
// a catalog.
func (c *config) needAuthentihash() bool { return c.authAlways || c.kb != nil }

// WithKnowledgeBase gives the verdict a knowledge base: known-good and
// known-bad hashes, trusted publishers, typical paths, catalog members.
// Default: none, so the verdict rests on the file's own evidence (and is
// never "safe" without a verified signature).
func WithKnowledgeBase(kb reputation.KnowledgeBase) Option {
	return func(c *config) error { c.kb = kb; return nil }
}

// WithHostPath tells the verdict where the file lives on its Windows host,
// e.g. `C:\Windows\System32\alg.exe`, for the typical-path signals.
// Default: the analysed path when it is a Windows path (drive letter, UNC
// or %VAR% prefix: reputation.IsWindowsPath), else unknown.
//
// It is an input of one file.
func WithHostPath(p string) Option {
	return func(c *config) error { c.fileInput(); c.obs.Path = p; return nil }
}

// WithTelemetry gives the verdict the crowd telemetry summary of the file
// (prevalence) and fills the report's typical path from it. Default: none.
//
// It is an input of one file; [WithTelemetrySource] is the Analyzer
// setting that looks each file's summary up.
func WithTelemetry(s *stats.Summary) Option {
	return func(c *config) error { c.fileInput(); c.obs.Telemetry = s; return nil }
}

// WithPolicy replaces the verdict's weights and thresholds
// (reputation.DefaultPolicy by default).
//
// The policy is checked here ([reputation.Policy.Validate]): start from
// [reputation.DefaultPolicy] and change what you need.
func WithPolicy(p reputation.Policy) Option {
	return func(c *config) error {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("%w: WithPolicy: %w", ErrOptions, err)
		}
		c.policy = &p
		return nil
	}
}

// WithTelemetrySource looks up each file's telemetry summary by its
// SHA-256 (and name, for a roll-up across versions) once it is hashed:
// the form a batch over many files needs. A nil result means none.
func WithTelemetrySource(fn func(sha256, name string) *stats.Summary) Option {
	return func(c *config) error { c.telemetryOf = fn; return nil }
}
