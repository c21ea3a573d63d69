package pe

import (
	"fmt"
	"sort"

	"github.com/filerep/filerep/pe/rsrc"
)

// Anomaly is something odd about a file that was nevertheless read: a
// stable identifier (part of the JSON contract, never renamed) and a
// sentence for people.
type Anomaly struct {
	ID  string `json:"id"`
	Msg string `json:"message"`
}

// String returns "id: message".
func (a Anomaly) String() string { return a.ID + ": " + a.Msg }

// Anomaly identifiers of this package: one per kind of fault, never
// carrying data (a section name or an offset goes into the message), never
// derived from a dependency's text. Those the parser dependency reports are
// mapped onto these in saferwall.go; any it adds later that we do not know
// are reported as AnoParser with its words. [AnomalyIDs] lists every
// identifier a report can carry; a test pins the list.
const (
	AnoHeaderPastEOF        = "pe/header-past-eof"
	AnoRvaAndSizes          = "pe/number-of-rva-and-sizes"
	AnoNoSections           = "pe/no-sections"
	AnoTooManySections      = "pe/too-many-sections"
	AnoSectionTablePastEOF  = "pe/section-table-past-eof"
	AnoSectionPastEOF       = "pe/section-past-eof"
	AnoEmptyCodeSection     = "pe/empty-code-section"
	AnoWritableCode         = "pe/writable-code-section"
	AnoEntryOutsideSections = "pe/entry-outside-sections"
	AnoDirectoriesSkipped   = "pe/directories-skipped"
	AnoDebugSkipped         = "pe/debug-directory-skipped"
	AnoDebugEntryTooSmall   = "pe/debug-entry-too-small"    // SizeOfData below its type's fixed header
	AnoDebugEntryPastEOF    = "pe/debug-entry-past-eof"     // data, or a record read from it, past the end of the file
	AnoDebugDataRepeated    = "pe/debug-data-claimed-again" // entries claim more bytes in all than the file holds
	AnoRichUndersized       = "pe/rich-header-undersized"
	AnoParserPanic          = "pe/parser-panic"
	AnoDirectoryFailed      = "pe/directory-failed"
	AnoCOFFSymbols          = "pe/coff-symbols-absurd"
	AnoParser               = "pe/parser"

	// Faults the parser dependency finds in the headers and sections.
	AnoHeaderOverlapsDOS   = "pe/header-overlaps-dos-header"
	AnoTimestampZero       = "pe/timestamp-zero"
	AnoTimestampFuture     = "pe/timestamp-future"
	AnoManySections        = "pe/many-sections"
	AnoOptionalHeaderSize  = "pe/optional-header-size-unusual"
	AnoEntryPointZero      = "pe/entry-point-zero"
	AnoEntryPointInHeaders = "pe/entry-point-in-headers"
	AnoImageBase           = "pe/image-base-invalid"
	AnoAlignment           = "pe/alignment-invalid"
	AnoSubsystemVersion    = "pe/subsystem-version-unusual"
	AnoReservedField       = "pe/reserved-field-set"
	AnoChecksum            = "pe/checksum-invalid"
	AnoSizeOfImage         = "pe/size-of-image-invalid"
	AnoRelocations         = "pe/relocations-absurd"
	AnoGlobalPtr           = "pe/globalptr-outside-image"
	AnoSectionNullHeader   = "pe/section-header-null"
	AnoSectionHuge         = "pe/section-virtual-range-huge"
	AnoSectionMisaligned   = "pe/section-misaligned"

	// Faults this package's directory readers find.
	AnoExportsUnreadable  = "pe/exports-unreadable"
	AnoExportsAbsurd      = "pe/exports-absurd"
	AnoResourceUnreadable = "pe/resource-unreadable"
	AnoResourceAbsurd     = "pe/resource-absurd"
	AnoResourceTruncated  = "pe/resource-truncated"
	AnoResourceLoop       = "pe/resource-loop"
	AnoVersionLimit       = "pe/version-limit"
	AnoVersionUnreadable  = "pe/version-unreadable"
	AnoMUIUnreadable      = "pe/mui-unreadable"
	AnoManifest           = "pe/manifest-unreadable"
	AnoMessages           = "pe/messages-unreadable"
	AnoStrings            = "pe/strings-unreadable"
	AnoRichChecksum       = "pe/rich-checksum-invalid"
	AnoRichDanSMissing    = "pe/rich-dans-missing"
	AnoRichDanSOffset     = "pe/rich-dans-offset"
	AnoRichPadding        = "pe/rich-padding-not-zero"
	AnoImportNoName       = anoImportNoNameNoOrdinal
	AnoImportRepeated     = anoImportRepeated
	AnoImportSpread       = anoImportSpread
	AnoImportOrdinalRange = anoImportOrdinalRange
	AnoImportsTruncated   = anoImportsTruncated
)

// AnomalyIDs returns every identifier of this package's anomalies, sorted,
// followed by the codes of package rsrc's resource decoders
// ([rsrc.AnomalyCodes]) that a report carries too.
func AnomalyIDs() []string {
	ids := []string{
		AnoHeaderPastEOF, AnoRvaAndSizes, AnoNoSections, AnoTooManySections, AnoSectionTablePastEOF,
		AnoSectionPastEOF, AnoEmptyCodeSection, AnoWritableCode, AnoEntryOutsideSections,
		AnoDirectoriesSkipped, AnoDebugSkipped, AnoDebugEntryTooSmall, AnoDebugEntryPastEOF,
		AnoDebugDataRepeated, AnoRichUndersized, AnoParserPanic, AnoDirectoryFailed, AnoCOFFSymbols,
		AnoParser, AnoHeaderOverlapsDOS, AnoTimestampZero, AnoTimestampFuture, AnoManySections,
		AnoOptionalHeaderSize, AnoEntryPointZero, AnoEntryPointInHeaders, AnoImageBase, AnoAlignment,
		AnoSubsystemVersion, AnoReservedField, AnoChecksum, AnoSizeOfImage, AnoRelocations, AnoGlobalPtr,
		AnoSectionNullHeader, AnoSectionHuge, AnoSectionMisaligned, AnoExportsUnreadable,
		AnoExportsAbsurd, AnoResourceUnreadable, AnoResourceAbsurd, AnoResourceTruncated,
		AnoResourceLoop, AnoVersionLimit, AnoVersionUnreadable, AnoMUIUnreadable, AnoManifest,
		AnoMessages, AnoStrings, AnoRichChecksum, AnoRichDanSMissing, AnoRichDanSOffset, AnoRichPadding,
		AnoImportNoName, AnoImportRepeated, AnoImportSpread, AnoImportOrdinalRange, AnoImportsTruncated,
	}
	sort.Strings(ids)
	return append(ids, rsrc.AnomalyCodes()...)
}

// anomalies collects findings without duplicates, in the order found.
type anomalies struct {
	list  []Anomaly
	seen  map[anomalyKey]bool
	perID map[string]int
}

// anomalyKey identifies one finding for de-duplication.
type anomalyKey struct{ id, msg string }

// maxPerID caps the anomalies of one identifier: a file with 65535 bad
// sections gets a few examples and a count, not 65535 lines.
const maxPerID = 8

func (a *anomalies) add(id, format string, args ...any) {
	if a.perID[id] > maxPerID {
		// "more of the same" is already listed: nothing more will be, so
		// neither format nor remember the message (a hostile import table
		// raised 10 MB of distinct ones from a 53 KB file).
		return
	}
	msg := format // repeated constant messages cost no allocation
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	key := anomalyKey{id, msg}
	if a.seen == nil {
		a.seen = make(map[anomalyKey]bool)
	}
	if a.seen[key] {
		return
	}
	a.seen[key] = true
	if a.perID == nil {
		a.perID = make(map[string]int)
	}
	a.perID[id]++
	switch n := a.perID[id]; {
	case n <= maxPerID:
		a.list = append(a.list, Anomaly{ID: id, Msg: msg})
	case n == maxPerID+1:
		a.list = append(a.list, Anomaly{ID: id, Msg: "more of the same not listed"})
	}
}
