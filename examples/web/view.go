package main

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/filerep/filerep"
	"github.com/filerep/filerep/internal/textsafe"
)

// safe makes a string from a file, the knowledge base or the crowd inert
// for display: control characters, bidi overrides and invalid UTF-8
// become visible escapes ("\u202e"). html/template then escapes it for
// its context (text, attribute, SVG text) on top of that. No file string
// is ever turned into template.HTML.
func safe(s string) string { return textsafe.String(s) }

// templateFuncs are the helpers the templates use.
var templateFuncs = template.FuncMap{
	// bars counts a chart's bars (0 for none).
	"bars": func(c *chart) int {
		if c == nil {
			return 0
		}
		return len(c.Bars)
	},
}

// errorPage is the data of the error template.
type errorPage struct {
	Status     int
	StatusText string
	Message    string
}

// homePage is the data of the home template.
type homePage struct {
	MaxUpload string
	Recent    []searchResult
}

// searchPage is the data of the search template.
type searchPage struct {
	Query    string
	Searched bool
	Results  []searchResult
}

// searchResult is one file found by a search; strings are already safe.
type searchResult struct {
	SHA256, Name, Detail, Level string
}

// row is one "label: value" line of a table; Value is already safe.
type row struct {
	Label, Value string
	Mono         bool
}

// group is a titled set of rows.
type group struct {
	Title string
	Rows  []row
}

// bar is one bar of a chart, laid out in SVG user units.
type bar struct {
	Label   string  // shown, shortened
	Full    string  // the whole value, in the bar's <title>
	Value   string  // the figure, as text beside the bar
	Y       int     // top of the bar
	TextY   int     // baseline of its texts
	W       float64 // bar width
	ValueX  float64 // where the figure starts
	Other   bool    // the folded "Other" bucket
	Classes string  // CSS classes of the bar
}

// chart is a horizontal bar chart drawn as SVG.
type chart struct {
	ID, Title, Column string
	Width, Height     int
	Bars              []bar
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 640
	labelWidth  = 250
	barX        = 260
	barMaxWidth = 300
	rowHeight   = 24
	barHeight   = 16
	labelRunes  = 34
)

// newChart lays out bars whose lengths are fractions (0..1) of the full
// bar; values are the texts written beside them.
func newChart(id, title, column string, labels, fulls, values []string, fractions []float64, others []bool) *chart {
	c := &chart{ID: id, Title: title, Column: column, Width: chartWidth, Height: len(labels)*rowHeight + 4}
	for i := range labels {
		f := fractions[i]
		if math.IsNaN(f) || f < 0 {
			f = 0
		}
		f = min(f, 1)
		w := math.Round(f*barMaxWidth*10) / 10
		if f > 0 && w < 1 {
			w = 1 // a share too small to draw still shows
		}
		b := bar{
			Label:   shorten(labels[i], labelRunes),
			Full:    fulls[i],
			Value:   values[i],
			Y:       i*rowHeight + 4,
			TextY:   i*rowHeight + 4 + barHeight - 3,
			W:       w,
			ValueX:  barX + w + 6,
			Classes: "bar",
		}
		if others != nil && others[i] {
			b.Other = true
			b.Classes = "bar other"
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// distChart draws a telemetry distribution.
func distChart(id, title, column string, es []filerep.DistributionEntry) *chart {
	if len(es) == 0 {
		return nil
	}
	var labels, values []string
	var fr []float64
	var others []bool
	for _, e := range es {
		labels = append(labels, safe(e.Value))
		values = append(values, formatShare(e.Share))
		fr = append(fr, e.Share)
		others = append(others, e.Other)
	}
	return newChart(id, title, column, labels, labels, values, fr, others)
}

// verdictView is the coloured band of the verdict.
type verdictView struct {
	Level, Summary, Statement string
	Score                     int
	ScoreW                    float64
	Reasons                   []row
}

// filePageView is the data of the file template; every string in it is
// already safe (see safe), and html/template escapes it again.
type filePageView struct {
	Name, TitleLine, SHA256 string
	Analysed                bool
	Verdict                 *verdictView
	Versions                []row
	Parents, Modules        []string
	Hashes                  []row
	Details                 []row
	DNA                     []row
	Sections                *chart
	Behaviors               []row
	Signature               []row
	Known                   []row
	Anomalies, Errors       []string

	Telemetry       bool
	Note            string
	Resources       []group
	Process         []row
	Service         []row
	Threads         []group
	OS, Country     *chart
	Manufacturer    *chart
	CountrySentence string
	TelemetryCounts string
}

// buildFilePage turns the report into the page's data, escaping every
// string that does not come from this program.
func buildFilePage(d *fileData) filePageView {
	r := d.FileReport
	p := filePageView{Name: safe(r.File.Name), SHA256: r.Hashes.SHA256, Analysed: d.Analysed}

	var vi struct{ company, product, desc, orig, fver, pver, copyright string }
	if r.VersionInfo != nil {
		v := r.VersionInfo
		vi.company, vi.product, vi.desc, vi.orig, vi.fver, vi.pver, vi.copyright = v.CompanyName, v.ProductName, v.FileDescription, v.OriginalFilename, v.FileVersion, v.ProductVersion, v.LegalCopyright
	}
	if r.Localized != nil && r.Localized.VersionInfo != nil {
		v := r.Localized.VersionInfo
		vi.company, vi.product, vi.desc, vi.orig, vi.fver, vi.pver, vi.copyright = v.CompanyName, v.ProductName, v.FileDescription, v.OriginalFilename, v.FileVersion, v.ProductVersion, v.LegalCopyright
	}
	if !d.Analysed && len(d.Records) > 0 {
		rec := d.Records[0]
		vi.company, vi.product, vi.fver = rec.Publisher, rec.Product, rec.Version
	}
	p.TitleLine = safe(titleLine(cmp.Or(vi.desc, vi.product), vi.company))

	if v := r.Verdict; v != nil {
		level := string(v.Level)
		if !levelOK(level) {
			level = string(filerep.LevelUnknown)
		}
		vv := &verdictView{Level: level, Summary: safe(v.Summary), Statement: safe(v.Statement), Score: v.Score,
			ScoreW: float64(max(0, min(100, v.Score))) * (chartWidth - 20) / 100}
		for _, rs := range v.Reasons {
			vv.Reasons = append(vv.Reasons, row{Label: fmt.Sprintf("%+d %s", rs.Weight, safe(rs.Signal)), Value: safe(rs.Detail)})
		}
		p.Verdict = vv
	}
	for _, v := range r.AdditionalVersions {
		p.Versions = append(p.Versions, row{Label: safe(v.Version), Value: v.SHA256, Mono: true})
	}
	if rel := r.Relationships; rel != nil {
		for _, s := range rel.Parents {
			p.Parents = append(p.Parents, safe(s))
		}
		for _, s := range rel.Modules {
			p.Modules = append(p.Modules, safe(s))
		}
	}

	add := func(rows *[]row, label, value string) {
		if value != "" {
			*rows = append(*rows, row{Label: label, Value: safe(value)})
		}
	}
	add(&p.Hashes, "Version", vi.fver)
	for _, h := range [][2]string{{"MD5", r.Hashes.MD5}, {"SHA1", r.Hashes.SHA1}, {"SHA256", r.Hashes.SHA256}, {"BLAKE3", r.Hashes.BLAKE3}} {
		if h[1] != "" {
			p.Hashes = append(p.Hashes, row{Label: h[0], Value: safe(h[1]), Mono: true})
		}
	}

	add(&p.Details, "File name", r.File.Name)
	add(&p.Details, "Publisher", vi.company)
	add(&p.Details, "Product name", vi.product)
	add(&p.Details, "Description", vi.desc)
	add(&p.Details, "Typical file path", r.TypicalPath)
	add(&p.Details, "Original name", vi.orig)
	add(&p.Details, "File version", vi.fver)
	add(&p.Details, "Product version", vi.pver)
	add(&p.Details, "Copyright", vi.copyright)
	if d.Analysed {
		add(&p.Details, "Size", filerep.HumanSize(r.File.Size))
		add(&p.Details, "Kind", string(r.File.Kind))
		add(&p.Details, "Imphash", r.Hashes.Imphash)
		add(&p.Details, "Authentihash", r.Hashes.Authentihash)
	}
	for _, rec := range d.Records {
		p.Known = append(p.Known, row{Label: safe(rec.Source), Value: rec.Trust.String() + ": " + safe(strings.Trim(strings.Join([]string{rec.Name, rec.Product, rec.Version, rec.Publisher}, " · "), " ·"))})
	}

	if dna := r.DNA; dna != nil {
		add(&p.DNA, "PE subsystem", dna.Subsystem)
		add(&p.DNA, "Platform", dna.Platform+" ("+dna.Machine+")")
		add(&p.DNA, "Entropy", strconv.FormatFloat(dna.Entropy, 'f', 6, 64))
		packed := "No"
		if dna.Packed {
			var names []string
			for _, pk := range dna.Packers {
				names = append(names, strings.TrimSpace(pk.Name+" "+pk.Version))
			}
			packed = "Yes (" + strings.Join(names, ", ") + ")"
		}
		add(&p.DNA, "File packed", packed)
		add(&p.DNA, "Code language", dna.CodeLanguage)
		clr := "No"
		if dna.DotNet {
			clr = strings.TrimSpace("Yes " + dna.CLRVersion)
		}
		add(&p.DNA, ".NET CLR", clr)
		if c := dna.Compiler; c != nil {
			add(&p.DNA, "Compiler", strings.TrimSpace(c.Name+" "+c.Version))
		}
		add(&p.DNA, "Installer", dna.Installer)
	} else if r.File.Entropy != nil {
		add(&p.DNA, "Entropy", strconv.FormatFloat(*r.File.Entropy, 'f', 6, 64))
	}
	if len(r.Sections) > 0 {
		var labels, values []string
		var fr []float64
		for _, s := range r.Sections {
			labels = append(labels, safe(s.Name)+" ("+s.Flags+")")
			values = append(values, strconv.FormatFloat(s.Entropy, 'f', 2, 64)+" bits/byte")
			fr = append(fr, s.Entropy/8)
		}
		p.Sections = newChart("chart-sections", "Section entropy", "Section", labels, labels, values, fr, nil)
	}
	for _, b := range r.Behaviors {
		var ev []string
		for _, e := range b.Evidence {
			ev = append(ev, e.String())
		}
		p.Behaviors = append(p.Behaviors, row{Label: safe(b.Description), Value: safe(strings.Join(ev, ", "))})
	}
	if sg := r.Signature; sg != nil {
		signed := "No embedded signature"
		if sg.Signed {
			signed = "Yes, signature intact"
			if !sg.IntegrityOK {
				signed = "Yes, but INVALID: the file or its signature was changed"
			}
			if sg.Verified {
				signed += "; trusted"
			} else {
				signed += "; not trusted"
			}
		}
		add(&p.Signature, "Signed", signed)
		for _, sn := range sg.Signers {
			add(&p.Signature, "Signer", sn.Subject)
		}
		add(&p.Signature, "Chain", sg.Root)
		add(&p.Signature, "Signing time", sg.Timestamp)
		for _, e := range sg.Errors {
			add(&p.Signature, "Why not trusted", e)
		}
		add(&p.Signature, "Catalog", cmp.Or(sg.CatalogDetail, sg.CatalogStatus))
	}
	for _, a := range r.Anomalies {
		p.Anomalies = append(p.Anomalies, safe(a))
	}
	for _, e := range r.Errors {
		p.Errors = append(p.Errors, safe(e))
	}
	if r.Telemetry != nil {
		telemetryView(&p, r.Telemetry, cmp.Or(vi.desc, r.File.Name))
	}
	return p
}

// telemetryView fills the crowd half of the page.
func telemetryView(p *filePageView, s *filerep.Telemetry, product string) {
	p.Telemetry = true
	if !s.Published {
		p.Note = fmt.Sprintf("No statistics yet: %s unique participants reported this file; at least %s are needed.",
			commas(s.Participants), commas(int64(s.MinParticipants)))
	} else {
		p.Note = fmt.Sprintf("Statistics below are averages based on a minimum sample size of %s unique participants.", commas(int64(s.MinParticipants)))
	}
	p.TelemetryCounts = fmt.Sprintf("%s unique participants, %s samples", commas(s.Participants), commas(s.Samples))
	if ru := s.ResourceUtilization; ru != nil {
		for _, g := range [...]struct{ key, title string }{{"cpu", "CPU"}, {"memory", "Memory"}, {"io", "I/O"}, {"", "Resource allocations"}} {
			var rows []row
			for path, v := range ru.All() {
				mi, known := metricInfo[path]
				if !known || metricGroup(path) != g.key {
					continue
				}
				rows = append(rows, row{Label: mi.label, Value: formatValue(v, mi.unit)})
			}
			if len(rows) > 0 {
				p.Resources = append(p.Resources, group{Title: g.title, Rows: rows})
			}
		}
	}
	if pr := s.Process; pr != nil {
		mode := func(rows *[]row, label string, m *filerep.TelemetryMode) {
			if m != nil {
				*rows = append(*rows, row{Label: label, Value: safe(m.Value)})
			}
		}
		mode(&p.Process, "Integrity level", pr.IntegrityLevel)
		mode(&p.Process, "Platform", pr.Platform)
		mode(&p.Process, "Command line", pr.CommandLine)
		mode(&p.Process, "Owner", pr.Owner)
		mode(&p.Process, "Parent process", pr.Parent)
		if sv := pr.Service; sv != nil {
			mode(&p.Service, "Service name", sv.Name)
			if m, ok := pickLocale(sv.DisplayName); ok {
				p.Service = append(p.Service, row{Label: "Display name", Value: safe(m.Value)})
			}
			if m, ok := pickLocale(sv.Description); ok {
				p.Service = append(p.Service, row{Label: "Description", Value: "“" + safe(m.Value) + "”"})
			}
			mode(&p.Service, "Type", sv.Type)
		}
	}
	for _, m := range s.Modules {
		title := safe(m.Name)
		if strings.EqualFold(m.Name, s.File.Name) {
			title += " (main module)"
		}
		var rows []row
		for key, v := range m.Metrics() {
			if mi, known := moduleMetricInfo[key]; known {
				rows = append(rows, row{Label: mi.label, Value: formatValue(v, mi.unit)})
			}
		}
		p.Threads = append(p.Threads, group{Title: title, Rows: rows})
	}
	if d := s.Distribution; d != nil {
		p.OS = distChart("chart-os", "Distribution by Windows OS", "OS version", d.OS)
		p.Country = distChart("chart-country", "Distribution by country", "Country", d.Country)
		p.Manufacturer = distChart("chart-manufacturer", "Distribution by PC manufacturer", "PC Manufacturer", d.Manufacturer)
		if len(d.Country) > 0 && !d.Country[0].Other {
			top := d.Country[0]
			p.CountrySentence = fmt.Sprintf("%s installs about %s of %s.", safe(top.Value), formatShare(top.Share), safe(product))
		}
	}
}

// pickLocale returns the localized string most participants reported
// (ties: the smaller locale tag).
func pickLocale(m map[string]filerep.TelemetryMode) (filerep.TelemetryMode, bool) {
	if len(m) == 0 {
		return filerep.TelemetryMode{}, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b].Participants, m[a].Participants), strings.Compare(a, b))
	})
	return m[keys[0]], true
}

// titleLine is "Description by Company" as the seed page has it.
func titleLine(desc, company string) string {
	company = strings.TrimSpace(company)
	for _, suf := range []string{" Corporation", " Corp.", " Inc.", " Ltd.", " GmbH", " LLC"} {
		company = strings.TrimSuffix(company, suf)
	}
	switch {
	case desc != "" && company != "":
		return desc + " by " + company
	case desc != "":
		return desc
	}
	return company
}

// unit says how a telemetry figure is printed.
type unit uint8

const (
	unitPct unit = iota
	unitMsPerMin
	unitPerSec
	unitBytes
	unitPerMin
	unitBytesPerSec
	unitCount
)

// metricText is a metric's label on the page and its unit.
type metricText struct {
	label string
	unit  unit
}

// metricInfo labels the summary's metrics (by JSON path) as the seed page
// does. Package stats keeps its own table unexported.
var metricInfo = map[string]metricText{
	"cpu.total_pct":                 {"Total CPU", unitPct},
	"cpu.kernel_pct":                {"Kernel CPU", unitPct},
	"cpu.user_pct":                  {"User CPU", unitPct},
	"cpu.kernel_ms_per_min":         {"Kernel CPU time", unitMsPerMin},
	"cpu.cycles_per_sec":            {"CPU cycles", unitPerSec},
	"memory.private_bytes":          {"Private memory", unitBytes},
	"memory.private_max_bytes":      {"Private (maximum)", unitBytes},
	"memory.private_min_bytes":      {"Private (minimum)", unitBytes},
	"memory.nonpaged_bytes":         {"Non-paged memory", unitBytes},
	"memory.virtual_bytes":          {"Virtual memory", unitBytes},
	"memory.virtual_peak_bytes":     {"Virtual memory (peak)", unitBytes},
	"memory.working_set_bytes":      {"Working set", unitBytes},
	"memory.working_set_peak_bytes": {"Working set (peak)", unitBytes},
	"memory.page_faults_per_min":    {"Page faults", unitPerMin},
	"io.read_bytes_per_sec":         {"I/O read transfer", unitBytesPerSec},
	"io.read_ops_per_sec":           {"I/O read operations", unitPerSec},
	"io.other_bytes_per_sec":        {"I/O other transfer", unitBytesPerSec},
	"io.other_ops_per_sec":          {"I/O other operations", unitPerSec},
	"threads":                       {"Threads", unitCount},
	"handles":                       {"Handles", unitCount},
}

// moduleMetricInfo labels the per-module metrics.
var moduleMetricInfo = map[string]metricText{
	"total_cpu_pct":  {"Total CPU", unitPct},
	"kernel_cpu_pct": {"Kernel CPU", unitPct},
	"user_cpu_pct":   {"User CPU", unitPct},
	"cycles_per_sec": {"CPU cycles", unitPerSec},
	"memory_bytes":   {"Memory", unitBytes},
}

// metricGroup is the part of a metric's path before the dot ("" for none).
func metricGroup(path string) string {
	g, _, ok := strings.Cut(path, ".")
	if !ok {
		return ""
	}
	return g
}

// formatValue prints a figure as the seed page does.
func formatValue(v float64, u unit) string {
	switch u {
	case unitPct:
		return strconv.FormatFloat(v, 'f', 8, 64) + "%"
	case unitMsPerMin:
		return commas(round(v)) + " ms/min"
	case unitPerSec:
		return commas(round(v)) + "/sec"
	case unitBytes:
		return formatBytes(v)
	case unitPerMin:
		return commas(round(v)) + "/min"
	case unitBytesPerSec:
		return formatBytes(v) + "/sec"
	}
	return commas(round(v))
}

func round(v float64) int64 { return int64(math.Round(v)) }

// formatBytes prints "30 Bytes", "100 KB", "1.23 MB", "2.50 GB".
func formatBytes(v float64) string {
	switch {
	case round(v) < 1024:
		return commas(round(v)) + " Bytes"
	case round(v/1024) < 1024:
		return commas(round(v/1024)) + " KB"
	case v/(1<<20) < 1023.995:
		return strconv.FormatFloat(v/(1<<20), 'f', 2, 64) + " MB"
	}
	return strconv.FormatFloat(v/(1<<30), 'f', 2, 64) + " GB"
}

// formatShare prints a fraction as a percentage with two decimals.
func formatShare(s float64) string { return strconv.FormatFloat(s*100, 'f', 2, 64) + "%" }

// commas prints n with thousands separators: 114980 → "114,980".
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// levelOK reports whether l is a verdict level (used for CSS classes).
func levelOK(l string) bool {
	switch filerep.Level(l) {
	case filerep.LevelSafe, filerep.LevelLikelySafe, filerep.LevelUnknown, filerep.LevelSuspicious, filerep.LevelMalicious:
		return true
	}
	return false
}
