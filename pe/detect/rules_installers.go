package detect

// Installer and self-extractor rules.
//
// Sources: formats.md §5 (NSIS firstheader, Inno Setup loader table,
// InstallShield, WiX Burn, MSI); kichik/nsis Source/exehead/fileform.h
// (firstheader); dscharrer/innoextract src/loader/offsets.cpp (the Inno
// Setup offset table and its CRC); CPython Lib/distutils/command/
// bdist_wininst.py (the wininst tag block); the 7z and RAR signatures
// (7-Zip DOC/7zFormat.txt, RARLAB technote); [MS-CFB] (compound file
// header, root storage CLSID) and the Windows Installer package CLSID;
// Detect It Easy installer_* rules and avast/retdec
// support/yara_patterns/tools/pe/x86/installers.yara (Setup Factory
// overlay signature, Advanced Installer strings) for which facts the field
// uses. The installer's payload is compressed by design: rules_suppress.go
// keeps the generic packer heuristics off installers.

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
)

var installerRules = []Rule{
	{
		ID: "installer/nsis", Kind: RuleInstaller, Name: "NSIS",
		Needs:    Needs{Any: []Need{needOverlay, needSection(".ndata")}},
		Match:    matchNSIS,
		Examples: []string{"nsis-installer.exe"},
		Source:   "formats.md §5 NSIS; nsis Source/exehead/fileform.h; DIE installer_Nullsoft",
	},
	{
		ID: "installer/inno", Kind: RuleInstaller, Name: "Inno Setup",
		Needs:    Needs{Any: []Need{needHeader("Inno"), needResource("#10")}},
		Match:    matchInno,
		Examples: []string{"synthetic:inno"},
		Source:   "formats.md §5 Inno Setup; innoextract src/loader/offsets.cpp",
	},
	{
		ID: "installer/installshield", Kind: RuleInstaller, Name: "InstallShield",
		Needs:    Needs{Any: []Need{needOverlay, needSection("_cabinet")}},
		Match:    matchInstallShield,
		Examples: []string{"synthetic:installshield"},
		Source:   "formats.md §5 InstallShield; DIE installer_InstallShield.1",
	},
	{
		ID: "installer/wix-burn", Kind: RuleInstaller, Name: "WiX Burn",
		Needs:    Needs{All: []Need{needSection(".wixburn")}},
		Match:    matchWixBurn,
		Examples: []string{"synthetic:wix-burn"},
		Source:   "formats.md §5 WiX / MSI (.wixburn section); WiX burn engine section.cpp (magic 0x00f14300)",
	},
	{
		ID: "installer/squirrel", Kind: RuleInstaller, Name: "Squirrel",
		Needs:    Needs{Any: []Need{needResource("DATA"), needResource("#10")}},
		Match:    matchSquirrel,
		Examples: []string{"synthetic:squirrel"},
		Source:   "Squirrel.Windows Setup.exe: the release package as a ZIP resource holding Update.exe and a .nupkg",
	},
	{
		ID: "installer/bdist-wininst", Kind: RuleInstaller, Name: "Python bdist_wininst",
		Needs:    Needs{All: []Need{needOverlay}},
		Match:    matchWininst,
		Examples: []string{"synthetic:bdist-wininst"},
		Source:   "CPython distutils bdist_wininst.py (tag 0x1234567A/B, config length, bitmap length, then the ZIP)",
	},
	{
		ID: "installer/7zip-sfx", Kind: RuleInstaller, Name: "7-Zip SFX",
		Needs:    Needs{All: []Need{needOverlay}},
		Match:    match7zSFX,
		Examples: []string{"synthetic:7zip-sfx"},
		Source:   "7-Zip 7zFormat.txt (signature 37 7A BC AF 27 1C); SFX config \";!@Install@!UTF-8!\"",
	},
	{
		ID: "installer/winrar-sfx", Kind: RuleInstaller, Name: "WinRAR SFX",
		Needs:    Needs{All: []Need{needOverlay}},
		Match:    matchRarSFX,
		Examples: []string{"synthetic:winrar-sfx"},
		Source:   "RAR 4/5 archive signatures (RARLAB technote) at the overlay start",
	},
	{
		ID: "installer/advanced-installer", Kind: RuleInstaller, Name: "Advanced Installer",
		Needs:    Needs{All: []Need{needRich}}, // its bootstrapper is built with Visual C++
		Match:    matchAdvancedInstaller,
		Examples: []string{"synthetic:advanced-installer"},
		Source:   "retdec installers.yara advanced_installer (ADVINSTSFX, Caphyon\\Advanced Installer)",
	},
	{
		ID: "installer/setup-factory", Kind: RuleInstaller, Name: "Setup Factory",
		Needs:    Needs{All: []Need{needOverlay}},
		Match:    matchSetupFactory,
		Examples: []string{"synthetic:setup-factory"},
		Source:   "retdec installers.yara setup_factory_install_package (overlay E0 E1 E2 E3 E4 E5 E6 E7)",
	},
	{
		ID: "installer/msi-wrapper", Kind: RuleInstaller, Name: "MSI wrapper",
		Match:    matchMSIWrapper,
		Examples: []string{"synthetic:msi-wrapper"},
		Source:   "formats.md §5 WiX / MSI (embedded MSI: compound file D0 CF 11 E0 A1 B1 1A E1); [MS-CFB] root CLSID",
	},
}

// ---- NSIS ----

// nsisFirstHeader is fileform.h's firstheader: flags, siginfo 0xDEADBEEF,
// "NullsoftInst", length_of_header, length_of_all_following_data.
const nsisFirstHeaderLen = 28

// nsisHeaderAt decodes a firstheader at b.
func nsisHeaderAt(b []byte) (flags, hdrLen, dataLen uint32, ok bool) {
	if len(b) < nsisFirstHeaderLen {
		return 0, 0, 0, false
	}
	le := binary.LittleEndian
	magic := string(b[8:20])
	if le.Uint32(b[4:]) != 0xDEADBEEF || (magic != "NullsoftInst" && magic != "NullSoftInst") {
		return 0, 0, 0, false
	}
	flags = le.Uint32(b)
	if flags > 0xF {
		return 0, 0, 0, false
	}
	return flags, le.Uint32(b[20:]), le.Uint32(b[24:]), true
}

func matchNSIS(x *Facts) (Finding, bool) {
	var fd Finding
	// NSIS looks for its firstheader at 512-byte steps after its stub; it
	// is at the overlay start unless something was inserted.
	if x.OverlayOffset >= 0 {
		for step := int64(0); step < 64<<10; step += 512 {
			off := x.OverlayOffset + step
			b := x.At(off, nsisFirstHeaderLen+8)
			if len(b) < nsisFirstHeaderLen {
				break
			}
			flags, hdrLen, dataLen, ok := nsisHeaderAt(b)
			if !ok {
				continue
			}
			fd.Confidence = ConfidenceSure
			fd.Evidence = append(fd.Evidence, ev("overlay", off,
				"NSIS firstheader (flags %d, header 0x%x bytes, data 0x%x bytes)", flags, hdrLen, dataLen))
			if c := nsisCompression(b[nsisFirstHeaderLen:]); c != "" {
				fd.Evidence = append(fd.Evidence, ev("overlay", off+nsisFirstHeaderLen, "%s compression", c))
			}
			break
		}
	}
	m := x.Manifest()
	if i := strings.Index(m, "Nullsoft Install System v"); i >= 0 {
		rest := m[i+len("Nullsoft Install System v"):]
		fd.Version = leadingVersion(rest)
		text := "Nullsoft Install System v" + rest[:min(len(rest), strings.IndexAny(rest+"<\"\r\n", "<\"\r\n"))]
		fd.Evidence = append(fd.Evidence, ev("manifest", -1, "%q", text))
	}
	if fd.Confidence == 0 {
		// No firstheader (overlay cut off or moved): the stub's marks.
		s, ok := x.Section(".ndata")
		if !ok || fd.Version == "" {
			return Finding{}, false
		}
		fd.Confidence = ConfidenceMedium
		fd.Evidence = append(fd.Evidence, ev("section", s.RawOffset, ".ndata"))
	}
	return fd, true
}

// nsisCompression names the compressor from the bytes after the
// firstheader (solid) or after a 4-byte length (non-solid).
func nsisCompression(b []byte) string {
	for _, skip := range []int{0, 4} {
		if len(b) < skip+3 {
			break
		}
		switch {
		case b[skip] == 0x5D && b[skip+1] == 0 && b[skip+2] == 0:
			return "LZMA"
		case b[skip] == '1' && skip == 0:
			return "bzip2"
		}
	}
	return ""
}

// ---- Inno Setup ----

// innoIDs are the 12-byte setup loader table IDs and the earliest version
// each appeared in (innoextract offsets.cpp).
var innoIDs = []struct {
	id      string
	version string
}{
	{"rDlPtS02\x87eVx", "1.2.10"},
	{"rDlPtS04\x87eVx", "4.0.0"},
	{"rDlPtS05\x87eVx", "4.0.3"},
	{"rDlPtS06\x87eVx", "4.0.10"},
	{"rDlPtS07\x87eVx", "4.1.6"},
	{"rDlPtS\xcd\xe6\xd7{\x0b*", "5.1.5"},
}

// innoTable decodes the setup loader table at off: its earliest version,
// where setup-0 (the header) starts, and whether its CRC32 checks.
func innoTable(x *Facts, off int64) (version string, headerOff int64, crcOK, ok bool) {
	b := x.At(off, 64)
	if len(b) < 12 {
		return "", 0, false, false
	}
	idx := -1
	for i, id := range innoIDs {
		if string(b[:12]) == id.id {
			idx = i
		}
	}
	if idx < 0 {
		return "", 0, false, false
	}
	version = innoIDs[idx].version
	le := binary.LittleEndian
	p := 12
	u32 := func() (uint32, bool) {
		if p+4 > len(b) {
			return 0, false
		}
		v := le.Uint32(b[p:])
		p += 4
		return v, true
	}
	if idx == 5 { // 5.1.5+: revision 1
		if rev, ok := u32(); !ok || rev != 1 {
			return "", 0, false, false
		}
	}
	u32() // total size
	u32() // exe offset
	if idx < 4 {
		u32() // exe compressed size (before 4.1.6)
	}
	u32() // exe uncompressed size
	u32() // exe CRC32 or Adler-32
	if idx == 0 {
		u32() // messages offset (before 4.0)
	}
	h, ok1 := u32()
	_, ok2 := u32() // data offset
	if !ok1 || !ok2 {
		return "", 0, false, false
	}
	if idx >= 3 { // 4.0.10+: CRC32 of the table
		want, ok := u32()
		if !ok {
			return "", 0, false, false
		}
		crcOK = crc32.ChecksumIEEE(b[:p-4]) == want
	}
	return version, int64(h), crcOK, true
}

func matchInno(x *Facts) (Finding, bool) {
	var tableOff int64 = -1
	var where Evidence
	// Before 5.1.5: "Inno" at 0x30, then the table offset and its complement.
	if h := x.Headers; len(h) >= 0x3c && string(h[0x30:0x34]) == "Inno" {
		t, nt := binary.LittleEndian.Uint32(h[0x34:]), binary.LittleEndian.Uint32(h[0x38:])
		if t == ^nt {
			tableOff = int64(t)
			where = ev("header", 0x30, "\"Inno\" loader mark, table at 0x%x", t)
		}
	}
	if tableOff < 0 {
		for _, r := range x.Resources("#10") {
			if r.Name.Name == "" && r.Name.ID == 11111 {
				_, off := x.ResourceBytes(r, 0)
				tableOff = off
				where = ev("resource", off, "RT_RCDATA 11111 (setup loader table)")
				break
			}
		}
	}
	if tableOff < 0 {
		return Finding{}, false
	}
	earliest, headerOff, crcOK, ok := innoTable(x, tableOff)
	if !ok {
		return Finding{}, false
	}
	fd := Finding{Version: earliest + " or later", Confidence: ConfidenceHigh, Evidence: []Evidence{where}}
	if crcOK {
		fd.Confidence = ConfidenceSure
		fd.Evidence = append(fd.Evidence, ev("header", tableOff, "setup loader table, CRC32 ok"))
	} else {
		fd.Evidence = append(fd.Evidence, ev("header", tableOff, "setup loader table"))
	}
	const setupData = "Inno Setup Setup Data ("
	if b := x.At(headerOff, 64); bytes.HasPrefix(b, []byte(setupData)) {
		text := x.CString(headerOff, 64)
		fd.Version = leadingVersion(text[len(setupData):])
		if strings.Contains(text, "(u)") || strings.Contains(text, "(U)") {
			fd.Version += " (Unicode)"
		}
		fd.Evidence = append(fd.Evidence, ev("overlay", headerOff, "%q", text))
	}
	return fd, true
}

// ---- InstallShield ----

func matchInstallShield(x *Facts) (Finding, bool) {
	var out []Evidence
	head := x.OverlayHead[:min(len(x.OverlayHead), 1024)]
	for _, m := range []string{"InstallShield", "ISSetupStream"} {
		if i := index(head, []byte(m)); i >= 0 {
			out = append(out, ev("overlay", x.OverlayOffset+int64(i), "%q", m))
		}
	}
	if bytes.HasPrefix(head, []byte("ISc(")) {
		out = append(out, ev("overlay", x.OverlayOffset, "\"ISc(\" (setup cabinet)"))
	}
	if s, ok := x.Section("_cabinet"); ok {
		out = append(out, ev("section", s.RawOffset, "_cabinet"))
	}
	if len(out) == 0 {
		return Finding{}, false
	}
	conf := Confidence(75)
	if len(out) >= 2 {
		conf = ConfidenceHigh
	}
	return Finding{Confidence: conf, Evidence: out}, true
}

// ---- WiX Burn ----

func matchWixBurn(x *Facts) (Finding, bool) {
	s, _ := x.Section(".wixburn")
	fd := Finding{Confidence: 80, Evidence: []Evidence{ev("section", s.RawOffset, ".wixburn")}}
	if len(s.Data) >= 8 && binary.LittleEndian.Uint32(s.Data) == 0x00F14300 {
		fd.Confidence = ConfidenceSure
		fd.Evidence = append(fd.Evidence, ev("section", s.RawOffset, "Burn section magic 0x00f14300, format %d", binary.LittleEndian.Uint32(s.Data[4:])))
	}
	return fd, true
}

// ---- Squirrel ----

// zipEntryName returns the name of the ZIP local file header at b.
func zipEntryName(b []byte) (string, bool) {
	if len(b) < 30 || string(b[:4]) != "PK\x03\x04" {
		return "", false
	}
	n := int(binary.LittleEndian.Uint16(b[26:]))
	if 30+n > len(b) {
		return "", false
	}
	return string(b[30 : 30+n]), true
}

func matchSquirrel(x *Facts) (Finding, bool) {
	for _, typ := range []string{"DATA", "#10"} {
		for _, r := range x.Resources(typ) {
			b, off := x.ResourceBytes(r, 4096)
			name, ok := zipEntryName(b)
			if !ok {
				continue
			}
			if strings.EqualFold(name, "Update.exe") || strings.HasSuffix(strings.ToLower(name), ".nupkg") || name == "RELEASES" {
				return Finding{Confidence: 80, Evidence: []Evidence{
					ev("resource", off, "%s %s: ZIP whose first entry is %q", typ, r.Name, name),
				}}, true
			}
		}
	}
	return Finding{}, false
}

// ---- Python bdist_wininst ----

func matchWininst(x *Facts) (Finding, bool) {
	ov := x.At(x.OverlayOffset, 1<<20)
	for from := 0; from+12 <= len(ov); {
		i := index(ov[from:], []byte{0x56, 0x34, 0x12})
		if i < 0 {
			break
		}
		at := from + i - 1 // the tag's low byte precedes 56 34 12
		from += i + 1
		if at < 0 || at+12 > len(ov) || (ov[at] != 0x7A && ov[at] != 0x7B) {
			continue
		}
		cfgLen := int(binary.LittleEndian.Uint32(ov[at+4:]))
		bmpLen := int(binary.LittleEndian.Uint32(ov[at+8:]))
		// The overlay is [bitmap][config][tag block][ZIP].
		if cfgLen < 0 || bmpLen < 0 || cfgLen+bmpLen != at || at+16 > len(ov) || string(ov[at+12:at+16]) != "PK\x03\x04" {
			continue
		}
		cfg := ov[bmpLen:at]
		if !bytes.HasPrefix(cfg, []byte("[metadata]")) && !bytes.HasPrefix(cfg, []byte("[Setup]")) {
			continue
		}
		fd := Finding{Confidence: ConfidenceSure, Evidence: []Evidence{
			ev("overlay", x.OverlayOffset+int64(at), "wininst tag 0x%08x, config %d bytes, bitmap %d bytes, then a ZIP", binary.LittleEndian.Uint32(ov[at:]), cfgLen, bmpLen),
		}}
		if i := index(cfg, []byte("target_version=")); i >= 0 {
			v := cfg[i+len("target_version="):]
			if j := bytes.IndexAny(v, "\r\n\x00"); j >= 0 {
				v = v[:j]
			}
			if len(v) > 0 {
				fd.Evidence = append(fd.Evidence, ev("overlay", x.OverlayOffset+int64(bmpLen+i), "target_version=%s", v))
			}
		}
		return fd, true
	}
	return Finding{}, false
}

// ---- 7-Zip and WinRAR self-extractors ----

var sevenZipSig = []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}

func match7zSFX(x *Facts) (Finding, bool) {
	head := x.OverlayHead
	if bytes.HasPrefix(head, sevenZipSig) {
		return Finding{Confidence: 90, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "7z archive signature")}}, true
	}
	const cfg, cfgEnd = ";!@Install@!UTF-8!", ";!@InstallEnd@!"
	if bytes.HasPrefix(head, []byte(cfg)) {
		fd := Finding{Confidence: 80, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "SFX configuration %q", cfg)}}
		if i := index(head, []byte(cfgEnd)); i >= 0 {
			if j := index(head[i:], sevenZipSig); j >= 0 && j < len(cfgEnd)+8 {
				fd.Confidence = ConfidenceSure
				fd.Evidence = append(fd.Evidence, ev("overlay", x.OverlayOffset+int64(i+j), "7z archive signature"))
			}
		}
		return fd, true
	}
	return Finding{}, false
}

func matchRarSFX(x *Facts) (Finding, bool) {
	head := x.OverlayHead
	switch {
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07\x01\x00")):
		return Finding{Confidence: 90, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "RAR 5 archive signature")}}, true
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07\x00")):
		return Finding{Confidence: 90, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "RAR 4 archive signature")}}, true
	}
	return Finding{}, false
}

// ---- Advanced Installer ----

func matchAdvancedInstaller(x *Facts) (Finding, bool) {
	var out []Evidence
	for _, m := range []string{"ADVINSTSFX", "Caphyon\\Advanced Installer"} {
		for _, s := range []string{m, utf16z(m)} {
			if off := x.FindString(RegionData, s); off >= 0 {
				out = append(out, ev("string", off, "%q", m))
				break
			}
		}
	}
	if len(out) == 0 {
		return Finding{}, false
	}
	conf := Confidence(70)
	if len(out) == 2 {
		conf = ConfidenceHigh
	}
	return Finding{Confidence: conf, Evidence: out}, true
}

// ---- Setup Factory ----

func matchSetupFactory(x *Facts) (Finding, bool) {
	head := x.OverlayHead
	for _, sig := range [][]byte{
		{0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7},
		{0xE0, 0xE0, 0xE1, 0xE1, 0xE2, 0xE2, 0xE3, 0xE3, 0xE4, 0xE4, 0xE5, 0xE5, 0xE6, 0xE6, 0xE7, 0xE7},
	} {
		if bytes.HasPrefix(head, sig) && len(head) > 16 {
			fd := Finding{Confidence: ConfidenceHigh, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "Setup Factory archive signature E0E1E2E3…")}}
			if c := x.Version("CompanyName"); strings.Contains(c, "Indigo Rose") {
				fd.Evidence = append(fd.Evidence, ev("version-info", -1, "CompanyName %q", c))
			}
			return fd, true
		}
	}
	return Finding{}, false
}

// ---- MSI wrappers ----

var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// msiCLSID is the Windows Installer package's root storage CLSID,
// {000C1084-0000-0000-C000-000000000046}, as stored.
var msiCLSID = []byte{0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}

// isMSI reports whether b (a compound file starting at file offset off)
// has the Windows Installer root CLSID.
func isMSI(x *Facts, off int64) bool {
	h := x.At(off, 512)
	if len(h) < 512 || !bytes.Equal(h[:8], cfbMagic) {
		return false
	}
	shift := binary.LittleEndian.Uint16(h[0x1E:])
	if shift != 9 && shift != 12 {
		return false
	}
	dirSector := int64(binary.LittleEndian.Uint32(h[0x30:]))
	root := off + (dirSector+1)<<shift
	e := x.At(root, 128)
	return len(e) == 128 && e[0x42] == 5 && bytes.Equal(e[0x50:0x60], msiCLSID) // type 5 = root storage
}

func matchMSIWrapper(x *Facts) (Finding, bool) {
	if x.OverlayOffset >= 0 && isMSI(x, x.OverlayOffset) {
		return Finding{Confidence: ConfidenceHigh, Evidence: []Evidence{ev("overlay", x.OverlayOffset, "Windows Installer package (compound file, MSI root CLSID)")}}, true
	}
	for _, r := range x.File.Resources {
		if r.Size < 512 {
			continue
		}
		_, off := x.ResourceBytes(r, 0)
		if off >= 0 && isMSI(x, off) {
			return Finding{Confidence: ConfidenceHigh, Evidence: []Evidence{ev("resource", off, "%s %s: Windows Installer package (compound file, MSI root CLSID)", r.Type, r.Name)}}, true
		}
	}
	return Finding{}, false
}
