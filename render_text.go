package filerep

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/stats"
)

// TextOption configures [FileReport.WriteText].
type TextOption func(*textConfig)

type textConfig struct {
	lang string
}

// TextLanguage is the reader's UI language (a BCP 47 tag such as "fr-FR"):
// the crowd telemetry's localized strings (a service's display name and
// description) are shown in it when the summary has them. The file's own
// localized strings follow [WithLanguage], which chose them at analysis.
func TextLanguage(tag string) TextOption { return func(c *textConfig) { c.lang = tag } }

// WriteText writes the report as text laid out like the seed
// file-reputation page, in its order: the file's name, "<description> by
// <publisher>" and hashes; "Should I block it?" with the verdict and its
// reasons; additional versions and relationships; the evidence statement
// and "What is <name>?"; "About <name> (from <publisher>)"; Details (with
// the typical path); Digital DNA; Behaviors; the crowd statistics; then
// the technical sections (signature, sections, more details, MUI,
// anomalies, errors). Blocks without data are left out.
//
// Every string that comes from the file, the knowledge base or the crowd
// (names, paths, version strings, signer subjects, reasons, …) is printed
// with its control characters, bidi overrides and invalid UTF-8 escaped
// ("\x1b", "\u202e"), so that a file cannot rewrite the terminal or forge
// a row; the JSON form keeps the original strings.
func (r *FileReport) WriteText(w io.Writer, opts ...TextOption) error {
	var cfg textConfig
	for _, o := range opts {
		o(&cfg)
	}
	bw := bufio.NewWriter(w)
	safe := textsafe.String
	// row escapes its value: every row's value may hold file strings.
	row := func(k, v string) { fmt.Fprintf(bw, "| %s: | %s |\n", k, safe(v)) }

	// Like Windows, show the version strings of the satellite in the
	// chosen language when there is one (the JSON has both).
	var vi *VersionSummary
	if r.VersionInfo != nil {
		vi = &r.VersionInfo.VersionSummary
	}
	if r.Localized != nil && r.Localized.VersionInfo != nil {
		vi = r.Localized.VersionInfo
	}
	var company, description string
	if vi != nil {
		company, description = vi.CompanyName, vi.FileDescription
	}

	// The page's head: name, "X by Publisher", version and hashes.
	fmt.Fprintln(bw, safe(r.File.Name))
	if line := titleLine(description, company); line != "" {
		fmt.Fprintln(bw, safe(line))
	}
	if vi != nil && vi.FileVersion != "" {
		row("Version", vi.FileVersion)
	}
	for _, h := range [][2]string{{"MD5", r.Hashes.MD5}, {"SHA1", r.Hashes.SHA1}, {"SHA256", r.Hashes.SHA256}, {"BLAKE3", r.Hashes.BLAKE3}} {
		if h[1] != "" {
			row(h[0], h[1])
		}
	}
	switch {
	case r.File.Kind == KindUnreadable && r.File.Partial:
		fmt.Fprintln(bw, "Not analysed: the time allowed ran out before the file was read and parsed.")
	case r.File.Kind == KindUnreadable:
		fmt.Fprintln(bw, "Not analysed: the file could not be read (see Errors).")
	case r.File.Partial:
		fmt.Fprintln(bw, "Partial report: the time allowed ran out before the analysis was complete.")
	}

	if v := r.Verdict; v != nil {
		fmt.Fprintln(bw, "\nShould I block it?")
		fmt.Fprintf(bw, "%s (score %d/100)\n", safe(v.Summary), v.Score)
		for _, rs := range v.Reasons {
			fmt.Fprintf(bw, "  %+d %s: %s\n", rs.Weight, safe(rs.Signal), safe(rs.Detail))
		}
	}
	if len(r.AdditionalVersions) > 0 {
		fmt.Fprintln(bw, "\nAdditional versions")
		for _, v := range r.AdditionalVersions {
			fmt.Fprintf(bw, "- %s %s\n", safe(v.Version), safe(v.SHA256))
		}
	}
	if rel := r.Relationships; rel != nil || len(r.SimilarFiles) > 0 {
		fmt.Fprintln(bw, "\nRelationships")
		if rel != nil && len(rel.Parents) > 0 {
			fmt.Fprintf(bw, "- started by %s\n", textsafe.Join(rel.Parents, ", "))
		}
		if rel != nil && len(rel.Modules) > 0 {
			fmt.Fprintf(bw, "- loads %s\n", textsafe.Join(rel.Modules, ", "))
		}
		for _, s := range r.SimilarFiles {
			fmt.Fprintf(bw, "- similar to %s %s (%s)\n", safe(s.Name), safe(s.SHA256), s.measure())
		}
	}

	statement := ""
	if r.Verdict != nil {
		statement = r.Verdict.Statement
	}
	what := r.whatIs(vi, cfg.lang)
	if statement != "" || what != "" {
		fmt.Fprintln(bw)
		if statement != "" {
			fmt.Fprintln(bw, safe(statement))
		}
		if what != "" {
			fmt.Fprintf(bw, "What is %s?\n%s\n", safe(r.File.Name), safe(what))
		}
	}
	if about := aboutText(vi); about != "" {
		head := "About " + r.File.Name
		if c := shortCompany(company); c != "" {
			head += " (from " + c + ")"
		}
		fmt.Fprintf(bw, "\n%s\n“%s”\n", safe(head), safe(about))
	}

	fmt.Fprintln(bw, "\nDetails")
	row("File name", r.File.Name)
	if vi != nil {
		for _, kv := range [][2]string{
			{"Publisher", vi.CompanyName},
			{"Product name", vi.ProductName},
			{"Description", vi.FileDescription},
		} {
			if kv[1] != "" {
				row(kv[0], kv[1])
			}
		}
	}
	if r.TypicalPath != "" {
		row("Typical file path", r.TypicalPath)
	}
	if r.File.HostPath != "" {
		row("Path on its host", r.File.HostPath)
	}
	if vi != nil {
		for _, kv := range [][2]string{
			{"Original name", vi.OriginalFilename},
			{"File version", vi.FileVersion},
			{"Product version", vi.ProductVersion},
		} {
			if kv[1] != "" {
				row(kv[0], kv[1])
			}
		}
	}
	if r.Localized != nil {
		row("Localized from", fmt.Sprintf("%s (%s)", r.Localized.SatellitePath, r.Localized.Language))
	}
	if r.Hashes.MD5 != "" || r.File.Size > 0 {
		row("Size", HumanSize(r.File.Size))
	}
	row("Kind", string(r.File.Kind))

	if d := r.DNA; d != nil {
		fmt.Fprintln(bw, "\nDigital DNA")
		row("PE subsystem", d.Subsystem)
		row("Platform", fmt.Sprintf("%s (%s)", d.Platform, d.Machine))
		row("Entropy", fmt.Sprintf("%.6f", d.Entropy))
		clr := "No"
		if d.DotNet {
			clr = "Yes"
			if d.CLRVersion != "" {
				clr += " (" + d.CLRVersion + ")"
			}
		}
		packed := "No"
		if d.Packed {
			var names []string
			for _, p := range d.Packers {
				names = append(names, strings.TrimSpace(p.Name+" "+p.Version))
			}
			packed = "Yes (" + strings.Join(names, ", ") + ")"
		}
		row("File packed", packed)
		row("Code language", d.CodeLanguage)
		row(".NET CLR", clr)
		if c := d.Compiler; c != nil && (c.Version != "" || c.Name != d.CodeLanguage) {
			row("Compiler", strings.TrimSpace(c.Name+" "+c.Version))
		}
		if d.Installer != "" {
			inst := d.Installer
			if d.InstallerDetail != nil && d.InstallerDetail.Version != "" {
				inst += " " + d.InstallerDetail.Version
			}
			row("Installer", inst)
		}
	} else if r.File.Entropy != nil {
		fmt.Fprintln(bw, "\nDigital DNA")
		row("Entropy", fmt.Sprintf("%.6f", *r.File.Entropy))
	}

	if len(r.Behaviors) > 0 {
		fmt.Fprintln(bw, "\nBehaviors")
		for _, b := range r.Behaviors {
			ev := ""
			if len(b.Evidence) > 0 {
				ev = " (" + b.Evidence[0].String()
				if len(b.Evidence) > 1 {
					ev += fmt.Sprintf(", +%d", len(b.Evidence)-1)
				}
				ev += ")"
			}
			fmt.Fprintf(bw, "- %s%s\n", safe(b.Description), safe(ev))
		}
	}

	if r.Telemetry != nil {
		fmt.Fprintln(bw)
		product := r.File.Name
		if description != "" {
			product = description
		}
		topts := []stats.TextOption{stats.WithProduct(product)}
		if cfg.lang != "" {
			topts = append(topts, stats.WithLocale(cfg.lang))
		}
		if err := stats.WriteText(bw, r.Telemetry.summary(), topts...); err != nil {
			return err
		}
	}

	r.writeTechnical(bw, row)
	return bw.Flush()
}

// writeTechnical writes the sections after the page's: the signature,
// more details, the section table, the MUI configuration, anomalies and
// errors.
func (r *FileReport) writeTechnical(bw *bufio.Writer, row func(k, v string)) {
	safe := textsafe.String
	if sg := r.Signature; sg != nil {
		fmt.Fprintln(bw, "\nDigital signature")
		switch {
		case !sg.Signed:
			row("Signed", "No embedded signature")
		default:
			state := "signature intact"
			if !sg.IntegrityOK {
				state = "INVALID: the file or its signature was changed"
			}
			trust := "not trusted"
			if sg.Verified {
				trust = "trusted"
			}
			row("Signed", fmt.Sprintf("Yes, %s; %s", state, trust))
			for i, s := range sg.Signers {
				label := "Signer"
				if i > 0 {
					label = "Nested signer"
				}
				row(label, fmt.Sprintf("%s (issuer %s, %s)", s.Subject, s.Issuer, s.DigestAlgorithm))
			}
			if sg.Root != "" {
				row("Chain", "to "+sg.Root+", checked at "+sg.VerifiedAt)
			}
			if sg.Timestamp != "" {
				ts := fmt.Sprintf("%s (%s timestamp, trusted)", sg.Timestamp, sg.TimestampSource)
				if !sg.TimestampTrusted {
					ts = fmt.Sprintf("%s (%s timestamp, not used: %s)", sg.Timestamp, sg.TimestampSource, sg.TimestampError)
				}
				row("Signing time", ts)
			}
			for _, e := range sg.Errors {
				row("Why not trusted", e)
			}
		}
		if sg.CatalogDetail != "" {
			row("Catalog", sg.CatalogDetail)
		} else if sg.CatalogStatus != "" {
			row("Catalog", sg.CatalogStatus)
		}
	}

	if len(r.Sections) > 0 {
		fmt.Fprintln(bw, "\nSections")
		fmt.Fprintln(bw, "| Name | Virtual address | Virtual size | Raw size | Flags | Entropy |")
		for _, s := range r.Sections {
			fmt.Fprintf(bw, "| %s | 0x%x | 0x%x | 0x%x | %s | %.6f |\n", safe(s.Name), s.VirtualAddress, s.VirtualSize, s.RawSize, safe(s.Flags), s.Entropy)
		}
	}

	if p := r.PE; p != nil {
		fmt.Fprintln(bw, "\nMore details")
		if p.Timestamp != "" {
			row("Compiled", p.Timestamp)
		}
		row("Linker version", p.LinkerVersion)
		if r.Hashes.Imphash != "" {
			row("Imphash", r.Hashes.Imphash)
		}
		if r.Hashes.RichHeaderHash != "" {
			row("Rich header hash", r.Hashes.RichHeaderHash)
		}
		if r.Hashes.Authentihash != "" {
			row("Authentihash", r.Hashes.Authentihash)
		}
		if p.Imports != nil {
			row("Imports", fmt.Sprintf("%d functions from %d DLLs", p.Imports.FunctionCount, p.Imports.DLLCount))
		}
		if p.DelayImports != nil {
			row("Delay imports", fmt.Sprintf("%d functions from %d DLLs", p.DelayImports.FunctionCount, p.DelayImports.DLLCount))
		}
		if p.Exports != nil {
			row("Exports", fmt.Sprintf("%d", p.Exports.Count))
		}
		if p.Overlay != nil {
			row("Overlay", fmt.Sprintf("%s at 0x%x, entropy %.6f", HumanSize(p.Overlay.Size), p.Overlay.Offset, p.Overlay.Entropy))
		}
		if p.Manifest != nil && p.Manifest.RequestedExecutionLevel != "" {
			row("Execution level", p.Manifest.RequestedExecutionLevel)
		}
		for _, d := range p.Debug {
			if d.PDBPath != "" {
				row("PDB", d.PDBPath)
			}
		}
		if len(p.TLSCallbacks) > 0 {
			row("TLS callbacks", fmt.Sprint(len(p.TLSCallbacks)))
		}
	}

	if m := r.MUI; m != nil {
		fmt.Fprintln(bw, "\nMUI")
		row("File type", fmt.Sprintf("%s (0x%x)", m.FileType, m.FileTypeID))
		if m.Language != "" {
			row("Language", m.Language)
		}
		if m.FallbackLanguage != "" {
			row("Fallback language", m.FallbackLanguage)
		}
		if m.SatellitePath != "" {
			row("Satellite", m.SatellitePath)
		}
		row("Checksum", m.Checksum)
	}

	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(bw, "\n%s\n", title)
		for _, it := range items {
			fmt.Fprintf(bw, "- %s\n", safe(it))
		}
	}
	list("Anomalies", r.Anomalies)
	list("Errors", r.Errors)
}

// whatIs is the "What is <name>?" paragraph: what the file does, from the
// crowd's service description in the reader's language when there is one
// ("The Application Layer Gateway Service provides support for …"), else
// from the version strings ("alg.exe is Application Layer Gateway Service,
// part of Microsoft® Windows® Operating System."). "" when nothing says.
func (r *FileReport) whatIs(vi *VersionSummary, lang string) string {
	desc, product := "", ""
	if vi != nil {
		desc, product = strings.TrimSpace(vi.FileDescription), strings.TrimSpace(vi.ProductName)
	}
	if t := r.Telemetry; t != nil && t.Process != nil && t.Process.Service != nil {
		if text, locale, ok := pickLocale(t.Process.Service.Description, lang); ok && text != "" {
			text = sentence(text)
			if desc != "" && isEnglish(locale) && startsWithVerb(text) {
				// "Provides support …" reads as the file's own predicate.
				return "The " + strings.TrimPrefix(desc, "The ") + " " + lowerFirst(text)
			}
			return text
		}
	}
	switch {
	case desc != "" && product != "" && !strings.EqualFold(desc, product):
		return fmt.Sprintf("%s is %s, part of %s.", r.File.Name, desc, product)
	case desc != "":
		return fmt.Sprintf("%s is %s.", r.File.Name, desc)
	}
	return ""
}

// aboutText is the "About" paragraph, built from the version strings (of
// the satellite in the chosen language, when there is one): the
// description, the product, the version and the copyright.
func aboutText(vi *VersionSummary) string {
	if vi == nil {
		return ""
	}
	var parts []string
	desc, product := strings.TrimSpace(vi.FileDescription), strings.TrimSpace(vi.ProductName)
	switch {
	case desc != "" && product != "" && !strings.EqualFold(desc, product):
		parts = append(parts, fmt.Sprintf("%s is part of %s", desc, product))
	case desc != "":
		parts = append(parts, desc)
	case product != "":
		parts = append(parts, product)
	}
	if len(parts) == 0 {
		return ""
	}
	if v := strings.TrimSpace(vi.ProductVersion); v != "" {
		parts[0] += ", version " + v
	}
	parts[0] = sentence(parts[0])
	if c := strings.TrimSpace(vi.LegalCopyright); c != "" {
		parts = append(parts, sentence(c))
	}
	return strings.Join(parts, " ")
}

// pickLocale returns the string of m for the reader's language (the tag,
// then its primary language), else for the locale most participants
// reported, with its locale.
func pickLocale(m map[string]TelemetryMode, lang string) (string, string, bool) {
	if len(m) == 0 {
		return "", "", false
	}
	if lang != "" {
		if v, ok := m[lang]; ok {
			return v.Value, lang, true
		}
		base, _, _ := strings.Cut(lang, "-")
		for l, v := range sortedLocales(m) {
			if b, _, _ := strings.Cut(l, "-"); strings.EqualFold(b, base) {
				return v.Value, l, true
			}
		}
	}
	best := ""
	for l := range sortedLocales(m) {
		if best == "" || m[l].Participants > m[best].Participants {
			best = l
		}
	}
	return m[best].Value, best, true
}

// sortedLocales yields m's entries in locale order, so that choices are
// the same from run to run.
func sortedLocales(m map[string]TelemetryMode) func(yield func(string, TelemetryMode) bool) {
	return func(yield func(string, TelemetryMode) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

func isEnglish(locale string) bool {
	return locale == "en" || strings.HasPrefix(locale, "en-") || locale == "und"
}

// startsWithVerb reports a description written as a predicate, as
// Windows service descriptions are ("Provides …", "Manages …").
func startsWithVerb(s string) bool {
	w, _, _ := strings.Cut(s, " ")
	return len(w) > 2 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && unicode.IsUpper([]rune(w)[0])
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// sentence trims s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

// HumanSize formats a byte count the way the report page does:
// "58 KB (59,392 bytes)", or MB with two decimals from 1 MiB up.
func HumanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%s bytes", groupDigits(n))
	case n < 1<<20:
		return fmt.Sprintf("%d KB (%s bytes)", (n+512)/1024, groupDigits(n))
	default:
		return fmt.Sprintf("%.2f MB (%s bytes)", float64(n)/(1<<20), groupDigits(n))
	}
}

// groupDigits writes n with commas between groups of three digits.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// titleLine is the page's second line: "<description> by <publisher>",
// with the publisher's legal suffix dropped ("Microsoft Corporation" →
// "Microsoft").
func titleLine(desc, company string) string {
	company = shortCompany(company)
	switch {
	case desc != "" && company != "":
		return desc + " by " + company
	case desc != "":
		return desc
	}
	return ""
}

// shortCompany drops a company's legal suffix, as the page's headings do
// ("Microsoft Corporation" → "Microsoft").
func shortCompany(company string) string {
	company = strings.TrimSpace(company)
	for _, suf := range []string{" Corporation", " Corp.", " Corp", " Inc.", " Inc", " Ltd.", " Ltd", " GmbH", " LLC", " AG", " S.A."} {
		company = strings.TrimSuffix(company, suf)
	}
	return strings.TrimRight(company, ", ")
}
