// Package pe decodes Windows Portable Executable files for reputation work.
//
// [Parse] reads a PE image from a byte slice and returns a [File]: headers,
// sections with their entropy, imports and delay imports, exports, the
// resource tree and the payloads this package decodes from it (version
// information, MUI configuration, string and message tables, the
// manifest), the Rich header, debug entries, TLS callbacks, CLR metadata,
// the overlay and the Authenticode certificate table. [FindSatellite]
// and [Resolver] follow a language-neutral file to its .mui satellite and
// resolve indirect strings ("@%SystemRoot%\system32\alg.exe,-112").
// [File.SectionData], [File.RVAToOffset] and [File.Data] give the bytes
// behind what was parsed, for analyses built on this package.
//
// # Bad input
//
// Files that are not PEs, truncated files and hostile files are the normal
// case. Parse returns an error wrapping [ErrNotPE] when the headers cannot
// be read; otherwise it returns a File with what it could read, a list of
// [Anomaly] values with stable identifiers, and an error wrapping
// [ErrPartial] or [ErrPanic] when a part failed. Nothing panics, every
// read is bounds-checked, every count read from the file is capped
// ([Limits]), and the context bounds the wait.
//
// # Who reads what
//
// This package's own bounded readers handle the headers, the section
// table, imports and delay imports (importdir.go), exports (exports.go),
// the resource tree (rsrcdir.go) and every resource payload (package
// [github.com/filerep/filerep/pe/rsrc]). They map RVAs through one map per
// file, built with python pefile's rules (rvamap.go), so that the results
// agree with pefile's and no two readers see one RVA at two places.
//
// github.com/saferwall/pe reads the debug directory, the TLS directory and
// the CLR metadata. saferwall.go is the only file that imports it; it
// lists the dependency's known hazards (a hang, a 4 GiB allocation,
// panics, prints to stdout) and how each is kept from being reached.
// Imports and resources used to come from it too: its readers recompute
// section alignment for every RVA they map and cost more than a third of
// a parse.
package pe
