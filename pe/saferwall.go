package pe

// This is the only file that imports github.com/saferwall/pe, which reads
// the debug directory, the TLS directory and the CLR metadata for us
// (imports, delay imports, exports and resources have our own readers:
// see doc.go). It keeps the dependency away from the hazards measured in
// saferwall-notes.md:
//
//   - its logger writes to stdout: we pass a logger that records instead;
//   - two leftover prints write to stdout: the export directory (exports.go)
//     and the load-config DVRT (loadconfig.go) are not handed to it;
//   - a 65535-section file makes every RVA lookup quadratic: above
//     Limits.MaxSectionsForDirectories only headers and sections are read;
//   - its debug decoder trusts SizeOfData: a CodeView entry below its
//     header size underflows a length and allocates 4 GiB, a huge one
//     allocates before the bounds check, a POGO entry below 4 bytes or
//     near the end of the file loops to the end or slices past it, and
//     many entries over the same bytes decode them again and again. The
//     headers are read first (Fast), every entry is checked where the
//     parser itself will read it (debugplan.go), and a hostile entry is
//     hidden from the decoder (its Type is zeroed in a private copy) and
//     reported as an anomaly before the data directories are parsed;
//   - an undersized Rich header panics outside its own recover: it is
//     pre-checked, and the parser gets a copy with the "Rich" mark hidden;
//   - version resources hang it: we never call its version parser;
//   - every call is guarded by recover, and the caller's context bounds the
//     wait.

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	peparser "github.com/saferwall/pe"
	"github.com/saferwall/pe/log"
)

// recordingLogger keeps the parser's error-level messages, which is where
// it reports the panics it recovered itself; everything else is dropped.
type recordingLogger struct {
	errors []string
}

func (l *recordingLogger) Log(level log.Level, keyvals ...any) error {
	if level < log.LevelError {
		return nil
	}
	for i := 1; i < len(keyvals); i += 2 {
		if s, ok := keyvals[i].(string); ok && len(l.errors) < 64 {
			l.errors = append(l.errors, s)
		}
	}
	return nil
}

// saferwallAnomalies gives each anomaly text of the parser we know an
// identifier of ours. "" drops a text whose fault this package reports
// itself (a fault is listed once, whoever noticed it). A text not listed
// here is reported as AnoParser with the parser's words: no identifier is
// ever derived from a dependency's message.
var saferwallAnomalies = map[string]string{
	peparser.AnoNumberOfSectionsNull: AnoNoSections,
	peparser.AnoNumberOfRvaAndSizes:  AnoRvaAndSizes,
	peparser.AnoCOFFSymbolsCount:     AnoCOFFSymbols,
	// The Rich header is decoded by this package (richheader.go).
	peparser.AnoDansSigNotFound:     "",
	peparser.AnoDanSMagicOffset:     "",
	peparser.AnoPaddingDwordNotZero: "",
	"Invalid rich header checksum":  "",
	// Imports are read by this package (importdir.go).
	peparser.AnoImportNoNameNoOrdinal:     anoImportNoNameNoOrdinal,
	peparser.AnoManyRepeatedEntries:       anoImportRepeated,
	peparser.AnoInvalidThunkAddressOfData: anoImportSpread,
	peparser.AnoAddressOfDataBeyondLimits: anoImportOrdinalRange,
	// Headers.
	peparser.AnoPEHeaderOverlapDOSHeader:       AnoHeaderOverlapsDOS,
	peparser.AnoPETimeStampNull:                AnoTimestampZero,
	peparser.AnoPETimeStampFuture:              AnoTimestampFuture,
	peparser.AnoNumberOfSections10Plus:         AnoManySections,
	peparser.AnoSizeOfOptionalHeaderNull:       AnoOptionalHeaderSize,
	peparser.AnoUncommonSizeOfOptionalHeader32: AnoOptionalHeaderSize,
	peparser.AnoUncommonSizeOfOptionalHeader64: AnoOptionalHeaderSize,
	peparser.AnoAddressOfEntryPointNull:        AnoEntryPointZero,
	peparser.AnoAddressOfEPLessSizeOfHeaders:   AnoEntryPointInHeaders,
	peparser.AnoImageBaseNull:                  AnoImageBase,
	peparser.AnoImageBaseOverflow:              AnoImageBase,
	peparser.ErrInvalidFileAlignment:           AnoAlignment,
	peparser.ErrInvalidSectionAlignment:        AnoAlignment,
	peparser.AnoMajorSubsystemVersion:          AnoSubsystemVersion,
	peparser.AnonWin32VersionValue:             AnoReservedField,
	peparser.AnoReservedDataDirectoryEntry:     AnoReservedField,
	peparser.AnoInvalidPEChecksum:              AnoChecksum,
	peparser.AnoInvalidSizeOfImage:             AnoSizeOfImage,
	peparser.AnoRelocationEntriesCount:         AnoRelocations,
	peparser.AnoInvalidGlobalPtrReg:            AnoGlobalPtr,
	// Exports are read by this package (exports.go).
	peparser.ErrExportMaxOrdEntries:       "",
	peparser.ErrExportManyRepeatedEntries: "",
	peparser.AnoNullNumberOfFunctions:     "",
	peparser.AnoNullAddressOfFunctions:    "",
}

// saferwallSectionAnomalies are the parser's per-section texts, "Section
// `NAME` <what>", by their <what>. The section name goes into the message.
var saferwallSectionAnomalies = map[string]string{
	"Contents are null-bytes": AnoSectionNullHeader,
	// Reported by this package's own section check (AnoSectionPastEOF).
	"SizeOfRawData is larger than file":                  "",
	"PointerToRawData points beyond the end of the file": "",
	"VirtualSize is extremely large > 256MiB":            AnoSectionHuge,
	"VirtualAddress is beyond 0x10000000":                AnoSectionHuge,
	"PointerToRawData is not multiple of FileAlignment":  AnoSectionMisaligned,
}

// saferwallAnomalyID returns our identifier for a parser anomaly text and
// whether the text was known; "" with true means drop it.
func saferwallAnomalyID(text string) (string, bool) {
	if id, ok := saferwallAnomalies[text]; ok {
		return id, true
	}
	if rest, ok := strings.CutPrefix(text, "Section `"); ok {
		if i := strings.LastIndex(rest, "` "); i >= 0 {
			if id, ok := saferwallSectionAnomalies[rest[i+2:]]; ok {
				return id, true
			}
		}
	}
	return AnoParser, false
}

// dirResult is what we copy out of the parser's File.
type dirResult struct {
	debug        []DebugEntry
	tlsCallbacks []uint64
	clrVersion   string
	clrParsed    bool
	clrRefs      []string // names of the CLR AssemblyRef rows (detect.go reads them)
	anomalies    []string
	logged       []string
	debugFaults  []debugFault // hostile debug entries hidden from the parser
	parseErr     error
}

// parseDirectories runs saferwall/pe over b for the data directories. It
// returns when the parse ends or ctx is done, whichever is first; in the
// second case the parse goroutine may still be reading b.
func parseDirectories(ctx context.Context, b []byte, h *Header, lim Limits, an *anomalies) (*dirResult, error) {
	opts := &peparser.Options{
		MaxCOFFSymbolsCount:       lim.MaxCOFFSymbols,
		DisableCertValidation:     true,
		OmitExportDirectory:       true, // prints to stdout on bad AddressOfNames
		OmitLoadConfigDirectory:   true, // prints to stdout on DVRT version 2
		OmitExceptionDirectory:    true, // not used by the report; a hang site with many sections
		OmitSecurityDirectory:     true, // Authenticode is decoded by this package
		OmitRelocDirectory:        true, // not used by the report
		OmitArchitectureDirectory: true,
		OmitGlobalPtrDirectory:    true,
		OmitBoundImportDirectory:  true,
		OmitIATDirectory:          true,
		OmitResourceDirectory:     true, // read by our own bounded walker (rsrcdir.go)
		OmitImportDirectory:       true, // read by our own bounded reader (importdir.go)
		OmitDelayImportDirectory:  true,
	}
	if int(h.NumberOfSections) > lim.MaxSectionsForDirectories {
		// Our own reader already has the headers and sections; the parser
		// would only repeat them, slowly.
		an.add(AnoDirectoriesSkipped, "%d sections: data directories not parsed (limit %d)", h.NumberOfSections, lim.MaxSectionsForDirectories)
		return &dirResult{}, nil
	}
	if h.Directory(IMAGE_DIRECTORY_ENTRY_DEBUG).VirtualAddress == 0 {
		// Absent, or beyond NumberOfRvaAndSizes (the loader ignores it
		// there; the parser would read it).
		opts.OmitDebugDirectory = true
	}
	data, cloned := b, false
	if richWouldPanic(b, h) {
		an.add(AnoRichUndersized, "the Rich header is too short to hold its padding; it was ignored")
		data, cloned = bytes.Clone(b), true
		i := bytes.Index(data[:h.NTOffset], []byte("Rich"))
		copy(data[i:], "Ric\x00")
	}
	logger := &recordingLogger{}
	opts.Logger = logger
	// Headers and sections first; the debug entries are checked against
	// them before ParseDataDirectories decodes anything.
	opts.Fast = true

	done := make(chan *dirResult, 1)
	go func() {
		res := &dirResult{}
		defer func() {
			if v := recover(); v != nil {
				res.parseErr = &PanicError{Site: "parse", Value: v}
			}
			res.logged = logger.errors
			done <- res
		}()
		f, err := peparser.NewBytes(data, opts)
		if err != nil {
			res.parseErr = err
			return
		}
		if res.parseErr = f.Parse(); res.parseErr != nil {
			copyResults(f, data, res, nil, lim)
			return
		}
		var plan debugPlan
		if !opts.OmitDebugDirectory {
			va, size := debugDirectory(f)
			plan = planDebug(data, va, size, f.GetOffsetFromRva, lim)
		}
		res.debugFaults = plan.faults
		switch {
		case plan.skipAll:
			opts.OmitDebugDirectory = true
		case len(plan.hide) > 0:
			// The parser keeps the slice it was given: hide the entries in
			// a private copy and read its headers again (hostile files only).
			if !cloned {
				data = bytes.Clone(data)
			}
			for _, off := range plan.hide {
				binary.LittleEndian.PutUint32(data[off+debugTypeField:], 0)
			}
			if f, err = peparser.NewBytes(data, opts); err != nil {
				res.parseErr = err
				return
			}
			if res.parseErr = f.Parse(); res.parseErr != nil {
				copyResults(f, data, res, nil, lim)
				return
			}
		}
		res.parseErr = f.ParseDataDirectories()
		copyResults(f, data, res, plan.hidden, lim)
	}()
	select {
	case res := <-done:
		for _, fl := range res.debugFaults {
			an.add(fl.id, "%s", fl.msg)
		}
		return res, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("pe: parse abandoned: %w", ctx.Err())
	}
}

// copyResults moves what the report needs out of the parser's File into
// our own types (data is the slice it parsed), so that nothing of the parser outlives the call. Every
// step is guarded: a panic here loses that step only.
//
// hidden maps the entries whose Type planDebug zeroed, as the parser read
// them, to their real Type, so that they are still listed under it.
func copyResults(f *peparser.File, data []byte, res *dirResult, hidden map[debugDirKey]uint32, lim Limits) {
	guard := func(site string, fn func()) {
		defer func() {
			if v := recover(); v != nil {
				res.logged = append(res.logged, fmt.Sprintf("%s: %v", site, v))
			}
		}()
		fn()
	}
	guard("debug", func() {
		for _, d := range f.Debugs {
			k := d.Struct
			e := DebugEntry{Type: d.Type, TimeDateStamp: k.TimeDateStamp}
			key := debugDirKey{k.Characteristics, k.TimeDateStamp, k.MajorVersion, k.MinorVersion, uint32(k.Type), k.SizeOfData, k.AddressOfRawData, k.PointerToRawData}
			if t, ok := hidden[key]; ok && k.Type == 0 {
				e.Type = peparser.ImageDebugDirectoryType(t).String()
				res.debug = append(res.debug, e)
				continue
			}
			// The parser reuses one value for every entry: an entry that
			// decodes nothing keeps the Info of the one before it.
			cv, ok := d.Info.(peparser.CVInfoPDB70)
			if ok && k.Type == peparser.ImageDebugTypeCodeView && isRSDSAt(data, k.PointerToRawData) {
				e.PDBPath = strings.TrimRight(cv.PDBFileName, "\x00")
				e.GUID = guidString(cv.Signature.Data1, cv.Signature.Data2, cv.Signature.Data3, cv.Signature.Data4)
				e.Age = cv.Age
			}
			res.debug = append(res.debug, e)
		}
	})
	guard("tls", func() {
		switch cb := f.TLS.Callbacks.(type) {
		case []uint32:
			for _, c := range cb {
				res.tlsCallbacks = append(res.tlsCallbacks, uint64(c))
			}
		case []uint64:
			res.tlsCallbacks = append(res.tlsCallbacks, cb...)
		}
	})
	guard("clr", func() {
		if f.FileInfo.HasCLR {
			res.clrParsed = true
			res.clrVersion = strings.TrimRight(f.CLR.MetadataHeader.Version, "\x00")
		}
	})
	guard("clr refs", func() {
		res.clrRefs = clrAssemblyRefs(f, lim)
	})
	res.anomalies = append(res.anomalies, f.Anomalies...)
}

// debugDirectory returns the debug data directory as the parser read it.
func debugDirectory(f *peparser.File) (va, size uint32) {
	var d peparser.DataDirectory
	switch oh := f.NtHeader.OptionalHeader.(type) {
	case peparser.ImageOptionalHeader32:
		d = oh.DataDirectory[peparser.ImageDirectoryEntryDebug]
	case peparser.ImageOptionalHeader64:
		d = oh.DataDirectory[peparser.ImageDirectoryEntryDebug]
	}
	return d.VirtualAddress, d.Size
}

// clrAssemblyRefs returns the names of the CLR metadata's AssemblyRef rows,
// read from the #Strings heap: at most lim.MaxCLRRefs of them, each at
// most lim.MaxNameLen bytes.
func clrAssemblyRefs(f *peparser.File, lim Limits) []string {
	if !f.FileInfo.HasCLR {
		return nil
	}
	t := f.CLR.MetadataTables[peparser.AssemblyRef]
	if t == nil {
		return nil
	}
	rows, ok := t.Content.([]peparser.AssemblyRefTableRow)
	if !ok {
		return nil
	}
	heap := f.CLR.MetadataStreams["#Strings"]
	var out []string
	for _, r := range rows {
		if len(out) >= lim.MaxCLRRefs {
			break
		}
		if int64(r.Name) >= int64(len(heap)) {
			continue
		}
		s := heap[r.Name:min(len(heap), int(r.Name)+lim.MaxNameLen)]
		if i := bytes.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		if len(s) > 0 {
			out = append(out, string(s))
		}
	}
	return out
}

// richWouldPanic reproduces the parser's search for the Rich header and
// reports whether it would index past its decoded array (hazard #1) or
// past the data.
func richWouldPanic(b []byte, h *Header) bool {
	nt := int(h.NTOffset)
	if nt > len(b) {
		return false
	}
	i := bytes.Index(b[:nt], []byte("Rich"))
	if i < 0 {
		return false
	}
	if i+8 > len(b) {
		return true
	}
	key := binary.LittleEndian.Uint32(b[i+4:])
	n := 0
	limit := i - 4 - 64 // the parser stops at the end of the DOS header
	for it := 0; it < limit; it += 4 {
		if binary.LittleEndian.Uint32(b[i-4-it:])^key == 0x536e6144 { // "DanS"
			return n < 3
		}
		n++
	}
	return false // DanS not found: the parser reports an anomaly and returns
}

// ordinalName names an import by ordinal as pefile's ordlookup does: from
// the tables for ws2_32, wsock32 and oleaut32 (the parser ships the same
// tables), else "ordN".
func ordinalName(dll string, ord uint32) string {
	return peparser.OrdLookup(strings.ToLower(dll), uint64(ord), true)
}
