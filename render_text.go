package filerep

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/filerep/filerep/internal/textsafe"
	"github.com/filerep/filerep/pe/rsrc"
	"github.com/filerep/filerep/stats"
)

// WriteText writes the report as text laid out like a file-reputation web
// page: the file's name and hashes, then Details, Digital DNA, sections,
// anomalies and errors. Blocks without data are left out.
//
// Every string that comes from the file, the knowledge base or the crowd
// (names, paths, version strings, signer subjects, reasons, …) is printed
// with its control characters, bidi overrides and invalid UTF-8 escaped
// ("\x1b", "\u202e"), so that a file cannot rewrite the terminal or forge
// a row; the JSON form keeps the original strings.
func (r *FileReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	safe := textsafe.String
	// row escapes its value: every row's value may hold file strings.
	row := func(k, v string) { fmt.Fprintf(bw, "| %s: | %s |\n", k, safe(v)) }

	if v := r.Verdict; v != nil {
		fmt.Fprintln(bw, "Should I block it?")
		fmt.Fprintf(bw, "%s (score %d/100)\n", safe(v.Summary), v.Score)
		for _, rs := range v.Reasons {
			fmt.Fprintf(bw, "  %+d %s: %s\n", rs.Weight, safe(rs.Signal), safe(rs.Detail))
		}
		fmt.Fprintln(bw)
	}
	if len(r.AdditionalVersions) > 0 {
		fmt.Fprintln(bw, "Additional versions")
		for _, v := range r.AdditionalVersions {
			fmt.Fprintf(bw, "- %s %s\n", safe(v.Version), safe(v.SHA256))
		}
		fmt.Fprintln(bw)
	}
	if rel := r.Relationships; rel != nil {
		fmt.Fprintln(bw, "Relationships")
		if len(rel.Parents) > 0 {
			fmt.Fprintf(bw, "- started by %s\n", textsafe.Join(rel.Parents, ", "))
		}
		if len(rel.Modules) > 0 {
			fmt.Fprintf(bw, "- loads %s\n", textsafe.Join(rel.Modules, ", "))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, safe(r.File.Name))
	// Like Windows, show the version strings of the satellite in the
	// chosen language when there is one (the JSON has both).
	var vi *rsrc.VersionSummary
	if r.VersionInfo != nil {
		vi = &r.VersionInfo.VersionSummary
	}
	if r.Localized != nil && r.Localized.VersionInfo != nil {
		vi = r.Localized.VersionInfo
	}
	if vi != nil {
		if line := titleLine(vi.FileDescription, vi.CompanyName); line != "" {
			fmt.Fprintln(bw, safe(line))
		}
		if vi.FileVersion != "" {
			row("Version", vi.FileVersion)
		}
	}
	if r.Hashes.MD5 != "" {
		row("MD5", r.Hashes.MD5)
		row("SHA1", r.Hashes.SHA1)
		row("SHA256", r.Hashes.SHA256)
		row("BLAKE3", r.Hashes.BLAKE3)
	}

	fmt.Fprintln(bw, "\nDetails")
	row("File name", r.File.Name)
	if vi != nil {
		for _, kv := range [][2]string{
			{"Publisher", vi.CompanyName},
			{"Product name", vi.ProductName},
			{"Description", vi.FileDescription},
			{"Original name", vi.OriginalFilename},
			{"File version", vi.FileVersion},
			{"Product version", vi.ProductVersion},
		} {
			if kv[1] != "" {
				row(kv[0], kv[1])
			}
		}
	}
	if r.Verdict != nil && r.Verdict.Statement != "" {
		fmt.Fprintln(bw, safe(r.Verdict.Statement))
	}
	if r.File.HostPath != "" {
		row("Path on its host", r.File.HostPath)
	}
	if r.TypicalPath != "" {
		row("Typical file path", r.TypicalPath)
	}
	if r.Localized != nil {
		row("Localized from", fmt.Sprintf("%s (%s)", r.Localized.SatellitePath, r.Localized.Language))
	}
	if r.Hashes.MD5 != "" || r.File.Size > 0 {
		row("Size", HumanSize(r.File.Size))
	}
	row("Kind", string(r.File.Kind))
	if r.Hashes.Imphash != "" {
		row("Imphash", r.Hashes.Imphash)
	}
	if r.Hashes.RichHeaderHash != "" {
		row("Rich header hash", r.Hashes.RichHeaderHash)
	}
	if r.Hashes.Authentihash != "" {
		row("Authentihash", r.Hashes.Authentihash)
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
		}
	}

	if p := r.PE; p != nil {
		fmt.Fprintln(bw, "\nMore details")
		if p.Timestamp != "" {
			row("Compiled", p.Timestamp)
		}
		row("Linker version", p.LinkerVersion)
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

	if len(r.Sections) > 0 {
		fmt.Fprintln(bw, "\nSections")
		fmt.Fprintln(bw, "| Name | Virtual address | Virtual size | Raw size | Flags | Entropy |")
		for _, s := range r.Sections {
			fmt.Fprintf(bw, "| %s | 0x%x | 0x%x | 0x%x | %s | %.6f |\n", safe(s.Name), s.VirtualAddress, s.VirtualSize, s.RawSize, safe(s.Flags), s.Entropy)
		}
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
	if r.Telemetry != nil {
		fmt.Fprintln(bw)
		product := r.File.Name
		if vi != nil && vi.FileDescription != "" {
			product = vi.FileDescription
		}
		if err := stats.WriteText(bw, r.Telemetry, stats.WithProduct(product)); err != nil {
			return err
		}
	}
	return bw.Flush()
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
	return ""
}
