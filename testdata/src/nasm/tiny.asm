; tiny.asm: nasm-tiny.exe, a minimal but complete PE32 console program,
; every header byte written by hand (nasm -f bin). It imports only
; KERNEL32.dll!ExitProcess and calls ExitProcess(0). Windows loads it.
;
; Layout: headers 0x000-0x1FF, .text at file 0x200 / RVA 0x1000,
; .idata at file 0x400 / RVA 0x2000, SizeOfImage 0x3000.
	bits 32
%include "pe32.inc"

IMAGE_BASE equ 0x400000
TEXT_RVA   equ 0x1000
IDATA_RVA  equ 0x2000
%define IRVA(x) ((x) - idata + IDATA_RVA)

file_start:
	DOS_HEADER

pe_header:
	db 'PE', 0, 0
	; IMAGE_FILE_HEADER
	dw 0x014C               ; Machine: i386
	dw 2                    ; NumberOfSections
	dd 0                    ; TimeDateStamp (0: reproducible)
	dd 0                    ; PointerToSymbolTable
	dd 0                    ; NumberOfSymbols
	dw opt_end - opt        ; SizeOfOptionalHeader (0xE0)
	dw 0x0103               ; RELOCS_STRIPPED | EXECUTABLE_IMAGE | 32BIT_MACHINE
opt:	; IMAGE_OPTIONAL_HEADER32
	dw 0x010B               ; Magic: PE32
	db 0, 0                 ; linker version (no linker was used)
	dd 0x200                ; SizeOfCode
	dd 0x200                ; SizeOfInitializedData
	dd 0                    ; SizeOfUninitializedData
	dd TEXT_RVA             ; AddressOfEntryPoint
	dd TEXT_RVA             ; BaseOfCode
	dd IDATA_RVA            ; BaseOfData
	dd IMAGE_BASE           ; ImageBase
	dd 0x1000               ; SectionAlignment
	dd 0x200                ; FileAlignment
	dw 4, 0                 ; OperatingSystemVersion 4.0
	dw 0, 0                 ; ImageVersion
	dw 4, 0                 ; SubsystemVersion 4.0
	dd 0                    ; Win32VersionValue
	dd 0x3000               ; SizeOfImage
	dd 0x200                ; SizeOfHeaders
	dd 0                    ; CheckSum (not required for an exe)
	dw 3                    ; Subsystem: WINDOWS_CUI
	dw 0x8100               ; DllCharacteristics: NX_COMPAT | TERMINAL_SERVER_AWARE
	dd 0x100000, 0x1000     ; SizeOfStackReserve, SizeOfStackCommit
	dd 0x100000, 0x1000     ; SizeOfHeapReserve, SizeOfHeapCommit
	dd 0                    ; LoaderFlags
	dd 16                   ; NumberOfRvaAndSizes
	; data directories
	dd 0, 0                                 ; 0 export
	dd IRVA(import_desc), import_desc_end - import_desc ; 1 import
	times 10 dd 0, 0                        ; 2 resource .. 11 bound import
	dd IRVA(iat), iat_end - iat             ; 12 IAT
	times 3 dd 0, 0                         ; 13 delay import, 14 CLR, 15 reserved
opt_end:

	SECTION_HEADER '.text',  text_end - text,   TEXT_RVA,  0x200, 0x200, 0x60000020
	SECTION_HEADER '.idata', idata_end - idata, IDATA_RVA, 0x200, 0x400, 0xC0000040
	times 0x200 - ($ - $$) db 0

text:	; entry point
	push 0                  ; uExitCode
	call [IMAGE_BASE + IRVA(iat)]   ; ExitProcess
	int3
text_end:
	times 0x400 - ($ - $$) db 0

idata:
import_desc:			; IMAGE_IMPORT_DESCRIPTOR for KERNEL32.dll
	dd IRVA(ilt)            ; OriginalFirstThunk
	dd 0                    ; TimeDateStamp
	dd 0                    ; ForwarderChain
	dd IRVA(dll_name)       ; Name
	dd IRVA(iat)            ; FirstThunk
	times 5 dd 0            ; terminator
import_desc_end:
ilt:	dd IRVA(hint_exit), 0
iat:	dd IRVA(hint_exit), 0
iat_end:
hint_exit:
	dw 0x0167               ; Hint (any value works)
	db 'ExitProcess', 0
dll_name:
	db 'KERNEL32.dll', 0
idata_end:
	times 0x600 - ($ - $$) db 0
