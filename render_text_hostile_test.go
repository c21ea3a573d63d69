package filerep

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostile is a string a file or a crowd sample could carry: a screen
// clear, a window title, a bell, a CR/LF that forges a table row, C1 CSI,
// DEL, a bidi override and a byte of invalid UTF-8.
func hostile(label string) string {
	return label + "\x1b[2J\x1b]0;title\x07\r\n| injected: | 1 |\u009b2J\x7f\u202eexe.txt\u2066\xff"
}

// assertTerminalSafe checks that text holds no character that controls a
// terminal: only the line feeds of its own layout, no forged row.
func assertTerminalSafe(t *testing.T, text string) {
	t.Helper()
	assert.True(t, utf8.ValidString(text), "invalid UTF-8 in the output")
	for i, line := range strings.Split(text, "\n") {
		assert.False(t, strings.HasPrefix(line, "| injected:"), "line %d is a forged row: %q", i+1, line)
		for _, r := range line {
			bad := r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
				(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
			assert.False(t, bad, "line %d holds U+%04X: %q", i+1, r, line)
		}
	}
}

func hostileReport() *FileReport {
	h := hostile
	vs := VersionSummary{
		CompanyName: h("Company"), FileDescription: h("Description"), ProductName: h("Product"),
		OriginalFilename: h("Original"), FileVersion: h("FileVersion"), ProductVersion: h("ProductVersion"),
	}
	ev := []Evidence{{Kind: "import", Value: h("kernel32.dll!Evil"), Offset: -1}}
	finding := &Finding{Name: h("Compiler"), Version: h("1.0")}
	return &FileReport{
		Schema:      Schema,
		File:        FileInfo{Name: h("name.exe"), Path: h("/path/name.exe"), Size: 1234, Kind: KindEXE},
		Hashes:      Hashes{MD5: "d41d8cd98f00b204e9800998ecf8427e", SHA1: "s", SHA256: "s", BLAKE3: "b"},
		VersionInfo: &VersionInfo{VersionSummary: vs},
		MUI: &MUI{MUIConfig: &MUIConfig{FileType: h("LN"), Language: h("fr-FR"), FallbackLanguage: h("en-US")},
			SatellitePath: h(`fr-FR\name.exe.mui`)},
		Localized: &Localized{Language: h("fr-FR"), SatellitePath: h("sat"), VersionInfo: &vs},
		DNA: &DNA{Machine: h("x86"), Platform: h("32-bit"), Subsystem: h("Windows GUI"), DotNet: true, CLRVersion: h("v4.0"),
			Packed: true, Packers: []Finding{*finding}, CodeLanguage: h("C"), Compiler: finding,
			Installer: h("NSIS"), InstallerDetail: finding},
		PE: &PEDetails{Timestamp: h("2009"), LinkerVersion: h("9.0"),
			Manifest: &Manifest{RequestedExecutionLevel: h("asInvoker")},
			Debug:    []DebugEntry{{PDBPath: h(`C:\src\evil.pdb`)}}},
		Sections:  []Section{{Name: h(".text"), Flags: h("r-x")}},
		Behaviors: []Behavior{{Description: h("Runs as a service"), Evidence: ev}},
		Signature: &Signature{Signed: true, DigestAlgorithm: h("sha256"), Timestamp: h("2020"), TimestampSource: h("rfc3161"),
			Signers: []Signer{{Subject: h("CN=Signer"), Issuer: h("CN=Issuer"), DigestAlgorithm: h("sha256")},
				{Subject: h("CN=Nested"), Issuer: h("CN=Issuer2"), DigestAlgorithm: h("sha1")}}},
		Anomalies: []string{h("anomaly: sentence")},
		Errors:    []string{h("filerep: reading /path")},
		Verdict: &Verdict{Summary: h("Unknown"), Statement: h("Statement"),
			Reasons: []VerdictReason{{Signal: h("signal"), Weight: -5, Detail: h("publisher")}}},
		TypicalPath:        h(`C:\Windows\evil.exe`),
		AdditionalVersions: []AdditionalVersion{{Version: h("6.1"), SHA256: h("abc")}},
		Relationships:      &Relationships{Parents: []string{h("services.exe")}, Modules: []string{h("ntdll.dll")}},
		Telemetry:          &Telemetry{File: TelemetryFile{Name: h("name.exe")}, MinParticipants: 200},
	}
}

// TestWriteTextEscapesControls: nothing a file, a knowledge base or the
// crowd supplies reaches the terminal raw; the JSON keeps the originals.
func TestWriteTextEscapesControls(t *testing.T) {
	rep := hostileReport()
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	out := b.String()
	assertTerminalSafe(t, out)
	assert.Contains(t, out, `Company\x1b[2J\x1b]0;title\x07\x0d\x0a| injected: | 1 |\u009b2J\x7f\u202eexe.txt\u2066\xff`)
	assert.Contains(t, out, "| Publisher: | Company")
	assert.Contains(t, out, "| Signer: | CN=Signer")

	// Unsigned: the catalog status is printed too.
	rep.Signature = &Signature{CatalogStatus: hostile("unknown")}
	b.Reset()
	require.NoError(t, rep.WriteText(&b))
	assertTerminalSafe(t, b.String())
}
