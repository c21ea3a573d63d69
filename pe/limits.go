package pe

import "fmt"

// Limits bound the work and memory spent on one file. Hostile files put
// absurd counts and sizes in their headers; every loop and allocation in
// this package is capped by one of these values or by the file size.
type Limits struct {
	// MaxSectionsForDirectories is the section count above which data
	// directories are not handed to the parser dependency: its RVA lookups
	// cost sections × sections (a 65535-section file took 18 s). Headers
	// and the section table are still read. Windows XP allowed 96 sections;
	// real files rarely exceed 20.
	MaxSectionsForDirectories int

	// MaxSections caps the section table entries reported. The format
	// allows 65535.
	MaxSections int

	// MaxCOFFSymbols caps the COFF symbol table entries the parser
	// dependency reads. Symbols are not used by the report and building
	// them dominates parse time on MinGW binaries.
	MaxCOFFSymbols uint32

	// MaxDebugEntries caps the debug directory entries we pre-check.
	MaxDebugEntries int

	// MaxImportFunctions caps the imported functions kept per file
	// (imports and delay imports together): real files import a few
	// thousand. MaxImportThunks caps the thunk entries read to find them
	// (each function needs one, and hostile tables repeat and skip).
	MaxImportFunctions int
	MaxImportThunks    int

	// MaxExports caps the functions read from the export directory: the
	// real maximum is ordinal 65535.
	MaxExports int

	// MaxNameLen caps an export, DLL or CLR assembly name, in bytes.
	MaxNameLen int

	// MaxResourceEntries caps the entries of one resource directory (a
	// real one has a few hundred); a directory declaring more is not read.
	// MaxResourceVisits caps the directory entries read over the whole
	// tree, so that shared branches cannot multiply the work.
	// MaxResources caps the leaves kept.
	MaxResourceEntries int
	MaxResourceVisits  int
	MaxResources       int

	// MaxVersionResources caps the RT_VERSION resources decoded (one per
	// language; Wine's kernel32.dll has 22). MaxStringResources caps the
	// RT_STRING blocks decoded (16 strings each).
	MaxVersionResources int
	MaxStringResources  int

	// MaxCLRRefs caps the .NET AssemblyRef names kept: real assemblies
	// reference a few dozen.
	MaxCLRRefs int

	// MaxSatelliteSize caps the size of a .mui file FindSatellite reads
	// to pair it with its file: real ones are well under a megabyte.
	MaxSatelliteSize int64
}

// Heuristics that decide what a structure means rather than how much work
// it may cost (the import reader's name lengths, repeated and spread-out
// thunks, taken from pefile so that imphash agrees) stay beside their
// readers: changing them changes results, not budgets.

// DefaultLimits returns the limits used when none are given.
func DefaultLimits() Limits {
	return Limits{
		MaxSectionsForDirectories: 256,
		MaxSections:               4096,
		MaxCOFFSymbols:            1,
		MaxDebugEntries:           64,
		MaxImportFunctions:        1 << 16,
		MaxImportThunks:           1 << 18,
		MaxExports:                1 << 16,
		MaxNameLen:                1024,
		MaxResourceEntries:        0x1000,
		MaxResourceVisits:         1 << 18,
		MaxResources:              1 << 16,
		MaxVersionResources:       512,
		MaxStringResources:        4096,
		MaxCLRRefs:                256,
		MaxSatelliteSize:          64 << 20,
	}
}

// Validate reports an error when a limit is below 1.
func (l Limits) Validate() error {
	for _, v := range []int64{int64(l.MaxSections), int64(l.MaxSectionsForDirectories), int64(l.MaxDebugEntries),
		int64(l.MaxCOFFSymbols), int64(l.MaxImportFunctions), int64(l.MaxImportThunks), int64(l.MaxExports),
		int64(l.MaxNameLen), int64(l.MaxResourceEntries), int64(l.MaxResourceVisits), int64(l.MaxResources),
		int64(l.MaxVersionResources), int64(l.MaxStringResources), int64(l.MaxCLRRefs), l.MaxSatelliteSize} {
		if v < 1 {
			return fmt.Errorf("pe: limits must be positive: %+v", l)
		}
	}
	return nil
}
