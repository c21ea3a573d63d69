package rsrc

import "strings"

// ParentLocale returns the locale Windows falls back to from tag, or "" when
// tag has no parent. The rule is BCP-47 truncation (RFC 4647 §3.4: drop the
// last subtag), after removing a Windows sort suffix, with Windows' parents
// for Chinese, whose regions map to a script:
//
//	fr-CA → fr → ""          sr-Latn-RS → sr-Latn → sr → ""
//	es-ES_tradnl → es-ES     ca-ES-valencia → ca-ES
//	zh-TW, zh-HK, zh-MO → zh-Hant → zh     zh-CN, zh-SG → zh-Hans → zh
//
// It never maps a region to another region (fr-CA does not fall back to
// fr-FR): Windows' MUI loader tries the parent ("fr") and then the file's
// ultimate fallback language (see [FallbackChain]). Matching is
// case-insensitive; the result keeps the casing of tag.
func ParentLocale(tag string) string {
	if i := strings.IndexByte(tag, '_'); i >= 0 {
		return tag[:i]
	}
	switch strings.ToLower(tag) {
	case "zh-tw", "zh-hk", "zh-mo":
		return "zh-Hant"
	case "zh-cn", "zh-sg":
		return "zh-Hans"
	}
	i := strings.LastIndexByte(tag, '-')
	if i <= 0 {
		return ""
	}
	return tag[:i]
}

// FallbackChain lists the languages to try, in order, when looking for a
// localized resource in tag: tag itself, each [ParentLocale] in turn, then
// ultimate (an LN file's UltimateFallbackLanguage, see
// [MUIConfig].FallbackLanguage). Empty and repeated entries (compared
// case-insensitively) are dropped. FallbackChain("fr-CA", "en-US") is
// [fr-CA fr en-US].
//
// This is an offline approximation of the MUI loader: on a live host the
// user's and the system's preferred UI languages come between the parents
// and the ultimate fallback.
func FallbackChain(tag, ultimate string) []string {
	var chain []string
	add := func(t string) {
		if t == "" {
			return
		}
		for _, c := range chain {
			if strings.EqualFold(c, t) {
				return
			}
		}
		chain = append(chain, t)
	}
	// Each step shortens the tag, except the Chinese region → script step,
	// whose result ("zh-Hant", "zh-Hans") then shortens to "zh" and "": the
	// loop ends.
	for t := tag; t != ""; t = ParentLocale(t) {
		add(t)
	}
	add(ultimate)
	return chain
}

// SatellitePath returns where the MUI loader looks for the satellite of the
// language-neutral file fileName in language lang, relative to the folder of
// the LN file: `<lang>\<fileName>.mui`, e.g. SatellitePath("alg.exe",
// "en-US") is `en-US\alg.exe.mui`. The separator is a backslash, as on
// Windows and in report.md's satellite_path; use
// strings.ReplaceAll(p, `\`, "/") for an io/fs path.
func SatellitePath(fileName, lang string) string {
	return lang + `\` + fileName + ".mui"
}
