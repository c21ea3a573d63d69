package pe

import (
	"context"

	"errors"
	"fmt"
	"github.com/filerep/filerep/hash"
	"github.com/filerep/filerep/pe/rsrc"
	"slices"
	"strings"
)

// File is a parsed PE image. Parse fills it from a byte slice; the fields
// are plain values that stay valid after the bytes are reused.
type File struct {
	Size     int64     // length of the data parsed
	Header   Header    // DOS, file and optional header fields
	Sections []Section // section table, with entropy
	// Histogram counts the bytes of the whole data parsed (counted once,
	// together with the sections' own counts).
	Histogram hash.Histogram

	Kind       Kind   // exe, dll, driver, efi, mui (not-pe never: Parse fails instead)
	IsDLL      bool   // IMAGE_FILE_DLL is set
	IsDriver   bool   // imports kernel components, or native subsystem with driver sections
	DotNet     bool   // the COM descriptor (CLR) directory is present
	CLRVersion string // the metadata's runtime version, e.g. "v4.0.30319"

	Imports      []Import     // import directory, in file order
	DelayImports []Import     // delay-load import directory
	Exports      *Exports     // export directory, nil when absent
	Resources    []Resource   // resource leaves (type, name, language), in tree order
	Rich         *RichHeader  // nil when absent
	Overlay      *Overlay     // data after the last section, nil when none
	Debug        []DebugEntry // debug directory entries
	TLSCallbacks []uint64     // TLS callback addresses (VAs)

	Versions []VersionResource  // every RT_VERSION resource, in resource order
	MUI      *rsrc.MUIConfig    // the "MUI" resource, nil when absent
	Strings  []LocalizedString  // RT_STRING entries, every language
	Messages []LocalizedMessage // RT_MESSAGETABLE entries, every language
	Manifest *Manifest          // RT_MANIFEST facts, nil when absent

	// Anomalies are odd things found while reading; Errors are parts that
	// could not be read. Both go into the report.
	Anomalies []Anomaly
	Errors    []error

	data []byte
	lim  Limits   // the limits Parse ran with; FindSatellite reads them too
	rmap *rvaMap  // built once by Parse; every RVA is mapped through it
	stop *stopper // the running Parse's context check; nil after it

	clrRefs []string // CLR AssemblyRef names (CLRAssemblyRefs)
	auth    authState
}

// CLRAssemblyRefs returns the names in the CLR metadata's AssemblyRef
// table ("mscorlib", "Microsoft.VisualBasic"…), in table order and at most
// 256 of them; nil for a native image or unreadable metadata. The slice is
// a copy.
func (f *File) CLRAssemblyRefs() []string { return slices.Clone(f.clrRefs) }

// Import is one DLL of the import directory with its functions.
type Import struct {
	DLL       string           `json:"dll"`
	Functions []ImportFunction `json:"functions"`
}

// ImportFunction is one imported function, by name or by ordinal.
type ImportFunction struct {
	Name      string `json:"name,omitempty"`
	Ordinal   uint32 `json:"ordinal,omitempty"`
	ByOrdinal bool   `json:"by_ordinal,omitempty"`
}

// ResourceID is a resource type or name: a number, or a string when Name
// is not empty.
type ResourceID struct {
	ID   uint32
	Name string
}

// String returns the name, or "#id".
func (r ResourceID) String() string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("#%d", r.ID)
}

// Resource is one leaf of the resource tree.
type Resource struct {
	Type     ResourceID
	Name     ResourceID
	Lang     uint16 // LANGID
	RVA      uint32 // OffsetToData
	Size     uint32
	CodePage uint32
}

// RT_* resource type ids used by this package.
const (
	RT_STRING       = 6
	RT_MESSAGETABLE = 11
	RT_VERSION      = 16
	RT_MANIFEST     = 24
)

// Option configures Parse.
type Option func(*config) error

type config struct {
	fast   bool
	limits Limits
}

// WithFast reads only the headers and the section table, not the data
// directories (imports, resources, CLR…). Default: off.
func WithFast(fast bool) Option {
	return func(c *config) error { c.fast = fast; return nil }
}

// WithLimits replaces [DefaultLimits]. A limit below 1 is an error.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		if err := l.Validate(); err != nil {
			return err
		}
		c.limits = l
		return nil
	}
}

// Parse decodes the PE image in b. Parse keeps b: do not modify it while
// the File is in use (Data returns it).
//
// Parse returns a nil File and an error wrapping [ErrNotPE] when b is not a
// PE image. When the headers could be read but some part could not, Parse
// returns the File with what it read, its Anomalies and Errors filled, and
// an error wrapping [ErrPartial] (or [ErrPanic] for a recovered panic).
// When ctx is done before the headers are read it returns a nil File and
// ctx's error, wrapped. When ctx ends later, it returns the File with
// what was read by then (the headers and sections at least; a directory
// being read when ctx ended may be incomplete) and an error wrapping both
// [ErrPartial] and ctx's error. Either way the abandoned parse may still
// be reading b for a while, so b must not be reused.
func Parse(ctx context.Context, b []byte, opts ...Option) (*File, error) {
	c := config{limits: DefaultLimits()}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pe: %w", err)
	}
	an := &anomalies{}
	h, secs, err := parseHeaders(b, c.limits, an)
	if err != nil {
		return nil, err
	}
	f := &File{Size: int64(len(b)), Header: *h, Sections: secs, data: b, lim: c.limits}
	f.rmap = newRVAMap(b, h, len(secs))
	f.IsDLL = h.Characteristics&IMAGE_FILE_DLL != 0
	clr := h.Directory(IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR)
	f.DotNet = clr.VirtualAddress != 0 && clr.Size != 0
	// Every loop that grows with the input checks ctx through f.stop; each
	// step's result is dropped when ctx ended during it.
	f.stop = &stopper{ctx: ctx}
	defer func() { f.stop = nil }()
	// partial ends a parse that ctx cut short: the headers and sections
	// read so far are kept, with an error that is both ErrPartial and
	// ctx's.
	partial := func() (*File, error) {
		err := fmt.Errorf("%w: %w", ErrPartial, f.stop.error())
		f.Errors = append(f.Errors, err)
		f.Kind = f.kind()
		f.Anomalies = an.list
		return f, err
	}
	if f.Histogram, err = fillSections(f.stop, b, h, secs, an); err != nil {
		if f.stop.check() {
			return partial() // the sections, without their entropy
		}
		return nil, err
	}
	f.Rich = parseRich(b, h.NTOffset, an)

	if !c.fast {
		res, err := parseDirectories(ctx, b, h, c.limits, an)
		if err != nil {
			if f.stop.check() {
				return partial()
			}
			return nil, err
		}
		f.absorb(res, an)
		steps := []func(){
			func() { f.parseImports(c.limits, an) },
			func() { f.Exports = f.parseExports(an) },
			func() { f.Resources = f.parseResourceTree(an) },
			func() { f.decodeResources(an) },
		}
		for _, step := range steps {
			if f.stop.check() {
				return partial()
			}
			step()
		}
		if f.stop.check() {
			return partial()
		}
	}
	f.Overlay = f.overlay()
	f.Kind = f.kind()
	f.Anomalies = an.list
	if len(f.Errors) > 0 {
		return f, errors.Join(f.Errors...)
	}
	return f, nil
}

// absorb takes the parser's results into f.
func (f *File) absorb(res *dirResult, an *anomalies) {
	f.Debug = res.debug
	f.TLSCallbacks = res.tlsCallbacks
	f.clrRefs = res.clrRefs
	if res.clrParsed {
		f.CLRVersion = res.clrVersion
	}
	for _, text := range res.anomalies {
		id, known := saferwallAnomalyID(text)
		if id == "" || id == AnoCOFFSymbols {
			continue // said by this package itself (or caused by our own cap)
		}
		if !known {
			an.add(id, "the PE parser reports: %s", text)
			continue
		}
		an.add(id, "%s", text)
	}
	var pe *PanicError
	if errors.As(res.parseErr, &pe) {
		an.add(AnoParserPanic, "the PE parser panicked: %v", pe.Value)
		f.Errors = append(f.Errors, res.parseErr)
	} else if res.parseErr != nil {
		f.Errors = append(f.Errors, fmt.Errorf("%w: %v", ErrPartial, res.parseErr))
	}
	for _, msg := range res.logged {
		if strings.HasPrefix(msg, "unhandled exception") {
			an.add(AnoDirectoryFailed, "%s", msg)
		}
	}
	if f.coffSymbolsAbsurd() {
		an.add(AnoCOFFSymbols, "%d COFF symbols cannot fit in the file", f.Header.NumberOfSymbols)
	}
}

// coffSymbolsAbsurd reports whether the COFF symbol table cannot fit in the
// file (each record is 18 bytes).
func (f *File) coffSymbolsAbsurd() bool {
	h := &f.Header
	if h.PointerToSymbolTable == 0 {
		return false
	}
	return int64(h.PointerToSymbolTable)+int64(h.NumberOfSymbols)*18 > f.Size
}

func (f *File) kind() Kind {
	switch {
	case f.Header.Subsystem.IsEFI():
		return KindEFI
	case f.IsDriver:
		return KindDriver
	case f.IsDLL && f.hasResourceType("MUI") && f.Header.AddressOfEntryPoint == 0 && len(f.Imports) == 0:
		return KindMUI
	case f.IsDLL:
		return KindDLL
	}
	return KindEXE
}

func (f *File) hasResourceType(name string) bool {
	for _, r := range f.Resources {
		if r.Type.Name == name {
			return true
		}
	}
	return false
}

// Data returns the bytes the File was parsed from.
func (f *File) Data() []byte { return f.data }

// ResourceData returns the bytes of a resource leaf, or an error wrapping
// [ErrTruncated] when they are not inside the file.
func (f *File) ResourceData(r Resource) ([]byte, error) {
	off, ok := f.offset(r.RVA)
	if !ok {
		return nil, formatErr(ErrMalformed, 0, "IMAGE_RESOURCE_DATA_ENTRY", "data RVA 0x%x maps to no file data", r.RVA)
	}
	end := off + int64(r.Size)
	if off < 0 || end > int64(len(f.data)) {
		return nil, formatErr(ErrTruncated, off, "IMAGE_RESOURCE_DATA_ENTRY", "resource data of 0x%x bytes runs past the end of the file", r.Size)
	}
	return f.data[off:end], nil
}

// Platform returns "64-bit" for PE32+ images and "32-bit" otherwise.
func (f *File) Platform() string {
	if f.Header.Is64 {
		return "64-bit"
	}
	return "32-bit"
}
