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
}

// DefaultLimits returns the limits used when none are given.
func DefaultLimits() Limits {
	return Limits{
		MaxSectionsForDirectories: 256,
		MaxSections:               4096,
		MaxCOFFSymbols:            1,
		MaxDebugEntries:           64,
	}
}

// Validate reports an error when a limit is below 1.
func (l Limits) Validate() error {
	if l.MaxSections < 1 || l.MaxSectionsForDirectories < 1 || l.MaxDebugEntries < 1 || l.MaxCOFFSymbols < 1 {
		return fmt.Errorf("pe: limits must be positive: %+v", l)
	}
	return nil
}
