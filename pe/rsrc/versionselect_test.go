package rsrc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expectations here follow the rule written in doc.go ("Version strings
// in the language Windows shows"); the rule's sources are cited there. The
// real-file checks against pefile are in samples_test.go and package pe.

// langVersion decodes a one-table RT_VERSION resource whose ProductName
// is name, for resource language lang.
func langVersion(t *testing.T, lang uint16, table string, name string, translation ...uint16) LangVersion {
	t.Helper()
	var children []*vsNode
	children = append(children, vsStringFileInfo(vsTable(table, vsString("ProductName", name))))
	if len(translation) > 0 {
		children = append(children, vsVarFileInfo(vsTranslation(translation...)))
	}
	v, err := ParseVersionInfo(vsRoot(fixedInfo(ver(1, uint32(lang)), 0, 0, 0, 0, 0, 0, 0, 0), children...).encode(0))
	require.NoError(t, err)
	return LangVersion{Lang: lang, Info: v}
}

func TestPickVersionResource(t *testing.T) {
	// Resource-directory order is by language id, as in Wine's kernel32:
	// Arabic (neutral sublanguage) first.
	res := []LangVersion{
		langVersion(t, 0x0001, "040104b0", "واين"),
		langVersion(t, 0x0007, "040704b0", "Wein"),
		langVersion(t, 0x0009, "040904b0", "Wine (en)"),
		langVersion(t, 0x040C, "040c04b0", "Vin"),
		langVersion(t, 0x0409, "040904b0", "Wine"),
		langVersion(t, 0x0C0A, "0c0a04b0", "Vino"),
	}
	for _, tc := range []struct {
		tag  string
		want int
	}{
		{"", 4},        // en-US
		{"en-US", 4},   // en-US
		{"ar-SA", 0},   // no 0x0401: its primary language with SUBLANG_NEUTRAL, 0x0001
		{"de-DE", 1},   // 0x0407 absent, 0x0007 present
		{"fr-FR", 3},   // exact
		{"fr-CA", 3},   // 0x0C0C, 0x000C absent: 0x040C (SUBLANG_DEFAULT)
		{"es-ES", 5},   // exact
		{"es-MX", 4},   // 0x080A, 0x000A, 0x040A absent: en-US
		{"en-GB", 2},   // 0x0809 absent, 0x0009 present before en-US
		{"ja-JP", 4},   // absent: en-US
		{"xx-NOPE", 4}, // unknown tag: as if none
		{" fr-FR ", 3}, // spaces trimmed
		{"FR_fr", 3},   // case and '_' as LangID accepts them
		{"", 4},
	} {
		ri, ti := PickVersion(res, tc.tag)
		assert.Equal(t, tc.want, ri, "tag %q", tc.tag)
		assert.Equal(t, 0, ti, "tag %q", tc.tag)
	}
}

func TestPickVersionNeutralAndFirst(t *testing.T) {
	// No en-US: the neutral resources, 0x0000 before 0x0400 before 0x0800,
	// whatever their order in the file.
	res := []LangVersion{
		langVersion(t, 0x0007, "040704b0", "de"),
		langVersion(t, 0x0800, "000004b0", "sys"),
		langVersion(t, 0x0400, "000004b0", "user"),
		langVersion(t, 0x0000, "000004b0", "neutral"),
	}
	ri, _ := PickVersion(res, "")
	assert.Equal(t, 3, ri)
	ri, _ = PickVersion(res[:3], "")
	assert.Equal(t, 2, ri)
	ri, _ = PickVersion(res[:2], "")
	assert.Equal(t, 1, ri)
	ri, _ = PickVersion(res, "de-DE")
	assert.Equal(t, 0, ri, "the UI language comes before neutral")
	// Neither preferred nor neutral: the first.
	res = []LangVersion{
		{Lang: 0x0409}, // not decoded: skipped
		langVersion(t, 0x0411, "041104b0", "ja"),
		langVersion(t, 0x0419, "041904b0", "ru"),
	}
	ri, ti := PickVersion(res, "fr-FR")
	assert.Equal(t, 1, ri)
	assert.Equal(t, 0, ti)

	ri, ti = PickVersion(nil, "")
	assert.Equal(t, -1, ri)
	assert.Equal(t, -1, ti)
	ri, ti = PickVersion([]LangVersion{{Lang: 0x0409}}, "")
	assert.Equal(t, -1, ri)
	assert.Equal(t, -1, ti)
}

func TestPickTable(t *testing.T) {
	tables := func(translation []uint16, keys ...string) *VersionInfo {
		var tbs []*vsNode
		for _, k := range keys {
			tbs = append(tbs, vsTable(k, vsString("K", k)))
		}
		children := []*vsNode{vsStringFileInfo(tbs...)}
		if translation != nil {
			children = append(children, vsVarFileInfo(vsTranslation(translation...)))
		}
		v, err := ParseVersionInfo(vsRoot(fixedInfo(0, 0, 0, 0, 0, 0, 0, 0, 0), children...).encode(0))
		require.NoError(t, err)
		return v
	}
	// The console sample's layout: en-US, ru-RU, ja-JP.
	v := tables([]uint16{0x0409, 1200, 0x0419, 1200, 0x0411, 1200}, "040904b0", "041904b0", "041104b0")
	assert.Equal(t, 0, v.PickTable(""))
	assert.Equal(t, 1, v.PickTable("ru-RU"))
	assert.Equal(t, 2, v.PickTable("ja-JP"))
	assert.Equal(t, 0, v.PickTable("fr-FR"))

	// Two code pages of en-US: the one Translation lists first.
	v = tables([]uint16{0x0409, 1252, 0x0409, 1200}, "040904b0", "040904e4")
	assert.Equal(t, 1, v.PickTable(""))
	// Not listed in Translation: file order.
	v = tables(nil, "040904e4", "040904b0")
	assert.Equal(t, 0, v.PickTable(""))

	// No preferred or neutral table: the first Translation entry's table.
	v = tables([]uint16{0x0419, 1200, 0x0411, 1200}, "041104b0", "041904b0")
	assert.Equal(t, 1, v.PickTable(""))
	assert.Equal(t, 0, v.PickTable("ja-JP"))
	// A Translation entry with no table is passed over.
	v = tables([]uint16{0x040C, 1200, 0x0411, 1200}, "041904b0", "041104b0")
	assert.Equal(t, 1, v.PickTable(""))
	// No Translation at all: the first table.
	v = tables(nil, "041904b0", "041104b0")
	assert.Equal(t, 0, v.PickTable(""))

	// A neutral table beats the first entry; LANG_INVARIANT (mcs) counts.
	v = tables([]uint16{0x0419, 1200}, "041904b0", "007f04b0")
	assert.Equal(t, 1, v.PickTable(""))
	// A key that is not 8 hex digits parses as LangID 0 but is not neutral.
	v = tables(nil, "041904b0", "bogus")
	assert.Equal(t, 0, v.PickTable(""))

	var nilInfo *VersionInfo
	assert.Equal(t, -1, nilInfo.PickTable(""))
	assert.Equal(t, -1, tables(nil).PickTable(""))
}

func TestSummarizeVersions(t *testing.T) {
	res := []LangVersion{
		langVersion(t, 0x0401, "040104b0", "واين", 0x0401, 1200),
		langVersion(t, 0x0409, "040904b0", "Wine", 0x0409, 1200),
		langVersion(t, 0x040C, "040c04b0", "Vin", 0x040C, 1200),
	}
	s, ri := SummarizeVersions(res, "")
	assert.Equal(t, 1, ri)
	assert.Equal(t, "Wine", s.ProductName)
	assert.Equal(t, "1.1033.0.0", s.FixedFileVersion, "fixed info from the chosen resource")
	require.Len(t, s.Tables, 3)
	assert.Equal(t, 1, s.PrimaryTable)
	for i, want := range []struct {
		key, lang string
		id        uint16
	}{{"040104b0", "ar-SA", 0x0401}, {"040904b0", "en-US", 0x0409}, {"040c04b0", "fr-FR", 0x040C}} {
		assert.Equal(t, want.key, s.Tables[i].LangCodepage)
		assert.Equal(t, want.id, s.Tables[i].ResourceLangID)
		assert.Equal(t, want.lang, s.Tables[i].ResourceLanguage)
	}
	assert.Zero(t, res[0].Info.Tables[0].ResourceLangID, "the inputs are not modified")

	s, ri = SummarizeVersions(res, "fr-FR")
	assert.Equal(t, 2, ri)
	assert.Equal(t, "Vin", s.ProductName)
	assert.Equal(t, 2, s.PrimaryTable)

	s, ri = SummarizeVersions(nil, "fr-FR")
	assert.Equal(t, -1, ri)
	assert.Equal(t, -1, s.PrimaryTable)
	assert.NotNil(t, s.Tables)
}

func TestSummarizeVersionsCap(t *testing.T) {
	one := langVersion(t, 0x0409, "040904b0", "x")
	res := make([]LangVersion, MaxSummaryTables+5)
	for i := range res {
		res[i] = LangVersion{Lang: 0x0411, Info: one.Info}
	}
	res[len(res)-1].Lang = 0x0409 // chosen, but past the cap
	s, ri := SummarizeVersions(res, "")
	assert.Equal(t, len(res)-1, ri)
	assert.Len(t, s.Tables, MaxSummaryTables)
	assert.Equal(t, 5, s.TablesOmitted)
	assert.Equal(t, -1, s.PrimaryTable)
	assert.Equal(t, "x", s.ProductName)
}
