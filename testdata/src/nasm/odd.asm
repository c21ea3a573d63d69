; odd.asm: nasm-odd.exe, a loadable PE32 console program shaped like a packed
; file, for the anomaly and generic-packer heuristics. It only calls
; ExitProcess(0). What is odd, on purpose:
;   - section 1 "zero": SizeOfRawData 0, VirtualSize 0x20000, flags
;     UNINITIALIZED_DATA|EXECUTE|READ|WRITE (0xE0000080), like UPX0;
;   - section 3 is named "$entry!!" (8 bytes, no NUL terminator), is
;     writable and executable (0xE0000020), holds the entry point and 4 KiB of
;     pseudo-random bytes (entropy close to 8 bits per byte);
;   - the entry point is in the last section, not the first code section;
;   - the import table holds only KERNEL32.dll LoadLibraryA, GetProcAddress,
;     VirtualProtect and ExitProcess;
;   - TimeDateStamp 0x2A425E19 (1992-06-19 22:22:17 UTC, before 2000);
;   - CheckSum 0x00012345, which is wrong (the real checksum differs);
;   - 512 bytes of overlay after the last section.
	bits 32
%include "pe32.inc"

IMAGE_BASE equ 0x400000
ZERO_RVA   equ 0x1000
IDATA_RVA  equ 0x21000
ENTRY_RVA  equ 0x22000
%define IRVA(x) ((x) - idata + IDATA_RVA)
%define ERVA(x) ((x) - entry + ENTRY_RVA)

	DOS_HEADER

	db 'PE', 0, 0
	dw 0x014C               ; Machine: i386
	dw 3                    ; NumberOfSections
	dd 0x2A425E19           ; TimeDateStamp: 1992-06-19 22:22:17 UTC
	dd 0, 0                 ; no COFF symbols
	dw opt_end - opt        ; SizeOfOptionalHeader
	dw 0x0103               ; RELOCS_STRIPPED | EXECUTABLE_IMAGE | 32BIT_MACHINE
opt:
	dw 0x010B               ; PE32
	db 0, 0                 ; linker version
	dd 0x1200               ; SizeOfCode
	dd 0x200                ; SizeOfInitializedData
	dd 0x20000              ; SizeOfUninitializedData
	dd ENTRY_RVA            ; AddressOfEntryPoint (in the last section)
	dd ZERO_RVA             ; BaseOfCode
	dd IDATA_RVA            ; BaseOfData
	dd IMAGE_BASE
	dd 0x1000, 0x200        ; SectionAlignment, FileAlignment
	dw 4, 0, 0, 0, 4, 0     ; OS, image and subsystem versions
	dd 0                    ; Win32VersionValue
	dd 0x24000              ; SizeOfImage
	dd 0x200                ; SizeOfHeaders
	dd 0x00012345           ; CheckSum: deliberately wrong
	dw 3                    ; Subsystem: WINDOWS_CUI
	dw 0x8000               ; DllCharacteristics: TERMINAL_SERVER_AWARE only
	dd 0x100000, 0x1000, 0x100000, 0x1000
	dd 0                    ; LoaderFlags
	dd 16                   ; NumberOfRvaAndSizes
	dd 0, 0
	dd IRVA(import_desc), import_desc_end - import_desc
	times 10 dd 0, 0
	dd IRVA(iat), iat_end - iat
	times 3 dd 0, 0
opt_end:

	SECTION_HEADER 'zero',     0x20000,           ZERO_RVA,  0,      0,     0xE0000080
	SECTION_HEADER '.idata',   idata_end - idata, IDATA_RVA, 0x200,  0x200, 0xC0000040
	SECTION_HEADER '$entry!!', entry_end - entry, ENTRY_RVA, 0x1200, 0x400, 0xE0000020
	times 0x200 - ($ - $$) db 0

idata:
import_desc:
	dd IRVA(ilt), 0, 0, IRVA(dll_name), IRVA(iat)
	times 5 dd 0
import_desc_end:
ilt:	dd IRVA(h_loadlib), IRVA(h_getproc), IRVA(h_vprot), IRVA(h_exit), 0
iat:	dd IRVA(h_loadlib), IRVA(h_getproc), IRVA(h_vprot), IRVA(h_exit), 0
iat_end:
h_loadlib:	dw 0
		db 'LoadLibraryA', 0
		align 2, db 0
h_getproc:	dw 0
		db 'GetProcAddress', 0
		align 2, db 0
h_vprot:	dw 0
		db 'VirtualProtect', 0
		align 2, db 0
h_exit:		dw 0
		db 'ExitProcess', 0
		align 2, db 0
dll_name:	db 'KERNEL32.dll', 0
idata_end:
	times 0x400 - ($ - $$) db 0

entry:
	pushad
	popad
	push 0
	call [IMAGE_BASE + IRVA(iat) + 12]      ; ExitProcess
	int3
	align 16, db 0xCC
blob:	; 4096 pseudo-random bytes (a 31-bit LCG, high bits), fixed seed
%assign seed 20260101
%rep 4096
%assign seed (seed * 1103515245 + 12345) & 0x7FFFFFFF
	db (seed >> 16) & 0xFF
%endrep
entry_end:
	times 0x1600 - ($ - $$) db 0

overlay:
	db 'filerep overlay: 512 bytes after the last section, not mapped', 13, 10
	times 0x1800 - ($ - $$) db 0x5A
