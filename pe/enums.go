package pe

import "fmt"

// Machine is the IMAGE_FILE_HEADER.Machine value: the CPU the image is for.
// Its text form is report.md's lower-case vocabulary (x86, x64, arm64, …).
type Machine uint16

// Machine values (IMAGE_FILE_MACHINE_*), as named in winnt.h.
const (
	IMAGE_FILE_MACHINE_UNKNOWN     Machine = 0x0
	IMAGE_FILE_MACHINE_I386        Machine = 0x14c
	IMAGE_FILE_MACHINE_R3000       Machine = 0x162
	IMAGE_FILE_MACHINE_R4000       Machine = 0x166
	IMAGE_FILE_MACHINE_R10000      Machine = 0x168
	IMAGE_FILE_MACHINE_WCEMIPSV2   Machine = 0x169
	IMAGE_FILE_MACHINE_ALPHA       Machine = 0x184
	IMAGE_FILE_MACHINE_SH3         Machine = 0x1a2
	IMAGE_FILE_MACHINE_SH3DSP      Machine = 0x1a3
	IMAGE_FILE_MACHINE_SH4         Machine = 0x1a6
	IMAGE_FILE_MACHINE_SH5         Machine = 0x1a8
	IMAGE_FILE_MACHINE_ARM         Machine = 0x1c0
	IMAGE_FILE_MACHINE_THUMB       Machine = 0x1c2
	IMAGE_FILE_MACHINE_ARMNT       Machine = 0x1c4
	IMAGE_FILE_MACHINE_AM33        Machine = 0x1d3
	IMAGE_FILE_MACHINE_POWERPC     Machine = 0x1f0
	IMAGE_FILE_MACHINE_POWERPCFP   Machine = 0x1f1
	IMAGE_FILE_MACHINE_IA64        Machine = 0x200
	IMAGE_FILE_MACHINE_MIPS16      Machine = 0x266
	IMAGE_FILE_MACHINE_ALPHA64     Machine = 0x284
	IMAGE_FILE_MACHINE_MIPSFPU     Machine = 0x366
	IMAGE_FILE_MACHINE_MIPSFPU16   Machine = 0x466
	IMAGE_FILE_MACHINE_EBC         Machine = 0xebc
	IMAGE_FILE_MACHINE_RISCV32     Machine = 0x5032
	IMAGE_FILE_MACHINE_RISCV64     Machine = 0x5064
	IMAGE_FILE_MACHINE_RISCV128    Machine = 0x5128
	IMAGE_FILE_MACHINE_LOONGARCH32 Machine = 0x6232
	IMAGE_FILE_MACHINE_LOONGARCH64 Machine = 0x6264
	IMAGE_FILE_MACHINE_AMD64       Machine = 0x8664
	IMAGE_FILE_MACHINE_M32R        Machine = 0x9041
	IMAGE_FILE_MACHINE_ARM64       Machine = 0xaa64
	IMAGE_FILE_MACHINE_ARM64EC     Machine = 0xa641
	IMAGE_FILE_MACHINE_ARM64X      Machine = 0xa64e
	IMAGE_FILE_MACHINE_CEE         Machine = 0xc0ee
)

var machineNames = map[Machine]string{
	IMAGE_FILE_MACHINE_UNKNOWN:     "unknown",
	IMAGE_FILE_MACHINE_I386:        "x86",
	IMAGE_FILE_MACHINE_R3000:       "mips",
	IMAGE_FILE_MACHINE_R4000:       "mips",
	IMAGE_FILE_MACHINE_R10000:      "mips",
	IMAGE_FILE_MACHINE_WCEMIPSV2:   "mips",
	IMAGE_FILE_MACHINE_MIPS16:      "mips",
	IMAGE_FILE_MACHINE_MIPSFPU:     "mips",
	IMAGE_FILE_MACHINE_MIPSFPU16:   "mips",
	IMAGE_FILE_MACHINE_ALPHA:       "alpha",
	IMAGE_FILE_MACHINE_ALPHA64:     "alpha64",
	IMAGE_FILE_MACHINE_SH3:         "sh3",
	IMAGE_FILE_MACHINE_SH3DSP:      "sh3",
	IMAGE_FILE_MACHINE_SH4:         "sh4",
	IMAGE_FILE_MACHINE_SH5:         "sh5",
	IMAGE_FILE_MACHINE_ARM:         "arm",
	IMAGE_FILE_MACHINE_THUMB:       "arm",
	IMAGE_FILE_MACHINE_ARMNT:       "arm",
	IMAGE_FILE_MACHINE_AM33:        "am33",
	IMAGE_FILE_MACHINE_POWERPC:     "powerpc",
	IMAGE_FILE_MACHINE_POWERPCFP:   "powerpc",
	IMAGE_FILE_MACHINE_IA64:        "ia64",
	IMAGE_FILE_MACHINE_EBC:         "ebc",
	IMAGE_FILE_MACHINE_RISCV32:     "riscv32",
	IMAGE_FILE_MACHINE_RISCV64:     "riscv64",
	IMAGE_FILE_MACHINE_RISCV128:    "riscv128",
	IMAGE_FILE_MACHINE_LOONGARCH32: "loongarch32",
	IMAGE_FILE_MACHINE_LOONGARCH64: "loongarch64",
	IMAGE_FILE_MACHINE_AMD64:       "x64",
	IMAGE_FILE_MACHINE_M32R:        "m32r",
	IMAGE_FILE_MACHINE_ARM64:       "arm64",
	IMAGE_FILE_MACHINE_ARM64EC:     "arm64ec",
	IMAGE_FILE_MACHINE_ARM64X:      "arm64x",
	IMAGE_FILE_MACHINE_CEE:         "cee",
}

// String returns the report vocabulary name ("x86", "x64", "arm64", …), or
// "0x…" for a value no toolchain uses.
func (m Machine) String() string {
	if s, ok := machineNames[m]; ok {
		return s
	}
	return fmt.Sprintf("0x%x", uint16(m))
}

// MarshalText implements encoding.TextMarshaler with [Machine.String].
func (m Machine) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// Subsystem is the IMAGE_OPTIONAL_HEADER.Subsystem value. Its text form is
// report.md's vocabulary ("Windows GUI", "Windows Console", …).
type Subsystem uint16

// Subsystem values (IMAGE_SUBSYSTEM_*), as named in winnt.h.
const (
	IMAGE_SUBSYSTEM_UNKNOWN                  Subsystem = 0
	IMAGE_SUBSYSTEM_NATIVE                   Subsystem = 1
	IMAGE_SUBSYSTEM_WINDOWS_GUI              Subsystem = 2
	IMAGE_SUBSYSTEM_WINDOWS_CUI              Subsystem = 3
	IMAGE_SUBSYSTEM_OS2_CUI                  Subsystem = 5
	IMAGE_SUBSYSTEM_POSIX_CUI                Subsystem = 7
	IMAGE_SUBSYSTEM_NATIVE_WINDOWS           Subsystem = 8
	IMAGE_SUBSYSTEM_WINDOWS_CE_GUI           Subsystem = 9
	IMAGE_SUBSYSTEM_EFI_APPLICATION          Subsystem = 10
	IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER  Subsystem = 11
	IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER       Subsystem = 12
	IMAGE_SUBSYSTEM_EFI_ROM                  Subsystem = 13
	IMAGE_SUBSYSTEM_XBOX                     Subsystem = 14
	IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION Subsystem = 16
)

var subsystemNames = map[Subsystem]string{
	IMAGE_SUBSYSTEM_UNKNOWN:                  "Unknown",
	IMAGE_SUBSYSTEM_NATIVE:                   "Native",
	IMAGE_SUBSYSTEM_WINDOWS_GUI:              "Windows GUI",
	IMAGE_SUBSYSTEM_WINDOWS_CUI:              "Windows Console",
	IMAGE_SUBSYSTEM_OS2_CUI:                  "OS/2 Console",
	IMAGE_SUBSYSTEM_POSIX_CUI:                "POSIX Console",
	IMAGE_SUBSYSTEM_NATIVE_WINDOWS:           "Native Win9x Driver",
	IMAGE_SUBSYSTEM_WINDOWS_CE_GUI:           "Windows CE GUI",
	IMAGE_SUBSYSTEM_EFI_APPLICATION:          "EFI Application",
	IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER:  "EFI Boot Service Driver",
	IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER:       "EFI Runtime Driver",
	IMAGE_SUBSYSTEM_EFI_ROM:                  "EFI ROM",
	IMAGE_SUBSYSTEM_XBOX:                     "Xbox",
	IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION: "Windows Boot Application",
}

// String returns the report vocabulary name, or "Unknown (n)" for a value
// outside it.
func (s Subsystem) String() string {
	if n, ok := subsystemNames[s]; ok {
		return n
	}
	return fmt.Sprintf("Unknown (%d)", uint16(s))
}

// MarshalText implements encoding.TextMarshaler with [Subsystem.String].
func (s Subsystem) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// IsEFI reports whether the subsystem is one of the four EFI ones.
func (s Subsystem) IsEFI() bool {
	return s >= IMAGE_SUBSYSTEM_EFI_APPLICATION && s <= IMAGE_SUBSYSTEM_EFI_ROM
}

// Kind is what a file is, as the report's file.kind says it.
type Kind string

// Kinds of file.
const (
	KindEXE    Kind = "exe"
	KindDLL    Kind = "dll"
	KindDriver Kind = "driver"
	KindEFI    Kind = "efi"
	KindMUI    Kind = "mui"
	KindNotPE  Kind = "not-pe"
	// KindUnreadable is a file whose bytes could not be read: a missing
	// path, one that is not a regular file, a read error, or a deadline
	// that ended before its bytes were read or parsed. Unlike not-pe it
	// says nothing about what the file is.
	KindUnreadable Kind = "unreadable"
)

// Section characteristics used by this package (IMAGE_SCN_*).
const (
	IMAGE_SCN_CNT_CODE               uint32 = 0x00000020
	IMAGE_SCN_CNT_INITIALIZED_DATA   uint32 = 0x00000040
	IMAGE_SCN_CNT_UNINITIALIZED_DATA uint32 = 0x00000080
	IMAGE_SCN_MEM_DISCARDABLE        uint32 = 0x02000000
	IMAGE_SCN_MEM_SHARED             uint32 = 0x10000000
	IMAGE_SCN_MEM_EXECUTE            uint32 = 0x20000000
	IMAGE_SCN_MEM_READ               uint32 = 0x40000000
	IMAGE_SCN_MEM_WRITE              uint32 = 0x80000000
)

// File header characteristics used by this package (IMAGE_FILE_*).
const (
	IMAGE_FILE_EXECUTABLE_IMAGE uint16 = 0x0002
	IMAGE_FILE_SYSTEM           uint16 = 0x1000
	IMAGE_FILE_DLL              uint16 = 0x2000
)

// Data directory indexes (IMAGE_DIRECTORY_ENTRY_*).
const (
	IMAGE_DIRECTORY_ENTRY_EXPORT         = 0
	IMAGE_DIRECTORY_ENTRY_IMPORT         = 1
	IMAGE_DIRECTORY_ENTRY_RESOURCE       = 2
	IMAGE_DIRECTORY_ENTRY_EXCEPTION      = 3
	IMAGE_DIRECTORY_ENTRY_SECURITY       = 4
	IMAGE_DIRECTORY_ENTRY_BASERELOC      = 5
	IMAGE_DIRECTORY_ENTRY_DEBUG          = 6
	IMAGE_DIRECTORY_ENTRY_ARCHITECTURE   = 7
	IMAGE_DIRECTORY_ENTRY_GLOBALPTR      = 8
	IMAGE_DIRECTORY_ENTRY_TLS            = 9
	IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG    = 10
	IMAGE_DIRECTORY_ENTRY_BOUND_IMPORT   = 11
	IMAGE_DIRECTORY_ENTRY_IAT            = 12
	IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT   = 13
	IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR = 14
)

// COMIMAGE_FLAGS_ILONLY is the IMAGE_COR20_HEADER flag of an assembly
// with IL code only (clear in mixed-mode C++/CLI).
const COMIMAGE_FLAGS_ILONLY = 0x1
