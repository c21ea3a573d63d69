package stats

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/filerep/filerep/internal/textsafe"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

type textConfig struct {
	product string
	locale  string
}

// TextOption configures [WriteText].
type TextOption func(*textConfig)

// WithProduct sets the product name in the country sentence ("United
// States installs about 49.75% of <product>."), such as the file's
// FileDescription. Default: the summary's file name.
func WithProduct(name string) TextOption { return func(c *textConfig) { c.product = name } }

// WithLocale chooses which locale's service strings to show, such as
// "fr-FR". Default (or when the summary has none for it): the locale
// reported by most participants (ties: the smaller tag).
func WithLocale(locale string) TextOption { return func(c *textConfig) { c.locale = locale } }

// WriteText writes the summary as text laid out like the lower half of
// the seed page: Resource utilization, Process properties, Threads, and
// Distribution by Windows OS, by country and by PC manufacturer, as
// "| label: | value |" rows with the page's units ("0.00038821%", "114,980
// ms/min", "1.23 MB", "3,065/min", "30 Bytes/sec"). Blocks without data are
// left out ("Behaviors" comes from the file, not from telemetry). An
// unpublished summary gives a note instead of figures. A last line counts
// participants, samples and rejections. WriteText returns the first write
// error.
//
// Strings from the samples (OS, manufacturer, process properties, service
// strings, module names, the product) are printed with their control
// characters, bidi overrides and invalid UTF-8 escaped ("\x1b", "\u202e"),
// so that a sample cannot rewrite the terminal or forge a row; the
// [Summary] itself, and so its JSON form, keeps the original strings.
func WriteText(w io.Writer, s *Summary, opts ...TextOption) error {
	var cfg textConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.product == "" {
		cfg.product = s.File.Name
	}
	bw := bufio.NewWriter(w)
	safe := textsafe.String
	// row and head escape their value: it may come from the samples.
	row := func(k, v string) { fmt.Fprintf(bw, "| %s: | %s |\n", k, safe(v)) }
	head := func(h string) { fmt.Fprintf(bw, "| %s |\n", safe(h)) }

	fmt.Fprintln(bw, "Resource utilization")
	if !s.Published {
		fmt.Fprintf(bw, "(Note: no statistics yet: %s unique participants reported this file; at least %s are needed)\n",
			commas(s.Participants), commas(int64(s.MinParticipants)))
	} else {
		fmt.Fprintf(bw, "(Note: statistics below are averages based on a minimum sample size of %s unique participants)\n",
			commas(int64(s.MinParticipants)))
	}
	if ru := s.ResourceUtilization; ru != nil && ru.has != 0 {
		fmt.Fprintln(bw, "Averages")
		for _, g := range [...]struct{ group, title string }{
			{"cpu", "CPU"}, {"memory", "Memory"}, {"io", "I/O"}, {"", "Resource allocations"},
		} {
			headed := false
			for k := Metric(0); k < NumMetrics; k++ {
				mi := &metricTable[k]
				v, ok := ru.Get(k)
				if mi.group != g.group || !ok {
					continue
				}
				if !headed {
					head(g.title)
					headed = true
				}
				row(mi.label, formatValue(v, mi.unit))
			}
		}
	}

	if p := s.Process; p != nil {
		fmt.Fprintln(bw, "\nProcess properties")
		mode := func(label string, m *Mode) {
			if m != nil {
				row(label, m.Value)
			}
		}
		mode("Integrity level", p.IntegrityLevel)
		mode("Platform", p.Platform)
		mode("Command line", p.CommandLine)
		mode("Owner", p.Owner)
		if sv := p.Service; sv != nil {
			head("Windows Service")
			mode("Service name", sv.Name)
			if m, ok := pickLocale(sv.DisplayName, cfg.locale); ok {
				row("Display name", m.Value)
			}
			if m, ok := pickLocale(sv.Description, cfg.locale); ok {
				row("Description", "“"+m.Value+"”")
			}
			mode("Type", sv.Type)
		}
		mode("Parent process", p.Parent)
	}

	if len(s.Modules) > 0 {
		fmt.Fprintln(bw, "\nThreads")
		fmt.Fprintln(bw, "Averages")
		for _, m := range s.Modules {
			name := m.Name
			if strings.EqualFold(name, s.File.Name) {
				name += " (main module)"
			}
			head(name)
			for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
				if v, ok := m.Metrics.Get(k); ok {
					row(moduleMetricTable[k].label, formatValue(v, moduleMetricTable[k].unit))
				}
			}
		}
	}

	if d := s.Distribution; d != nil {
		table := func(title, column string, es []Entry) {
			if len(es) == 0 {
				return
			}
			fmt.Fprintf(bw, "\n%s\n", title)
			fmt.Fprintf(bw, "| %s | distribution |\n", column)
			for _, e := range es {
				fmt.Fprintf(bw, "| %s | %s |\n", safe(e.Value), formatShare(e.Share))
			}
		}
		table("Distribution by Windows OS", "OS version", d.OS)
		if len(d.Country) > 0 {
			fmt.Fprintln(bw, "\nDistribution by country")
			if top := d.Country[0]; !top.Other {
				fmt.Fprintf(bw, "%s installs about %s of %s.\n", safe(top.Value), formatShare(top.Share), safe(cfg.product))
			}
			fmt.Fprintln(bw, "| Country | distribution |")
			for _, e := range d.Country {
				fmt.Fprintf(bw, "| %s | %s |\n", safe(e.Value), formatShare(e.Share))
			}
		}
		table("Distribution by PC manufacturer", "PC Manufacturer", d.Manufacturer)
	}

	fmt.Fprintf(bw, "\n(Telemetry: %s unique participants, %s samples", commas(s.Participants), commas(s.Samples))
	var rej []string
	var total int64
	for r, n := range s.Rejected {
		rej = append(rej, r.String()+" "+commas(n))
		total += n
	}
	slices.Sort(rej)
	if total > 0 {
		fmt.Fprintf(bw, "; %s rejected: %s", commas(total), strings.Join(rej, ", "))
	}
	fmt.Fprintln(bw, ")")
	return bw.Flush()
}

// pickLocale returns the string for want, or for the locale most
// participants reported.
func pickLocale(m map[string]Mode, want string) (Mode, bool) {
	if v, ok := m[want]; ok && want != "" {
		return v, true
	}
	best, found := "", false
	for l, v := range m {
		if !found || cmp.Or(cmp.Compare(v.Participants, m[best].Participants), strings.Compare(best, l)) > 0 {
			best, found = l, true
		}
	}
	return m[best], found
}

// formatValue prints a metric the way the seed page does.
func formatValue(v float64, u unit) string {
	switch u {
	case unitPct:
		return strconv.FormatFloat(v, 'f', 8, 64) + "%"
	case unitMsPerMin:
		return commas(round(v)) + " ms/min"
	case unitCycles, unitOpsPerSec:
		return commas(round(v)) + "/sec"
	case unitBytes:
		return formatBytes(v)
	case unitPerMin:
		return commas(round(v)) + "/min"
	case unitBytesPerSec:
		return formatBytes(v) + "/sec"
	default:
		return commas(round(v))
	}
}

func round(v float64) int64 { return int64(math.Round(v)) }

// formatBytes prints a size as the page does: "30 Bytes", "100 KB",
// "1.23 MB", "2.50 GB" (binary multiples).
func formatBytes(v float64) string {
	switch {
	case round(v) < 1024:
		return commas(round(v)) + " Bytes"
	case round(v/1024) < 1024:
		return commas(round(v/1024)) + " KB"
	case v/(1<<20) < 1023.995:
		return strconv.FormatFloat(v/(1<<20), 'f', 2, 64) + " MB"
	default:
		return strconv.FormatFloat(v/(1<<30), 'f', 2, 64) + " GB"
	}
}

func formatShare(s float64) string { return strconv.FormatFloat(s*100, 'f', 2, 64) + "%" }

// englishNumbers formats numbers as in English; a Printer is safe for
// concurrent use (each call takes its own state from a pool).
var englishNumbers = sync.OnceValue(func() *message.Printer { return message.NewPrinter(language.English) })

// commas prints n with thousands separators: 114980 → "114,980".
func commas(n int64) string { return englishNumbers().Sprint(n) }
