package stats

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sample is one observation of one process on one participant's machine
// (telemetry.md). Empty strings and absent metrics mean "unknown". A sample
// is checked by [Sample.Validate] before [Aggregator.Add] keeps anything of
// it, and Add keeps no reference to it.
type Sample struct {
	// Participant is an opaque identifier, stable per machine. Required
	// (white space alone is missing). Identifiers that differ only in
	// case or in surrounding white space name the same participant (see
	// the package documentation). The aggregator keeps only a 128-bit
	// digest of it.
	Participant string
	// ObservedAt is when the sample was taken; zero if unknown. It is
	// validated but not aggregated.
	ObservedAt time.Time
	// File says which file ran. SHA256 or Name (or a Path to take the name
	// from) is required.
	File FileRef
	// Machine describes the participant's machine.
	Machine Machine
	// Metrics holds the process's resource utilization.
	Metrics Metrics
	// Process holds the process's properties.
	Process Process
	// Modules holds per-module thread statistics.
	Modules []Module
}

// FileRef identifies a file.
type FileRef struct {
	// SHA256 is 64 hex digits, in either case.
	SHA256 string `json:"sha256,omitempty"`
	// Name is the file's base name, such as "alg.exe".
	Name string `json:"name,omitempty"`
	// Path is where the file ran from, such as C:\Windows\System32\alg.exe.
	Path string `json:"path,omitempty"`
}

// Machine describes a participant's machine.
type Machine struct {
	// OS is the Windows edition, such as "Windows 7 Home Premium".
	OS string
	// Country is an ISO 3166-1 alpha-2 code in either case, such as "US".
	// "ZZ" (unknown region) counts as unknown.
	Country string
	// Manufacturer is the PC manufacturer, such as "Dell".
	Manufacturer string
	// Locale is the BCP 47 user interface language, such as "fr-FR". It
	// selects which language a service's localized strings are kept under.
	Locale string
	// CPUs is the number of logical processors, 0 if unknown. It bounds the
	// CPU percentages (100 per CPU) and kernel time (60,000 ms/min per CPU).
	// This is an optional extension of telemetry.md's sample ("cpus").
	CPUs int
}

// Process holds a process's properties.
type Process struct {
	IntegrityLevel string
	Platform       string
	CommandLine    string
	Owner          string
	Parent         string
	Service        Service
}

// Service describes the Windows service a process runs, if any.
// DisplayName and Description are localized: they are kept per
// [Machine.Locale].
type Service struct {
	Name        string
	DisplayName string
	Description string
	Type        string
}

// Module holds the thread statistics of one module (DLL or main executable)
// in a process. Module names compare without regard to ASCII case. When a
// sample names a module twice, the entries are added together.
type Module struct {
	Name    string
	Metrics ModuleMetrics
}

// EffectiveName returns f.Name, or the last element of f.Path (after '\' or
// '/') when Name is empty.
func (f FileRef) EffectiveName() string {
	if f.Name != "" {
		return f.Name
	}
	p := f.Path
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// Validate checks s against telemetry.md's rules and this package's limits.
// It returns nil or a [*RejectError] naming the first problem found, in
// this order: participant, file key (sha256, or the name and path when
// there is no sha256), machine, metrics, modules, and last the length and
// UTF-8 of the descriptive strings (file name and path, OS, manufacturer,
// process and service). Validate does not allocate when s is valid.
func (s *Sample) Validate() error {
	if e := s.validateCore(false, nil); e != nil {
		return e
	}
	if e := s.validateText(0); e != nil {
		return e
	}
	return nil
}

// textField is a descriptive string whose UTF-8 is checked last, and only
// when it differs from what the participant already reported (a value
// already in the state was checked when it came in).
type textField struct {
	cat   int
	name  string
	value string
}

func (s *Sample) textFields() [13]textField {
	p := &s.Process
	name, path := s.File.Name, s.File.Path
	if s.File.SHA256 == "" { // the file key: validateCore checked them
		name, path = "", ""
	}
	return [...]textField{
		{catName, "file.name", name},
		{catPath, "file.path", path},
		{catOS, "machine.os", s.Machine.OS},
		{catManufacturer, "machine.manufacturer", s.Machine.Manufacturer},
		{catIntegrity, "process.integrity_level", p.IntegrityLevel},
		{catPlatform, "process.platform", p.Platform},
		{catCommandLine, "process.command_line", p.CommandLine},
		{catOwner, "process.owner", p.Owner},
		{catParent, "process.parent", p.Parent},
		{catServiceName, "process.service.name", p.Service.Name},
		{catDisplayName, "process.service.display_name", p.Service.DisplayName},
		{catDescription, "process.service.description", p.Service.Description},
		{catServiceType, "process.service.type", p.Service.Type},
	}
}

// validateText checks the length and UTF-8 of the descriptive strings;
// known has bit 1<<cat set for the fields whose value is already in the
// state. (For the file name that compares the effective name, which is the
// name itself whenever the name is set.)
func (s *Sample) validateText(known uint32) *RejectError {
	for _, f := range s.textFields() {
		if f.value == "" || known&(1<<f.cat) != 0 {
			continue
		}
		if e := checkString(f.value, f.name); e != nil {
			return e
		}
	}
	return nil
}

// validateCore checks everything but validateText's strings. shaKnown
// skips parsing a sha256 already seen valid; lim, if not nil, holds the
// bounds for s's CPU count.
func (s *Sample) validateCore(shaKnown bool, lim *[len(units)]float64) *RejectError {
	if id := s.Participant; id == "" || (isSpaceByte(id[0]) && strings.TrimSpace(id) == "") {
		return reject(RejectMissingParticipant, "participant", "")
	}
	if e := checkString(s.Participant, "participant"); e != nil {
		return e
	}
	if s.File.SHA256 != "" && !shaKnown {
		if _, ok := parseSHA256(s.File.SHA256); !ok {
			return reject(RejectInvalidValue, "file.sha256", "want 64 hex digits")
		}
	}
	if s.File.SHA256 == "" {
		if e := checkString(s.File.Name, "file.name"); e != nil {
			return e
		}
		if e := checkString(s.File.Path, "file.path"); e != nil {
			return e
		}
		if s.File.EffectiveName() == "" {
			return reject(RejectMissingFile, "file", "need sha256 or name")
		}
	}
	m := &s.Machine
	if m.Country != "" && !isCountryCode(m.Country) {
		return reject(RejectInvalidValue, "machine.country", "want an ISO 3166-1 alpha-2 code")
	}
	if m.Locale != "" && !isLocale(m.Locale) {
		return reject(RejectInvalidValue, "machine.locale", "want a BCP 47 tag")
	}
	if m.CPUs < 0 {
		return reject(RejectNegativeNumber, "machine.cpus", "")
	}
	if m.CPUs > MaxCPUs {
		return reject(RejectOutOfRange, "machine.cpus", "over "+strconv.Itoa(MaxCPUs))
	}
	if lim == nil {
		lim = &defaultLimits
		if m.CPUs != 0 {
			lim = limitsFor(m.CPUs)
		}
	}
	for k := Metric(0); k < NumMetrics; k++ {
		// One comparison for the common case; NaN fails it too.
		if v := s.Metrics.v[k]; s.Metrics.has&(1<<k) != 0 && !(v >= 0 && v <= lim[metricTable[k].unit]) {
			e := checkNumber(v, metricTable[k].unit, m.CPUs)
			e.Field = metricTable[k].path
			return e
		}
	}
	if len(s.Modules) > MaxModules {
		return reject(RejectTooLarge, "modules", "over "+strconv.Itoa(MaxModules)+" modules")
	}
	for i := range s.Modules {
		md := &s.Modules[i]
		if md.Name == "" {
			return reject(RejectMissingField, moduleField(i, "name"), "")
		}
		if e := checkString(md.Name, ""); e != nil {
			e.Field = moduleField(i, "name")
			return e
		}
		for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
			if v := md.Metrics.v[k]; md.Metrics.has&(1<<k) != 0 && !(v >= 0 && v <= lim[moduleMetricTable[k].unit]) {
				e := checkNumber(v, moduleMetricTable[k].unit, m.CPUs)
				e.Field = moduleField(i, moduleMetricTable[k].key)
				return e
			}
		}
	}
	return nil
}

// defaultLimits holds every unit's bound for samples that do not give
// their CPU count.
var defaultLimits = *limitsFor(0)

func limitsFor(cpus int) *[len(units)]float64 {
	var lim [len(units)]float64
	for u := range lim {
		lim[u] = unit(u).limit(cpus)
	}
	return &lim
}

func moduleField(i int, key string) string {
	return "modules[" + strconv.Itoa(i) + "]." + key
}

func checkString(v, field string) *RejectError {
	if len(v) > MaxStringBytes {
		return reject(RejectTooLarge, field, "string over "+strconv.Itoa(MaxStringBytes)+" bytes")
	}
	if !utf8.ValidString(v) {
		return reject(RejectInvalidValue, field, "invalid UTF-8")
	}
	return nil
}

func checkNumber(v float64, u unit, cpus int) *RejectError {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return reject(RejectInvalidNumber, "", strconv.FormatFloat(v, 'g', -1, 64))
	case v < 0:
		return reject(RejectNegativeNumber, "", strconv.FormatFloat(v, 'g', -1, 64))
	case v > u.limit(cpus):
		return reject(RejectOutOfRange, "", strconv.FormatFloat(v, 'g', -1, 64)+" over "+strconv.FormatFloat(u.limit(cpus), 'g', -1, 64))
	}
	return nil
}

func isCountryCode(s string) bool {
	return len(s) == 2 && isASCIILetter(s[0]) && isASCIILetter(s[1])
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isLocale accepts the shape of a BCP 47 tag (letters, digits, '-' or '_',
// at most 35 bytes); it does not check the subtags against the registry.
func isLocale(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func parseSHA256(s string) (k [32]byte, ok bool) {
	if len(s) != 64 {
		return k, false
	}
	for i := 0; i < 32; i++ {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return k, false
		}
		k[i] = hi<<4 | lo
	}
	return k, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Clone returns a deep copy of s that shares no memory with it.
func (s *Sample) Clone() Sample {
	c := *s
	n := len(s.Participant) + len(s.File.SHA256) + len(s.File.Name) + len(s.File.Path) +
		len(s.Machine.OS) + len(s.Machine.Country) + len(s.Machine.Manufacturer) + len(s.Machine.Locale) +
		len(s.Process.IntegrityLevel) + len(s.Process.Platform) + len(s.Process.CommandLine) +
		len(s.Process.Owner) + len(s.Process.Parent) + len(s.Process.Service.Name) +
		len(s.Process.Service.DisplayName) + len(s.Process.Service.Description) + len(s.Process.Service.Type)
	for i := range s.Modules {
		n += len(s.Modules[i].Name)
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, p := range [...]*string{
		&c.Participant, &c.File.SHA256, &c.File.Name, &c.File.Path,
		&c.Machine.OS, &c.Machine.Country, &c.Machine.Manufacturer, &c.Machine.Locale,
		&c.Process.IntegrityLevel, &c.Process.Platform, &c.Process.CommandLine,
		&c.Process.Owner, &c.Process.Parent, &c.Process.Service.Name,
		&c.Process.Service.DisplayName, &c.Process.Service.Description, &c.Process.Service.Type,
	} {
		*p = carve(&sb, *p)
	}
	if s.Modules != nil {
		c.Modules = make([]Module, len(s.Modules))
		for i := range s.Modules {
			c.Modules[i] = Module{Name: carve(&sb, s.Modules[i].Name), Metrics: s.Modules[i].Metrics}
		}
	}
	return c
}

// carve appends v to sb and returns the copy of v inside sb's buffer. sb
// must have been grown to its final size so that it never reallocates.
func carve(sb *strings.Builder, v string) string {
	if v == "" {
		return ""
	}
	start := sb.Len()
	sb.WriteString(v)
	return sb.String()[start:]
}
