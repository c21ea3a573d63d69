package rsrc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLanguageTag(t *testing.T) {
	for id, want := range map[uint16]string{
		0x0409: "en-US", 0x040C: "fr-FR", 0x0419: "ru-RU", 0x0411: "ja-JP", 0x0804: "zh-CN",
		0x0404: "zh-TW", 0x0407: "de-DE", 0x0416: "pt-BR", 0x0816: "pt-PT", 0x0C0A: "es-ES",
		0x040A: "es-ES_tradnl", 0x0C0C: "fr-CA", 0x0412: "ko-KR", 0x0809: "en-GB",
		0x241A: "sr-Latn-RS", 0x0009: "en", 0x7C04: "zh-Hant", 0x0004: "zh-Hans", 0x0501: "qps-ploc",
		0x0000: "", 0x007F: "", 0x0400: "", 0x0800: "", 0x0C00: "", 0x1000: "", 0xFFFF: "", 0x4C0C: "",
	} {
		assert.Equal(t, want, LanguageTag(id), "%#04x", id)
	}
}

func TestLangIDRoundTrip(t *testing.T) {
	seen := map[string]uint16{}
	for id, tag := range langTags {
		if other, dup := seen[tag]; dup {
			t.Errorf("tag %q for both %#04x and %#04x", tag, id, other)
		}
		seen[tag] = id
		got, ok := LangID(tag)
		assert.True(t, ok, tag)
		assert.Equal(t, id, got, tag)
	}
	assert.Greater(t, len(langTags), 400)
}

func TestLangID(t *testing.T) {
	for tag, want := range map[string]uint16{
		"en-US": 0x0409, "EN-us": 0x0409, "pt_BR": 0x0416, "zh-cn": 0x0804, "es-ES_tradnl": 0x040A,
	} {
		got, ok := LangID(tag)
		assert.True(t, ok, tag)
		assert.Equal(t, want, got, tag)
	}
	for _, tag := range []string{"", "xx-YY", "neutral", "en-", "-US"} {
		_, ok := LangID(tag)
		assert.False(t, ok, tag)
	}
	assert.Equal(t, uint16(0x09), PrimaryLanguage(0x0409))
	assert.Equal(t, uint16(0x01), SubLanguage(0x0409))
	assert.Equal(t, uint16(0x09), SubLanguage(0x241A))
}

func TestParentLocale(t *testing.T) {
	for in, want := range map[string]string{
		"fr-CA": "fr", "fr": "", "": "", "sr-Latn-RS": "sr-Latn", "sr-Latn": "sr",
		"es-ES_tradnl": "es-ES", "ca-ES-valencia": "ca-ES", "zh-TW": "zh-Hant", "zh-hk": "zh-Hant",
		"zh-MO": "zh-Hant", "zh-CN": "zh-Hans", "zh-SG": "zh-Hans", "zh-Hant": "zh", "zh": "",
		"-": "", "a-": "a",
	} {
		assert.Equal(t, want, ParentLocale(in), in)
	}
}

func TestFallbackChain(t *testing.T) {
	assert.Equal(t, []string{"fr-CA", "fr", "en-US"}, FallbackChain("fr-CA", "en-US"))
	assert.Equal(t, []string{"en-US", "en"}, FallbackChain("en-US", "en-us"))
	assert.Equal(t, []string{"en-GB", "en", "en-US"}, FallbackChain("en-GB", "en-US"))
	assert.Equal(t, []string{"zh-TW", "zh-Hant", "zh", "en-US"}, FallbackChain("zh-TW", "en-US"))
	assert.Equal(t, []string{"de-DE", "de"}, FallbackChain("de-DE", ""))
	assert.Nil(t, FallbackChain("", ""))
	assert.Equal(t, `en-US\alg.exe.mui`, SatellitePath("alg.exe", "en-US"))
}

func TestErrorsAndAnomalyText(t *testing.T) {
	err := formatErr(0x1f8, "string table", "truncated", ErrTruncated)
	assert.EqualError(t, err, "rsrc: string table truncated at 0x1f8")
	assert.ErrorIs(t, err, ErrTruncated)
	assert.NotErrorIs(t, err, ErrBadSignature)
	a := Anomaly{Code: AnomVersionLengthTooSmall, Msg: "wLength 0", Offset: 0x5c}
	assert.Equal(t, "version/length-too-small at 0x5c: wLength 0", a.String())
}
