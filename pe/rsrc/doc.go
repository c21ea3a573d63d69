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
// # Version strings in the language Windows shows
//
// A file may carry one RT_VERSION resource per language (Wine's
// kernel32.dll has 36, the first in Arabic), and one resource may hold
// several StringTables. [PickVersion] chooses the resource and the table
// whose strings a report shows as primary, for a UI language tag (the
// caller's; "" for none), the same way at both levels:
//
//  1. the tag's own LANGID ("fr-CA" 0x0C0C), then its primary language with
//     SUBLANG_NEUTRAL (0x000C), then with SUBLANG_DEFAULT (0x040C);
//  2. en-US (0x0409);
//  3. a language-neutral one: 0x0000, then 0x0400, then 0x0800, then any
//     other LANG_NEUTRAL value, then LANG_INVARIANT (0x007F);
//  4. otherwise the first resource in resource-directory order; for tables,
//     the one the first VarFileInfo\Translation entry names, else the first.
//
// Within one language, tables (one per code page) are taken in the order
// the Translation array lists them, then in file order. Where this comes
// from:
//
//   - GetFileVersionInfo finds the resource with FindResource, that is
//     FindResourceEx with MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL), which
//     the documentation says means "the current language associated with
//     the calling thread". The loader's own search (LdrpSearchResourceSection_U
//     in the Windows Research Kernel's ldrrsrc.c) tries the language asked
//     for, its primary language, LANG_NEUTRAL, the user's UI language, the
//     install language, the system locale, US English, and finally the
//     first language present. Wine's version.dll (find_entry_language) does
//     the same for GetFileVersionInfoEx with FILE_VER_GET_LOCALISED (LANG_NEUTRAL,
//     the thread and user languages with their SUBLANG_NEUTRAL and
//     SUBLANG_DEFAULT forms, the system language, en-US, the first), and
//     goes straight to en-US, then the first, without it.
//   - VerQueryValue does not choose a table: its documentation has the
//     caller read \VarFileInfo\Translation and build
//     "\StringFileInfo\<lang><codepage>\<name>" from one of its entries.
//     Programs commonly take the first entry, then 040904B0, 040904E4 and
//     04090000 (.NET's FileVersionInfo does). The rule above ranks a table
//     in the UI language, or en-US, before the first entry, as a program
//     showing its UI language would; the entry decides the rest.
//
// One difference from the loader: it tries an exact LANG_NEUTRAL (0x0000)
// resource before the UI language, where step 3 ranks it after en-US; the
// two only disagree on a file that has both a 0x0000 resource and one in
// the UI language or en-US. Without a UI language the rule reads as a
// host whose UI language is en-US. pefile and exiftool take the first
// table of the first resource instead, which for Wine's kernel32.dll is
// Arabic.
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
