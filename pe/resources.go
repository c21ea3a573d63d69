package pe

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/filerep/filerep/pe/rsrc"
)

// VersionResource is one decoded RT_VERSION resource and its language
// (Lang, the resource's LANGID; Info, the decoded resource).
type VersionResource = rsrc.LangVersion

// LocalizedString is one RT_STRING entry with the language of its block.
type LocalizedString struct {
	ID       uint32 `json:"id"`
	Lang     uint16 `json:"lang"`
	Language string `json:"language,omitempty"` // BCP 47 tag, e.g. "fr-FR"
	Value    string `json:"value"`
}

// LocalizedMessage is one RT_MESSAGETABLE entry with its language.
type LocalizedMessage struct {
	ID       uint32 `json:"id"`
	Lang     uint16 `json:"lang"`
	Language string `json:"language,omitempty"`
	Text     string `json:"text"`
}

// Manifest holds the facts of an application manifest (RT_MANIFEST).
type Manifest struct {
	RequestedExecutionLevel string   `json:"requested_execution_level,omitempty"` // asInvoker | highestAvailable | requireAdministrator
	UIAccess                bool     `json:"ui_access,omitempty"`
	Dependencies            []string `json:"dependencies,omitempty"` // name/version of dependent assemblies
}

// decodeResources decodes the resources the report uses: version info
// (every language), the MUI configuration, string and message tables, and
// the manifest. Each failure is an anomaly; nothing stops the others.
func (f *File) decodeResources(an *anomalies) {
	strBlocks, versions := 0, 0
	for _, r := range f.Resources {
		switch {
		case r.Type.Name == "" && r.Type.ID == RT_VERSION:
			if versions++; versions > f.lim.MaxVersionResources {
				if versions == f.lim.MaxVersionResources+1 {
					an.add(AnoVersionLimit, "more than %d version resources; the rest were not decoded", f.lim.MaxVersionResources)
				}
				continue
			}
			b, err := f.ResourceData(r)
			if err != nil {
				an.add(AnoVersionUnreadable, "version resource (lang 0x%04x): %v", r.Lang, err)
				continue
			}
			vi, err := rsrc.ParseVersionInfo(b)
			if vi == nil {
				an.add(AnoVersionUnreadable, "version resource (lang 0x%04x): %v", r.Lang, err)
				continue
			}
			for _, a := range vi.Anomalies {
				an.add(a.Code, "version resource (lang 0x%04x): %s", r.Lang, a.Msg)
			}
			tag := rsrc.LanguageTag(r.Lang)
			for i := range vi.Tables {
				vi.Tables[i].ResourceLangID, vi.Tables[i].ResourceLanguage = r.Lang, tag
			}
			f.Versions = append(f.Versions, VersionResource{Lang: r.Lang, Info: vi})
		case r.Type.Name == "MUI" && f.MUI == nil:
			b, err := f.ResourceData(r)
			if err != nil {
				an.add(AnoMUIUnreadable, "MUI resource: %v", err)
				continue
			}
			m, err := rsrc.ParseMUI(b)
			if m == nil {
				an.add(AnoMUIUnreadable, "MUI resource: %v", err)
				continue
			}
			for _, a := range m.Anomalies {
				an.add(a.Code, "MUI resource: %s", a.Msg)
			}
			f.MUI = m
		case r.Type.Name == "" && r.Type.ID == RT_STRING && r.Name.Name == "":
			if strBlocks++; strBlocks > f.lim.MaxStringResources {
				continue
			}
			b, err := f.ResourceData(r)
			if err != nil {
				an.add(AnoStrings, "string block %d: %v", r.Name.ID, err)
				continue
			}
			entries, err := rsrc.ParseStringBlock(b, r.Name.ID)
			if err != nil && !errors.Is(err, rsrc.ErrTruncated) {
				an.add(AnoStrings, "string block %d: %v", r.Name.ID, err)
			}
			tag := rsrc.LanguageTag(r.Lang)
			for _, e := range entries {
				f.Strings = append(f.Strings, LocalizedString{ID: e.ID, Lang: r.Lang, Language: tag, Value: e.Value})
			}
		case r.Type.Name == "" && r.Type.ID == RT_MESSAGETABLE:
			b, err := f.ResourceData(r)
			if err != nil {
				an.add(AnoMessages, "message table: %v", err)
				continue
			}
			msgs, err := rsrc.ParseMessageTable(b)
			if err != nil {
				an.add(AnoMessages, "message table: %v", err)
			}
			tag := rsrc.LanguageTag(r.Lang)
			for _, m := range msgs {
				f.Messages = append(f.Messages, LocalizedMessage{ID: m.ID, Lang: r.Lang, Language: tag, Text: m.Text})
			}
		case r.Type.Name == "" && r.Type.ID == RT_MANIFEST && f.Manifest == nil:
			b, err := f.ResourceData(r)
			if err != nil {
				an.add(AnoManifest, "manifest: %v", err)
				continue
			}
			m, err := parseManifest(b)
			if err != nil {
				an.add(AnoManifest, "manifest: %v", err)
				continue
			}
			f.Manifest = m
		}
	}
}

// VersionInfo returns the primary version resource: the RT_VERSION
// resource Windows would read with no particular UI language (en-US, else
// language-neutral, else the first in resource order; [rsrc.PickVersion]),
// or nil when there is none. pefile and exiftool read the first instead.
func (f *File) VersionInfo() *rsrc.VersionInfo {
	i, _ := rsrc.PickVersion(f.Versions, "")
	if i < 0 {
		return nil
	}
	return f.Versions[i].Info
}

// VersionSummary returns report.md's "version_info" for the UI language
// tag ("fr-FR"; "" for none): the primary strings Windows would show for
// it and every StringTable of every RT_VERSION resource
// ([rsrc.SummarizeVersions]), with the index in f.Versions of the resource
// the primary strings come from (-1 when there is none).
func (f *File) VersionSummary(tag string) (rsrc.VersionSummary, int) {
	return rsrc.SummarizeVersions(f.Versions, tag)
}

// String looks up string id in the RT_STRING tables. With lang 0 it
// returns the first language that has it; otherwise only that language.
func (f *File) String(id uint32, lang uint16) (string, bool) {
	for _, s := range f.Strings {
		if s.ID == id && (lang == 0 || s.Lang == lang) {
			return s.Value, true
		}
	}
	return "", false
}

// Message looks up a message table entry as [File.String] does.
func (f *File) Message(id uint32, lang uint16) (string, bool) {
	for _, m := range f.Messages {
		if m.ID == id && (lang == 0 || m.Lang == lang) {
			return m.Text, true
		}
	}
	return "", false
}

// parseManifest reads the facts the report uses from a manifest's XML.
// Namespaces vary between manifests, so elements are matched by local
// name.
func parseManifest(b []byte) (*Manifest, error) {
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("pe: manifest of %d bytes is too large", len(b))
	}
	d := xml.NewDecoder(strings.NewReader(strings.TrimLeft(string(b), "\ufeff\x00 \r\n\t")))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	m := &Manifest{}
	inDep := false
	for range 100000 {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return m, nil
			}
			return m, fmt.Errorf("pe: manifest: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "requestedExecutionLevel":
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "level":
						m.RequestedExecutionLevel = a.Value
					case "uiAccess":
						m.UIAccess = strings.EqualFold(a.Value, "true")
					}
				}
			case "dependentAssembly":
				inDep = true
			case "assemblyIdentity":
				if inDep {
					var name, ver string
					for _, a := range t.Attr {
						switch a.Name.Local {
						case "name":
							name = a.Value
						case "version":
							ver = a.Value
						}
					}
					if name != "" && len(m.Dependencies) < 64 {
						m.Dependencies = append(m.Dependencies, strings.TrimSuffix(name+" "+ver, " "))
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == "dependentAssembly" {
				inDep = false
			}
		}
	}
	return m, nil
}
