; installer.nsi: nsis-installer.exe, the smallest useful NSIS installer:
; it installs payload.txt into %TEMP%\filerep-sample. makensis 3.08, Unicode
; x86 stub, solid LZMA, so the NSIS firstheader at the start of the overlay is
; followed by the LZMA properties 5D 00 00.
Unicode true
SetCompressor /SOLID lzma
SetDateSave off
SetDatablockOptimize on
CRCCheck on
XPStyle off
ManifestSupportedOS none
RequestExecutionLevel user
SilentInstall silent

Name "filerep sample installer"
!ifndef OUTFILE
	!define OUTFILE "nsis-installer.exe"
!endif
OutFile "${OUTFILE}"
InstallDir "$TEMP\filerep-sample"

VIProductVersion 1.2.3.4
VIFileVersion 1.2.3.4
VIAddVersionKey /LANG=1033 ProductName "filerep sample installer"
VIAddVersionKey /LANG=1033 CompanyName "filerep test samples"
VIAddVersionKey /LANG=1033 FileDescription "filerep NSIS sample installer"
VIAddVersionKey /LANG=1033 FileVersion "1.2.3.4"
VIAddVersionKey /LANG=1033 ProductVersion "1.2"
VIAddVersionKey /LANG=1033 LegalCopyright "(c) 2026 filerep authors. TEST ONLY."

Section
	SetOutPath "$INSTDIR"
	File "payload.txt"
SectionEnd
