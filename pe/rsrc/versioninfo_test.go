package rsrc

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func codes(an []Anomaly) []string {
	var out []string
	for _, a := range an {
		out = append(out, a.Code)
	}
	return out
}

func TestParseVersionInfoAlg(t *testing.T) {
	b := algVersionBlob()
	v, err := ParseVersionInfo(b)
	require.NoError(t, err)
	require.NotNil(t, v)
	assert.Empty(t, v.Anomalies)
	assert.Equal(t, "VS_VERSION_INFO", v.Key)

	require.NotNil(t, v.Fixed)
	f := v.Fixed
	assert.Equal(t, uint32(vsFixedFileInfoSignature), f.Signature)
	assert.Equal(t, uint32(0x00010000), f.StrucVersion)
	assert.Equal(t, "6.1.7600.16385", f.FileVersion)
	assert.Equal(t, "6.1.7600.16385", f.ProductVersion)
	assert.Equal(t, uint32(0x00060001), f.FileVersionMS)
	assert.Equal(t, uint32(7600<<16|16385), f.FileVersionLS)
	assert.Equal(t, uint32(0x3F), f.FlagsMask)
	assert.Equal(t, uint32(0), f.Flags)
	assert.Equal(t, "VOS_NT_WINDOWS32", f.OSName())
	assert.Equal(t, "app", f.TypeName())
	_, ok := f.Date()
	assert.False(t, ok)

	require.Len(t, v.Tables, 1)
	tb := v.Tables[0]
	assert.Equal(t, "040904b0", tb.LangCodepage)
	assert.Equal(t, "en-US", tb.Language)
	assert.Equal(t, uint16(0x0409), tb.LangID)
	assert.Equal(t, uint16(1200), tb.CodePage)
	want := Strings{
		{"CompanyName", "Microsoft Corporation"},
		{"FileDescription", "Application Layer Gateway Service"},
		{"FileVersion", "6.1.7600.16385 (win7_rtm.090713-1255)"},
		{"InternalName", "ALG.exe"},
		{"LegalCopyright", "© Microsoft Corporation. All rights reserved."},
		{"OriginalFilename", "ALG.exe.mui"},
		{"ProductName", "Microsoft® Windows® Operating System"},
		{"ProductVersion", "6.1.7600.16385"},
	}
	assert.Equal(t, want, tb.Strings)
	assert.Equal(t, []Translation{{LangID: 0x0409, CodePage: 1200, Language: "en-US"}}, v.Translations)
	assert.Equal(t, "040904b0", v.Translations[0].LangCodepage())

	s, ok := v.Get("OriginalFilename")
	assert.True(t, ok)
	assert.Equal(t, "ALG.exe.mui", s)
	s, ok = v.Get("originalfilename") // case-insensitive fallback
	assert.True(t, ok)
	assert.Equal(t, "ALG.exe.mui", s)
	_, ok = v.Get("Comments")
	assert.False(t, ok)
	assert.Same(t, &v.Tables[0], v.Table("040904B0"))
	assert.Nil(t, v.Table("040c04b0"))
}

func TestParseVersionInfoUnicodeAndOrder(t *testing.T) {
	root := vsRoot(
		fixedInfo(ver(10, 0), ver(19041, 1), ver(10, 0), ver(19041, 1), 0x3F, VS_FF_PRERELEASE|VS_FF_PRIVATEBUILD, VOS_NT_WINDOWS32, VFT_DLL, 0),
		// VarFileInfo first: order of root children is free.
		vsVarFileInfo(vsTranslation(0x0419, 1200, 0x0411, 1200, 0x0804, 1200, 0x0000, 1200)),
		vsStringFileInfo(
			vsTable("041904b0",
				vsString("CompanyName", "ООО «Пример»"),
				vsString("FileDescription", "Служба шлюза"),
			),
			vsTable("041104B0",
				vsString("ProductName", "日本語の製品"),
				vsString("Mixed", "A一B"),
			),
		),
		vsStringFileInfo( // a second StringFileInfo block
			vsTable("080404b0",
				vsString("Emoji", "smile 😀!"),
				vsString("Empty", ""),
			),
			vsTable("000004b0", vsString("Neutral", "x")),
		),
	)
	v, err := ParseVersionInfo(root.encode(0))
	require.NoError(t, err)
	assert.Empty(t, v.Anomalies)
	assert.Equal(t, []string{"prerelease", "private-build"}, v.Fixed.FlagNames())
	assert.Equal(t, "dll", v.Fixed.TypeName())

	require.Len(t, v.Tables, 4)
	assert.Equal(t, []string{"041904b0", "041104b0", "080404b0", "000004b0"},
		[]string{v.Tables[0].LangCodepage, v.Tables[1].LangCodepage, v.Tables[2].LangCodepage, v.Tables[3].LangCodepage})
	assert.Equal(t, []string{"ru-RU", "ja-JP", "zh-CN", ""},
		[]string{v.Tables[0].Language, v.Tables[1].Language, v.Tables[2].Language, v.Tables[3].Language})
	assert.Equal(t, Strings{{"CompanyName", "ООО «Пример»"}, {"FileDescription", "Служба шлюза"}}, v.Tables[0].Strings)
	assert.Equal(t, Strings{{"ProductName", "日本語の製品"}, {"Mixed", "A一B"}}, v.Tables[1].Strings)
	assert.Equal(t, Strings{{"Emoji", "smile 😀!"}, {"Empty", ""}}, v.Tables[2].Strings)
	assert.Equal(t, []Translation{
		{0x0419, 1200, "ru-RU"}, {0x0411, 1200, "ja-JP"}, {0x0804, 1200, "zh-CN"}, {0, 1200, ""},
	}, v.Translations)
	// Get reads the table report.md's primary strings come from: no en-US
	// table here, so the neutral one (000004b0), not the first.
	assert.Equal(t, 3, v.PickTable(""))
	s, _ := v.Get("Neutral")
	assert.Equal(t, "x", s)
	_, ok := v.Get("CompanyName")
	assert.False(t, ok)
	assert.Equal(t, 0, v.PickTable("ru-RU"))
	s, _ = v.Table("041904b0").Get("CompanyName")
	assert.Equal(t, "ООО «Пример»", s)
	got, ok := v.Table("041104b0").Get("Mixed")
	assert.True(t, ok)
	assert.Equal(t, "A一B", got)
}

func TestVersionInfoJSON(t *testing.T) {
	v, err := ParseVersionInfo(algVersionBlob())
	require.NoError(t, err)
	j, err := json.Marshal(v.Tables[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"lang_codepage":"040904b0","language":"en-US","lang_id":1033,"codepage":1200,
		"resource_lang_id":0,"resource_language":"",
		"strings":{"CompanyName":"Microsoft Corporation","FileDescription":"Application Layer Gateway Service",
		"FileVersion":"6.1.7600.16385 (win7_rtm.090713-1255)","InternalName":"ALG.exe",
		"LegalCopyright":"© Microsoft Corporation. All rights reserved.","OriginalFilename":"ALG.exe.mui",
		"ProductName":"Microsoft® Windows® Operating System","ProductVersion":"6.1.7600.16385"}}`, string(j))
	// Member order is file order, not sorted.
	assert.Contains(t, string(j), `"strings":{"CompanyName":"Microsoft Corporation","FileDescription"`)

	var back StringTable
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, v.Tables[0].Strings, back.Strings)

	dup := Strings{{"A", "1"}, {"B", "2"}, {"A", "3"}}
	j, err = json.Marshal(dup)
	require.NoError(t, err)
	assert.Equal(t, `{"A":"1","B":"2"}`, string(j))
	assert.Equal(t, map[string]string{"A": "1", "B": "2"}, dup.Map())
	j, err = json.Marshal(Strings{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(j))
	var s Strings
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &s))
	assert.Error(t, json.Unmarshal([]byte(`{"a":1}`), &s))
	require.NoError(t, json.Unmarshal([]byte(`null`), &s))
	assert.Nil(t, s)
}

func TestFixedFileInfoHelpers(t *testing.T) {
	f := &FixedFileInfo{Flags: VS_FF_DEBUG | VS_FF_SPECIALBUILD | 0x40 | 0x100, FlagsMask: 0x7F,
		Type: VFT_DRV, Subtype: 6, OS: VOS_DOS_WINDOWS32}
	assert.Equal(t, []string{"debug", "special-build", "0x40"}, f.FlagNames())
	assert.Equal(t, "driver", f.TypeName())
	assert.Equal(t, "network", f.SubtypeName())
	assert.Equal(t, "VOS_DOS_WINDOWS32", f.OSName())
	f.Type, f.Subtype = VFT_FONT, 3
	assert.Equal(t, "truetype", f.SubtypeName())
	f.Subtype = 99
	assert.Equal(t, "", f.SubtypeName())
	f.Type, f.OS = 42, 0x12345
	assert.Equal(t, "", f.TypeName())
	assert.Equal(t, "", f.OSName())
	// 2009-07-14 01:14:00 UTC as a FILETIME.
	const ft = 128920076400000000
	f.DateMS, f.DateLS = uint32(ft>>32), uint32(ft&0xFFFFFFFF)
	d, ok := f.Date()
	require.True(t, ok)
	assert.Equal(t, time.Date(2009, 7, 14, 1, 14, 0, 0, time.UTC), d)
}

// withTable returns a root around one StringTable built from strs.
func withTable(strs ...*vsNode) *vsNode {
	return vsRoot(fixedInfo(ver(1, 0), 0, ver(1, 0), 0, 0x3F, 0, VOS_NT_WINDOWS32, VFT_APP, 0),
		vsStringFileInfo(vsTable("040904b0", strs...)),
		vsVarFileInfo(vsTranslation(0x0409, 1200)))
}

// TestVersionInfoMalformations: each real-world malformation is tolerated,
// reported with its code, and what can be read is read.
func TestVersionInfoMalformations(t *testing.T) {
	type check func(t *testing.T, v *VersionInfo)
	strs := func(want ...string) check {
		return func(t *testing.T, v *VersionInfo) {
			var got []string
			for _, tb := range v.Tables {
				for _, p := range tb.Strings {
					got = append(got, p.Key+"="+p.Value)
				}
			}
			assert.Equal(t, want, got)
		}
	}
	hasTranslation := func(t *testing.T, v *VersionInfo) {
		assert.Equal(t, []Translation{{0x0409, 1200, "en-US"}}, v.Translations)
	}
	tests := []struct {
		name    string
		blob    func() []byte
		code    string
		wantErr error
		checks  []check
	}{
		{
			name: "value length in bytes",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.typ, s.setValueLength, s.valueLength = 0, true, 10
				return withTable(s, vsString("ProductName", "Rocket")).encode(0)
			},
			code:   AnomVersionValueLengthBytes,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket"), hasTranslation},
		},
		{
			name: "value length zero with a value",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.setValueLength = true
				return withTable(s, vsString("ProductName", "Rocket")).encode(0)
			},
			code:   AnomVersionValueLengthZero,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket")},
		},
		{
			name: "value length past the node, trailing garbage after NUL",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.value = append(s.value, utf16le("GARBAGE")...)
				s.setValueLength, s.valueLength = true, 200
				return withTable(s, vsString("ProductName", "Rocket")).encode(0)
			},
			code:   AnomVersionValueLengthMismatch,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket")},
		},
		{
			name: "value without NUL",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.value = utf16le("Acme") // 8 bytes, no terminator; node ends here
				return withTable(vsString("ProductName", "Rocket"), s).encode(0)
			},
			code:   AnomVersionValueUnterminated,
			checks: []check{strs("ProductName=Rocket", "CompanyName=Acme"), hasTranslation},
		},
		{
			name: "missing padding between key and value",
			blob: func() []byte {
				s := vsString("Comments", "hi") // key ends at offset 6+18=24: aligned already
				s2 := vsString("Company", "Acme")
				s2.noKeyPad = true // 6+16 = 22: pad needed and omitted
				return withTable(s, s2).encode(0)
			},
			code:   AnomVersionMissingPadding,
			checks: []check{strs("Comments=hi", "Company=Acme"), hasTranslation},
		},
		{
			name: "missing padding between siblings",
			blob: func() []byte {
				tb := vsTable("040904b0", vsString("Company", "Acme"), vsString("Product", "Rocket"), vsString("Comments", "x"))
				tb.noChildPad = true // the "Company" node is 34 bytes: "Product" starts unaligned
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsStringFileInfo(tb), vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionMissingPadding,
			checks: []check{strs("Company=Acme", "Product=Rocket", "Comments=x"), hasTranslation},
		},
		{
			name: "missing padding before VS_FIXEDFILEINFO",
			blob: func() []byte {
				r := algVersion()
				r.noKeyPad = true
				return r.encode(0)
			},
			code: AnomVersionMissingPadding,
			checks: []check{hasTranslation, func(t *testing.T, v *VersionInfo) {
				require.NotNil(t, v.Fixed)
				assert.Equal(t, "6.1.7600.16385", v.Fixed.FileVersion)
				assert.Len(t, v.Tables[0].Strings, 8)
			}},
		},
		{
			name: "zero-length StringTable (saferwall hazard #3)",
			blob: func() []byte {
				tb := vsTable("040904b0", vsString("CompanyName", "Acme"), vsString("ProductName", "Rocket"))
				tb.setLength = true
				sfi := vsStringFileInfo(tb, vsTable("040c04b0", vsString("CompanyName", "Acmé")))
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), sfi, vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code: AnomVersionLengthTooSmall,
			checks: []check{
				strs("CompanyName=Acme", "ProductName=Rocket", "CompanyName=Acmé"), hasTranslation,
				func(t *testing.T, v *VersionInfo) {
					require.Len(t, v.Tables, 2)
					assert.Equal(t, "fr-FR", v.Tables[1].Language)
				},
			},
		},
		{
			name: "zero-length String",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.setLength = true
				return withTable(s, vsString("ProductName", "Rocket")).encode(0)
			},
			code:   AnomVersionLengthTooSmall,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket"), hasTranslation},
		},
		{
			name: "zero-length StringFileInfo",
			blob: func() []byte {
				sfi := vsStringFileInfo(vsTable("040904b0", vsString("CompanyName", "Acme")))
				sfi.setLength = true
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), sfi, vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionLengthTooSmall,
			checks: []check{strs("CompanyName=Acme"), hasTranslation},
		},
		{
			name: "String wLength skips the next String",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s2 := vsString("ProductName", "Rocket")
				s.setLength, s.length = true, uint16(len(s.encode(0))+4+len(s2.encode(0)))
				return withTable(s, s2, vsString("Comments", "ok")).encode(0)
			},
			code:   AnomVersionLengthMismatch,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket", "Comments=ok")},
		},
		{
			name: "root wLength past the data",
			blob: func() []byte {
				r := algVersion()
				r.setLength, r.length = true, 0x1000
				return r.encode(0)
			},
			code:    AnomVersionTruncated,
			wantErr: ErrTruncated,
			checks:  []check{hasTranslation},
		},
		{
			name: "root wLength ends before VarFileInfo",
			blob: func() []byte {
				r := algVersion()
				full := r.encode(0)
				vfiLen := len(r.children[1].encode(0))
				r.setLength, r.length = true, uint16(len(full)-vfiLen)
				return r.encode(0)
			},
			code:   AnomVersionLengthMismatch,
			checks: []check{hasTranslation},
		},
		{
			name: "StringTable longer than its StringFileInfo",
			blob: func() []byte {
				tb := vsTable("040904b0", vsString("CompanyName", "Acme"))
				tb.setLength, tb.length = true, 0x400
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsStringFileInfo(tb), vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionLengthOverflow,
			checks: []check{strs("CompanyName=Acme"), hasTranslation},
		},
		{
			name: "bad root key",
			blob: func() []byte {
				r := algVersion()
				r.key = "VS_VERSIONINFO"
				return r.encode(0)
			},
			code:   AnomVersionBadRootKey,
			checks: []check{hasTranslation},
		},
		{
			name: "bad fixed signature",
			blob: func() []byte {
				r := algVersion()
				r.value[0] = 0xAA
				return r.encode(0)
			},
			code: AnomVersionBadFixedSignature,
			checks: []check{hasTranslation, func(t *testing.T, v *VersionInfo) {
				require.NotNil(t, v.Fixed)
				assert.Equal(t, "6.1.7600.16385", v.Fixed.FileVersion)
			}},
		},
		{
			name: "no fixed info",
			blob: func() []byte {
				r := algVersion()
				r.value = nil
				return r.encode(0)
			},
			code: AnomVersionNoFixedInfo,
			checks: []check{hasTranslation, func(t *testing.T, v *VersionInfo) {
				assert.Nil(t, v.Fixed)
				require.Len(t, v.Tables, 1)
				assert.Len(t, v.Tables[0].Strings, 8)
			}},
		},
		{
			name: "fixed info with wValueLength 0",
			blob: func() []byte {
				r := algVersion()
				r.setValueLength = true
				return r.encode(0)
			},
			code: AnomVersionFixedLengthMismatch,
			checks: []check{hasTranslation, func(t *testing.T, v *VersionInfo) {
				require.NotNil(t, v.Fixed)
				assert.Equal(t, "6.1.7600.16385", v.Fixed.ProductVersion)
				assert.Len(t, v.Tables[0].Strings, 8)
			}},
		},
		{
			name: "fixed info with extra bytes",
			blob: func() []byte {
				r := algVersion()
				r.value = append(r.value, 1, 2, 3, 4)
				return r.encode(0)
			},
			code:   AnomVersionFixedLengthMismatch,
			checks: []check{hasTranslation},
		},
		{
			name: "fixed info cut short",
			blob: func() []byte {
				r := vsRoot(fixedInfo(ver(1, 0), 0, 0, 0, 0, 0, 0, 0, 0)[:40])
				r.setValueLength, r.valueLength = true, 52
				return r.encode(0)
			},
			code: AnomVersionFixedTruncated,
			checks: []check{func(t *testing.T, v *VersionInfo) {
				assert.Nil(t, v.Fixed)
			}},
		},
		{
			name: "bad StringTable key",
			blob: func() []byte {
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0),
					vsStringFileInfo(vsTable("English", vsString("CompanyName", "Acme")))).encode(0)
			},
			code: AnomVersionBadTableKey,
			checks: []check{strs("CompanyName=Acme"), func(t *testing.T, v *VersionInfo) {
				assert.Equal(t, "english", v.Tables[0].LangCodepage)
				assert.Equal(t, "", v.Tables[0].Language)
			}},
		},
		{
			name: "StringTable without StringFileInfo",
			blob: func() []byte {
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0),
					vsTable("040904b0", vsString("CompanyName", "Acme")), vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionMissingStringFileInfo,
			checks: []check{strs("CompanyName=Acme"), hasTranslation},
		},
		{
			name: "unknown root child kept raw",
			blob: func() []byte {
				r := algVersion()
				r.children = append(r.children, &vsNode{key: "Custom", value: []byte{1, 2, 3, 4}})
				return r.encode(0)
			},
			code: AnomVersionUnknownNode,
			checks: []check{hasTranslation, func(t *testing.T, v *VersionInfo) {
				require.Len(t, v.Unknown, 1)
				assert.Equal(t, "Custom", v.Unknown[0].Key)
				assert.Equal(t, 6+14+4, v.Unknown[0].Size)
				assert.Len(t, v.Unknown[0].SHA256, 64)
			}},
		},
		{
			name: "unknown Var kept raw",
			blob: func() []byte {
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0),
					vsVarFileInfo(&vsNode{key: "Other", value: []byte{9, 9, 9, 9}}, vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionUnknownNode,
			checks: []check{hasTranslation},
		},
		{
			name: "duplicate key",
			blob: func() []byte {
				return withTable(vsString("CompanyName", "A"), vsString("CompanyName", "B")).encode(0)
			},
			code: AnomVersionDuplicateKey,
			checks: []check{strs("CompanyName=A", "CompanyName=B"), func(t *testing.T, v *VersionInfo) {
				s, _ := v.Get("CompanyName")
				assert.Equal(t, "A", s)
			}},
		},
		{
			name: "Translation wValueLength 0",
			blob: func() []byte {
				tr := vsTranslation(0x0409, 1200)
				tr.setValueLength = true
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsVarFileInfo(tr)).encode(0)
			},
			code:   AnomVersionValueLengthZero,
			checks: []check{hasTranslation},
		},
		{
			name: "Translation length in units",
			blob: func() []byte {
				tr := vsTranslation(0x0409, 1200)
				tr.setValueLength, tr.valueLength = true, 2
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsVarFileInfo(tr)).encode(0)
			},
			code:   AnomVersionBadTranslation,
			checks: []check{hasTranslation},
		},
		{
			name: "Translation length past node",
			blob: func() []byte {
				tr := vsTranslation(0x0409, 1200)
				tr.setValueLength, tr.valueLength = true, 64
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsVarFileInfo(tr)).encode(0)
			},
			code:   AnomVersionBadTranslation,
			checks: []check{hasTranslation},
		},
		{
			name: "extra zero padding between Strings",
			blob: func() []byte {
				tb := vsTable("040904b0", vsString("CompanyName", "Acme"), vsString("ProductName", "Rocket"))
				tb.extraPad = 8
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), vsStringFileInfo(tb), vsVarFileInfo(vsTranslation(0x0409, 1200))).encode(0)
			},
			code:   AnomVersionExtraPadding,
			checks: []check{strs("CompanyName=Acme", "ProductName=Rocket"), hasTranslation},
		},
		{
			name: "bad wType",
			blob: func() []byte {
				s := vsString("CompanyName", "Acme")
				s.typ = 7
				return withTable(s).encode(0)
			},
			code:   AnomVersionBadType,
			checks: []check{strs("CompanyName=Acme")},
		},
		{
			name: "StringFileInfo with a value",
			blob: func() []byte {
				sfi := vsStringFileInfo(vsTable("040904b0", vsString("CompanyName", "Acme")))
				sfi.value = []byte{0, 0, 0, 0}
				sfi.typ = 0
				return vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), sfi).encode(0)
			},
			code:   AnomVersionContainerValue,
			checks: []check{strs("CompanyName=Acme")},
		},
		{
			name: "unterminated key at the end",
			blob: func() []byte {
				b := withTable(vsString("CompanyName", "Acme")).encode(0)
				// Append a node whose key runs to the end, and cover it by wLength.
				tail := le16(le16(le16(nil, 30), 0), 1)
				tail = append(tail, utf16le("KeyWithoutEnd")[:24]...)
				b = append(b, tail...)
				binary16(b, 0, uint16(len(b)))
				return b
			},
			code: AnomVersionUnterminatedKey,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersionInfo(tt.blob())
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			require.NotNil(t, v)
			assert.Contains(t, codes(v.Anomalies), tt.code)
			for _, c := range tt.checks {
				c(t, v)
			}
		})
	}
}

func binary16(b []byte, off int, v uint16) { b[off], b[off+1] = byte(v), byte(v>>8) }

// TestVersionInfoEveryPrefix cuts valid blobs at every length: no panic,
// and every proper prefix is reported as truncated.
func TestVersionInfoEveryPrefix(t *testing.T) {
	blobs := [][]byte{algVersionBlob()}
	root := vsRoot(fixedInfo(1, 2, 3, 4, 0, 0, 0, 0, 0),
		vsStringFileInfo(vsTable("041904b0", vsString("Имя", "Значение 😀"), vsString("日本", "A一B"))),
		vsVarFileInfo(vsTranslation(0x0419, 1200, 0x0411, 932)))
	blobs = append(blobs, root.encode(0))
	for _, full := range blobs {
		for n := 0; n < len(full); n++ {
			b := append([]byte(nil), full[:n]...) // exact capacity: reads past n would panic
			v, err := ParseVersionInfo(b)
			require.Error(t, err, "prefix %d", n)
			assert.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
			var fe *FormatError
			require.True(t, errors.As(err, &fe))
			if n < vsNodeHeader {
				assert.Nil(t, v)
				continue
			}
			require.NotNil(t, v, "prefix %d", n)
			assert.LessOrEqual(t, len(v.Tables), 1)
		}
		v, err := ParseVersionInfo(full)
		require.NoError(t, err)
		assert.Empty(t, v.Anomalies)
	}
}

// TestVersionInfoNodeLimit: a resource of thousands of tiny Strings stops
// at maxVersionNodes with ErrLimit and keeps what it read.
func TestVersionInfoNodeLimit(t *testing.T) {
	var strs []*vsNode
	for i := 0; i < maxVersionNodes+10; i++ {
		strs = append(strs, vsString(fmt.Sprint(i), ""))
	}
	// More than 64 KiB of Strings do not fit a WORD wLength: give the
	// containers wLength 0, which the parser reads to the end of the data.
	tb := vsTable("040904b0", strs...)
	sfi := vsStringFileInfo(tb)
	root := vsRoot(nil, sfi)
	for _, n := range []*vsNode{tb, sfi, root} {
		n.setLength = true
	}
	b := root.encode(0)
	require.Greater(t, len(b), 0x10000)
	v, err := ParseVersionInfo(b)
	assert.ErrorIs(t, err, ErrLimit)
	require.NotNil(t, v)
	assert.Contains(t, codes(v.Anomalies), AnomVersionLimit)
	require.Len(t, v.Tables, 1)
	assert.Less(t, len(v.Tables[0].Strings), maxVersionNodes)
	assert.LessOrEqual(t, len(v.Anomalies), maxAnomalies)
}

func TestVersionInfoTooShort(t *testing.T) {
	for _, b := range [][]byte{nil, {1}, {1, 2, 3, 4, 5}} {
		v, err := ParseVersionInfo(b)
		assert.Nil(t, v)
		assert.ErrorIs(t, err, ErrTruncated)
	}
	// A header of zeros: empty root, no fixed info, nothing else.
	v, err := ParseVersionInfo(make([]byte, 64))
	require.NotNil(t, v)
	_ = err
	assert.Empty(t, v.Tables)
}

func BenchmarkParseVersionInfo(b *testing.B) {
	blob := vsRoot(
		fixedInfo(ver(6, 1), ver(7600, 16385), ver(6, 1), ver(7600, 16385), 0x3F, 0, VOS_NT_WINDOWS32, VFT_APP, 0),
		vsStringFileInfo(
			vsTable("040904B0", algStrings()...),
			vsTable("041904B0", vsString("CompanyName", "Корпорация Майкрософт"), vsString("FileDescription", "Служба шлюза уровня приложения")),
		),
		vsVarFileInfo(vsTranslation(0x0409, 1200, 0x0419, 1200)),
	).encode(0)
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseVersionInfo(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVersionInfoHazard3 rebuilds saferwall's endless-loop input (corkami
// version_std.exe with the dword at file offset 0x2d6 set to 0x200): the
// dword overwrites the NUL of the "StringFileInfo" key and zeroes the first
// StringTable's wLength. The parse ends and still finds every String.
func TestVersionInfoHazard3(t *testing.T) {
	r := algVersion()
	b := r.encode(0)
	sfi := bytes.Index(b, utf16le("StringFileInfo")) - 6
	require.Positive(t, sfi)
	binary.LittleEndian.PutUint32(b[sfi+6+28:], 0x200)

	done := make(chan struct{})
	var v *VersionInfo
	var err error
	go func() {
		defer close(done)
		v, err = ParseVersionInfo(b)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ParseVersionInfo did not return")
	}
	require.NoError(t, err)
	assert.Contains(t, codes(v.Anomalies), AnomVersionOddKey)
	assert.Contains(t, codes(v.Anomalies), AnomVersionLengthTooSmall)
	require.Len(t, v.Tables, 1)
	assert.Len(t, v.Tables[0].Strings, 8)
	s, _ := v.Get("OriginalFilename")
	assert.Equal(t, "ALG.exe.mui", s)
	assert.Equal(t, []Translation{{0x0409, 1200, "en-US"}}, v.Translations)
}

func TestVersionSummary(t *testing.T) {
	v, err := ParseVersionInfo(algVersionBlob())
	require.NoError(t, err)
	j, err := json.Marshal(v.Summary())
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(j, &got))
	assert.Equal(t, "Microsoft Corporation", got["company_name"])
	assert.Equal(t, "Application Layer Gateway Service", got["file_description"])
	assert.Equal(t, "Microsoft® Windows® Operating System", got["product_name"])
	assert.Equal(t, "ALG.exe.mui", got["original_filename"])
	assert.Equal(t, "ALG.exe", got["internal_name"])
	assert.Equal(t, "6.1.7600.16385 (win7_rtm.090713-1255)", got["file_version"])
	assert.Equal(t, "6.1.7600.16385", got["product_version"])
	assert.Equal(t, "© Microsoft Corporation. All rights reserved.", got["legal_copyright"])
	assert.Equal(t, "6.1.7600.16385", got["fixed_file_version"])
	assert.Equal(t, "6.1.7600.16385", got["fixed_product_version"])
	tables := got["tables"].([]any)
	require.Len(t, tables, 1)
	tb := tables[0].(map[string]any)
	assert.Equal(t, "040904b0", tb["lang_codepage"])
	assert.Equal(t, "en-US", tb["language"])
	assert.Equal(t, "ALG.exe.mui", tb["strings"].(map[string]any)["OriginalFilename"])

	var nilInfo *VersionInfo
	j, err = json.Marshal(nilInfo.Summary())
	require.NoError(t, err)
	assert.JSONEq(t, `{"tables":[],"primary_table":-1}`, string(j))
}
