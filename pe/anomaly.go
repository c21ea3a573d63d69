package pe

import (
	"fmt"
	"strings"
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

// Anomaly identifiers of this package. Those of the parser dependency are
// mapped onto identifiers in saferwallAnomalies; any it adds later that we
// do not know are reported as AnoParser with its own text.
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
)

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

// slugID turns a parser's anomaly text into a stable identifier under
// "pe/": lower case, runs of other characters as one '-', at most 60 bytes.
func slugID(text string) string {
	var sb strings.Builder
	sb.WriteString("pe/")
	dash := false
	for _, r := range strings.ToLower(text) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
			dash = false
		} else if !dash && sb.Len() > 3 {
			sb.WriteByte('-')
			dash = true
		}
		if sb.Len() >= 60 {
			break
		}
	}
	return strings.TrimSuffix(sb.String(), "-")
}
