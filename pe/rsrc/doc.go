// Package rsrc decodes the payload bytes of Windows PE resources: version
// information, the MUI RC Config, string and message tables. It also parses
// the indirect strings ("@%SystemRoot%\system32\alg.exe,-112") that point
// at them, and maps Windows language IDs to locale names.
//
// The caller walks the resource directory and hands each resource's bytes
// to one decoder:
//
//	RT_VERSION (16)        ParseVersionInfo   → *VersionInfo
//	"MUI" (string type)    ParseMUI           → *MUIConfig
//	RT_STRING (6)          ParseStringBlock   → []StringEntry
//	RT_MESSAGETABLE (11)   ParseMessageTable  → []Message
//
// plus [ParseIndirectString] for registry values, [LanguageTag], [LangID],
// [ParentLocale] and [FallbackChain] for languages, and [DecodeUTF16].
//
// # Hostile input
//
// Every decoder is pure (no I/O, no globals beyond read-only tables, safe
// for concurrent use), never panics, never reads outside its input, never
// allocates from a count it read without first clamping it by the bytes
// present, and does work linear in the input. The caps it applies are in
// limits.go with their reasons. Results never reference the input slice.
//
// # Errors and anomalies
//
// An error means part of the resource could not be read; it is a
// *[FormatError] (offset, structure, message) that unwraps to a sentinel
// such as [ErrTruncated], so test it with [errors.Is]. Decoders return the
// partial result together with the error whenever anything was read.
//
// An [Anomaly] means something was read but looks odd — a wrong length, a
// missing pad, an unknown enum value — and was tolerated. Anomalies carry a
// stable code ("version/length-too-small", "mui/bad-offset"; the Anom*
// constants list them) and ride in the result (VersionInfo.Anomalies,
// MUIConfig.Anomalies), so a report can show them without failing.
//
// # Text
//
// Resource text is UTF-16LE. [DecodeUTF16] decodes it exactly: surrogate
// pairs are joined, Cyrillic and CJK come through unchanged ("A一B" stays
// "A一B"), decoding stops at the first NUL unit, and only an unpaired
// surrogate becomes U+FFFD. ANSI message-table text is decoded as
// Windows-1252.
//
// The formats are summarised in the project's formats.md (§1 MUI, §2
// VS_VERSIONINFO, §3 string and message tables, indirect strings).
package rsrc
