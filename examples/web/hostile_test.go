package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The strings of testdata/hostile/hostile-strings.exe (its README lists
// them), as the file holds them.
const (
	hostileSHA256  = "e8428f178278bcbb93b051a963806fcad167e71fdad4fa59ba480e39ae2b25c1"
	hostileCompany = `<script>alert("company")</script>`
	hostileDesc    = `"><img src=x onerror=alert(1)>`
	hostileProduct = `</svg><svg onload=alert(2)>`
	hostileVersion = "6.6.6.6 \u202eexe.txt"
	hostileOrig    = "invoice\u202efdp.exe"
	hostileCopy    = "&lt;b&gt; & 'single' \"double\" \x1b[2J"
)

// eventHandler matches a tag with an on…= attribute.
var eventHandler = regexp.MustCompile(`<[a-z][^>]*\son[a-z]+\s*=`)

// hostileTelemetry is a crowd whose strings attack the page too: OS,
// manufacturer, path, command line, service and module names.
func hostileTelemetry(t testing.TB) *stats.Aggregator {
	t.Helper()
	const n = 3
	p := stats.Profile{
		File:          stats.FileRef{SHA256: hostileSHA256, Name: "hostile-strings.exe"},
		Participants:  n,
		OS:            []stats.ValueCount{{Value: "<script>alert('os')</script>", Participants: n}},
		Countries:     []stats.ValueCount{{Value: "US", Participants: n}},
		Manufacturers: []stats.ValueCount{{Value: "\"><img src=x onerror=alert('mf')>\u202e", Participants: n}},
		Paths:         []stats.ValueCount{{Value: `C:\</svg><svg onload=alert(3)>\hostile-strings.exe`, Participants: n}},
		Process: stats.Process{
			CommandLine: "hostile-strings.exe <script>alert('cmd')</script>",
			Service:     stats.Service{Name: "</title><script>x</script>"},
		},
		Modules: []stats.ModuleProfile{{Name: "<svg onload=alert(4)>.dll", Participants: n}},
	}
	p.Means.Set(stats.Threads, 4)
	p.Modules[0].Means.Set(stats.ModMemoryBytes, 1024)
	agg, err := stats.NewAggregator(stats.WithMinParticipants(1))
	require.NoError(t, err)
	seq, err := stats.Synthesize(p, 1)
	require.NoError(t, err)
	for s := range seq {
		require.NoError(t, agg.Add(s))
	}
	sum, ok := agg.Summary(hostileSHA256)
	require.True(t, ok)
	require.True(t, sum.Published)
	return agg
}

// TestHostileStrings uploads the hostile sample and checks that its
// page, its SVG charts and its JSON carry every attacking string escaped.
func TestHostileStrings(t *testing.T) {
	f := newFixture(t, hostileTelemetry(t), nil)
	ct, body := multipartBody(t, "file", "hostile-strings.exe", sample(t, "hostile/hostile-strings.exe"))
	resp, _ := f.do(t, http.MethodPost, "/upload", ct, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/file/"+hostileSHA256, resp.Header.Get("Location"))

	resp, page := f.get(t, "/file/"+hostileSHA256)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assertHeaders(t, resp)
	lower := strings.ToLower(page)

	// Nothing of the attacker's becomes markup.
	assert.NotContains(t, lower, "<script", "no script element at all: the page has none of its own")
	assert.NotContains(t, lower, "<img")
	assert.NotContains(t, lower, "<svg onload")
	assert.NotContains(t, lower, "</svg><svg")
	assert.NotContains(t, lower, "</title><script")
	// Every '<' left is one of ours: no tag has an event handler.
	assert.Empty(t, eventHandler.FindAllString(lower, -1))
	// Our own SVGs only: the band, the sections, OS, country, manufacturer.
	assert.Equal(t, 5, strings.Count(lower, "<svg "), "SVG elements")
	assert.Equal(t, strings.Count(lower, "<svg "), strings.Count(lower, "</svg>"))
	// Bidi overrides and terminal escapes are shown, not obeyed.
	assert.NotContains(t, page, "\u202e")
	assert.NotContains(t, page, "\x1b")
	assert.Contains(t, page, `6.6.6.6 \u202eexe.txt`)
	assert.Contains(t, page, `invoice\u202efdp.exe`)
	assert.Contains(t, page, `\x1b[2J`)

	// The strings are there, escaped, in HTML text …
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;company&#34;)&lt;/script&gt;", // CompanyName
		"&#34;&gt;&lt;img src=x onerror=alert(1)&gt;",           // FileDescription
		"&lt;/svg&gt;&lt;svg onload=alert(2)&gt;",               // ProductName
		"&lt;script&gt;alert(&#39;os&#39;)&lt;/script&gt;",      // telemetry OS
		"&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;",          // service name
		"&lt;svg onload=alert(4)&gt;.dll",                       // module name
	} {
		assert.Contains(t, page, want)
	}
	// … and in the SVG charts' text and titles: the section names and the
	// crowd's values.
	sections := section(page, "chart-sections")
	require.NotEmpty(t, sections)
	for _, want := range []string{
		`<text class="label" x="0" y="65">&lt;script&gt; (r--)</text>`,
		`&#34;&gt;&lt;img (r--)`,
		`&lt;/svg&gt; (r--)`,
		`\xe2\x80\xaeexe. (r--)`, // the parser keeps the name's raw bytes
	} {
		assert.Contains(t, sections, want)
	}
	assert.Contains(t, section(page, "chart-os"), "<title>&lt;script&gt;alert(&#39;os&#39;)&lt;/script&gt;: 100.00%</title>")
	assert.Contains(t, section(page, "chart-manufacturer"), `&#34;&gt;&lt;img src=x onerror=alert(&#39;mf&#39;)&gt;\u202e`)

	// The JSON keeps the strings, with <, >, & and the overrides as \u escapes.
	resp, js := f.get(t, "/api/v1/files/"+hostileSHA256)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.NotContains(t, js, "<")
	assert.NotContains(t, js, ">")
	assert.NotContains(t, js, "\u202e")
	assert.NotContains(t, js, "\x1b")
	assert.Contains(t, js, `\u003cscript\u003ealert(\"company\")\u003c/script\u003e`)
	assert.Contains(t, js, `invoice\u202efdp.exe`)
	var rep filerep.FileReport
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	require.NotNil(t, rep.VersionInfo)
	vi := rep.VersionInfo
	assert.Equal(t, hostileCompany, vi.CompanyName)
	assert.Equal(t, hostileDesc, vi.FileDescription)
	assert.Equal(t, hostileProduct, vi.ProductName)
	assert.Equal(t, hostileVersion, vi.FileVersion)
	assert.Equal(t, hostileOrig, vi.OriginalFilename)
	assert.Equal(t, hostileCopy, vi.LegalCopyright)
	var names []string
	for _, s := range rep.Sections {
		names = append(names, s.Name)
	}
	assert.Subset(t, names, []string{"<script>", `"><img`, "</svg>"})
	require.NotNil(t, rep.Telemetry)
	assert.Equal(t, "<script>alert('os')</script>", rep.Telemetry.Distribution.OS[0].Value)

	// The search page escapes the query and the results.
	resp, res := f.get(t, "/search?q=%3Cscript%3Ealert(%22company%22)%3C%2Fscript%3E")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, strings.ToLower(res), "<script")
	assert.Contains(t, res, `href="/file/`+hostileSHA256+`"`, "found by publisher")

	// So does the home page's list of recent files.
	_, home := f.get(t, "/")
	assert.NotContains(t, strings.ToLower(home), "<script")
	assert.Contains(t, home, "&lt;script&gt;alert(&#34;company&#34;)&lt;/script&gt;")
}
