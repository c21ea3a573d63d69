package rsrc

import (
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMUIShell32 decodes the two muirct samples of formats.md §1; their
// sizes (0x148 and 0xC8) double-check the encoder's layout.
func TestMUIShell32(t *testing.T) {
	ln := shell32LN().encode()
	require.Len(t, ln, 0x148)
	m, err := ParseMUI(ln)
	require.NoError(t, err)
	assert.Empty(t, m.Anomalies)
	assert.Equal(t, &MUIConfig{
		Length:             0x148,
		Version:            0x00010000,
		FileType:           MUIFileTypeLN,
		FileTypeID:         0x11,
		SystemAttributes:   0x100,
		FallbackLocation:   MUIFallbackExternal,
		FallbackLocationID: 2,
		Checksum:           "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		ServiceChecksum:    "101112131415161718191a1b1c1d1e1f",
		MainTypeNames:      []string{"AVI", "FTR", "ORDERSTREAM", "TYPELIB", "UIFILE", "XML", "MUI"},
		MainTypeIDs:        []uint32{1, 2, 3, 12, 14, 16, 24},
		MUITypeNames:       []string{"MUI"},
		MUITypeIDs:         []uint32{2, 3, 4, 5, 6, 9, 14, 16},
		FallbackLanguage:   "en-US",
	}, m)
	assert.True(t, m.IsLanguageNeutral())

	sat := shell32MUI().encode()
	require.Len(t, sat, 0xC8)
	m, err = ParseMUI(sat)
	require.NoError(t, err)
	assert.Empty(t, m.Anomalies)
	assert.Equal(t, &MUIConfig{
		Length:           0xC8,
		Version:          0x00010000,
		FileType:         MUIFileTypeMUI,
		FileTypeID:       0x12,
		SystemAttributes: 0x100,
		Checksum:         "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		ServiceChecksum:  "101112131415161718191a1b1c1d1e1f",
		MainTypeNames:    []string{"MUI"},
		MainTypeIDs:      []uint32{2, 3, 4, 5, 6, 9, 14, 16},
		MUITypeNames:     []string{},
		MUITypeIDs:       []uint32{},
		Language:         "en-US",
	}, m)
	assert.False(t, m.IsLanguageNeutral())
}

func TestMUIJSON(t *testing.T) {
	m, err := ParseMUI(shell32LN().encode())
	require.NoError(t, err)
	j, err := json.Marshal(m)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(j, &got))
	// report.md's "mui" keys.
	for _, k := range []string{"file_type", "file_type_id", "fallback_language", "fallback_location",
		"checksum", "service_checksum", "main_type_names", "main_type_ids", "mui_type_names", "mui_type_ids"} {
		assert.Contains(t, got, k)
	}
	assert.Equal(t, "language-neutral", got["file_type"])
	assert.Equal(t, float64(17), got["file_type_id"])
	assert.Equal(t, "external", got["fallback_location"])
	assert.NotContains(t, got, "language") // omitted for an LN file
}

func TestMUIBadSignature(t *testing.T) {
	b := shell32LN().encode()
	b[0] = 0
	m, err := ParseMUI(b)
	assert.Nil(t, m)
	assert.ErrorIs(t, err, ErrBadSignature)
	assert.EqualError(t, err, "rsrc: mui config signature 0xfecdfe00 at 0x0")
}

func TestMUIMalformed(t *testing.T) {
	set := func(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
	tests := []struct {
		name    string
		mutate  func(b []byte) []byte
		code    string
		wantErr error
		check   func(t *testing.T, m *MUIConfig)
	}{
		{
			name:   "offset inside the header",
			mutate: func(b []byte) []byte { set(b, 0x54, 0x40); return b },
			code:   AnomMUIBadOffset,
			check: func(t *testing.T, m *MUIConfig) {
				assert.Empty(t, m.MainTypeNames)
				assert.Equal(t, []uint32{1, 2, 3, 12, 14, 16, 24}, m.MainTypeIDs)
			},
		},
		{
			name:   "offset past the blob",
			mutate: func(b []byte) []byte { set(b, 0x5C, 0xFFFFFFF0); return b },
			code:   AnomMUIBadOffset,
			check:  func(t *testing.T, m *MUIConfig) { assert.Empty(t, m.MainTypeIDs) },
		},
		{
			name:   "length past dwLength",
			mutate: func(b []byte) []byte { set(b, 0x80, 0x100); return b },
			code:   AnomMUIBadOffset,
			check:  func(t *testing.T, m *MUIConfig) { assert.Empty(t, m.FallbackLanguage) },
		},
		{
			name: "region past dwLength but inside the blob",
			mutate: func(b []byte) []byte {
				set(b, 0x04, 0x100) // fallback language sits at 0x138
				return b
			},
			code: AnomMUIBadOffset,
			check: func(t *testing.T, m *MUIConfig) {
				assert.Empty(t, m.FallbackLanguage)
				assert.Len(t, m.MainTypeNames, 7)
			},
		},
		{
			name:   "zero offset with a length",
			mutate: func(b []byte) []byte { set(b, 0x6C, 0); return b },
			code:   AnomMUIBadOffset,
		},
		{
			name:    "dwLength past the blob",
			mutate:  func(b []byte) []byte { set(b, 0x04, 0x1000); return b },
			code:    AnomMUITruncated,
			wantErr: ErrTruncated,
			check:   func(t *testing.T, m *MUIConfig) { assert.Equal(t, "en-US", m.FallbackLanguage) },
		},
		{
			name:   "dwLength below the header",
			mutate: func(b []byte) []byte { set(b, 0x04, 0x10); return b },
			code:   AnomMUIBadLength,
			check:  func(t *testing.T, m *MUIConfig) { assert.Equal(t, "en-US", m.FallbackLanguage) },
		},
		{
			name:   "unknown version",
			mutate: func(b []byte) []byte { set(b, 0x08, 0x20000); return b },
			code:   AnomMUIUnknownVersion,
		},
		{
			name:   "unknown file type",
			mutate: func(b []byte) []byte { set(b, 0x10, 0x21); return b },
			code:   AnomMUIUnknownFileType,
			check:  func(t *testing.T, m *MUIConfig) { assert.Equal(t, MUIFileTypeLN, m.FileType) },
		},
		{
			name:   "unknown fallback location",
			mutate: func(b []byte) []byte { set(b, 0x18, 7); return b },
			code:   AnomMUIUnknownFallbackLocation,
			check: func(t *testing.T, m *MUIConfig) {
				assert.Equal(t, "", m.FallbackLocation)
				assert.Equal(t, uint32(7), m.FallbackLocationID)
			},
		},
		{
			name:   "reserved bytes set",
			mutate: func(b []byte) []byte { b[0x44] = 0x88; return b },
			code:   AnomMUIReservedNonZero,
			check: func(t *testing.T, m *MUIConfig) {
				assert.Equal(t, "000000000000000088000000000000000000000000000000", m.Reserved)
			},
		},
		{
			name:   "odd name list length",
			mutate: func(b []byte) []byte { set(b, 0x58, 87); return b },
			code:   AnomMUIBadListLength,
			check:  func(t *testing.T, m *MUIConfig) { assert.Len(t, m.MainTypeNames, 7) },
		},
		{
			name:   "id list length not a multiple of 4",
			mutate: func(b []byte) []byte { set(b, 0x60, 27); return b },
			code:   AnomMUIBadListLength,
			check:  func(t *testing.T, m *MUIConfig) { assert.Equal(t, []uint32{1, 2, 3, 12, 14, 16}, m.MainTypeIDs) },
		},
		{
			name: "name list without its terminator",
			mutate: func(b []byte) []byte {
				set(b, 0x68, 6) // "MUI" without NUL
				return b
			},
			code:  AnomMUIUnterminatedString,
			check: func(t *testing.T, m *MUIConfig) { assert.Equal(t, []string{"MUI"}, m.MUITypeNames) },
		},
		{
			name: "language without NUL",
			mutate: func(b []byte) []byte {
				set(b, 0x80, 10)
				return b
			},
			code:  AnomMUIUnterminatedString,
			check: func(t *testing.T, m *MUIConfig) { assert.Equal(t, "en-US", m.FallbackLanguage) },
		},
		{
			name: "language in an LN file",
			mutate: func(b []byte) []byte {
				set(b, 0x74, 0x138) // point Language at the fallback language
				set(b, 0x78, 12)
				return b
			},
			code: AnomMUIUnexpectedField,
		},
		{
			name: "unknown language name",
			mutate: func(b []byte) []byte {
				copy(b[0x138:], utf16le("xx-Y"))
				return b
			},
			code:  AnomMUIUnknownLanguage,
			check: func(t *testing.T, m *MUIConfig) { assert.Equal(t, "xx-YS", m.FallbackLanguage) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMUI(tt.mutate(shell32LN().encode()))
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			require.NotNil(t, m)
			assert.Contains(t, codes(m.Anomalies), tt.code)
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestMUISatelliteUnexpectedFields(t *testing.T) {
	s := shell32MUI()
	s.fallbackLang = "en-US"
	s.muiIDs = []uint32{16}
	s.fallbackLoc = 1
	m, err := ParseMUI(s.encode())
	require.NoError(t, err)
	var n int
	for _, a := range m.Anomalies {
		if a.Code == AnomMUIUnexpectedField {
			n++
		}
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, MUIFallbackInternal, m.FallbackLocation)
}

func TestMUIEveryPrefix(t *testing.T) {
	for _, full := range [][]byte{shell32LN().encode(), shell32MUI().encode()} {
		for n := 0; n < len(full); n++ {
			b := append([]byte(nil), full[:n]...)
			m, err := ParseMUI(b)
			require.Error(t, err, "prefix %d", n)
			assert.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
			if n < 4 {
				assert.Nil(t, m)
				continue
			}
			require.NotNil(t, m, "prefix %d", n)
			if n >= muiHeaderSize {
				assert.Contains(t, codes(m.Anomalies), AnomMUITruncated)
			}
		}
	}
}

func TestMUIListLimit(t *testing.T) {
	s := shell32LN()
	s.mainIDs = make([]uint32, maxMUITypes+5)
	s.mainNames = nil
	for i := 0; i < maxMUITypes+5; i++ {
		s.mainNames = append(s.mainNames, "T")
	}
	m, err := ParseMUI(s.encode())
	require.NoError(t, err)
	assert.Len(t, m.MainTypeIDs, maxMUITypes)
	assert.Len(t, m.MainTypeNames, maxMUITypes)
	assert.Contains(t, codes(m.Anomalies), AnomMUILimit)
}
