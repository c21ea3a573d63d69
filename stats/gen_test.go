package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// This file makes random test input without using the package's encoder:
// samples as plain Go records, written as JSON with encoding/json, plus bad
// lines whose rejection reason (and file, if attributable) is known by
// construction.

type tMod struct {
	name string
	vals map[string]float64
}

type tSample struct {
	participant                                  string
	sha, name, path                              string
	os, country, manufacturer, locale            string
	cpus                                         int
	metrics                                      map[string]float64 // "cpu.total_pct" → v
	integrity, platform, cmd, owner, parent      string
	svcName, svcDisplay, svcDescription, svcType string
	mods                                         []tMod
}

// jsonObj renders a tSample with encoding/json.
func (s *tSample) jsonObj() map[string]any {
	o := map[string]any{}
	put := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	if s.participant != "" {
		o["participant"] = s.participant
	}
	f := map[string]any{}
	put(f, "sha256", s.sha)
	put(f, "name", s.name)
	put(f, "path", s.path)
	o["file"] = f
	m := map[string]any{}
	put(m, "os", s.os)
	put(m, "country", s.country)
	put(m, "manufacturer", s.manufacturer)
	put(m, "locale", s.locale)
	if s.cpus > 0 {
		m["cpus"] = s.cpus
	}
	o["machine"] = m
	for k, v := range s.metrics {
		if g, key, ok := strings.Cut(k, "."); ok {
			gm, _ := o[g].(map[string]any)
			if gm == nil {
				gm = map[string]any{}
				o[g] = gm
			}
			gm[key] = v
		} else {
			o[k] = v
		}
	}
	p := map[string]any{}
	put(p, "integrity_level", s.integrity)
	put(p, "platform", s.platform)
	put(p, "command_line", s.cmd)
	put(p, "owner", s.owner)
	put(p, "parent", s.parent)
	sv := map[string]any{}
	put(sv, "name", s.svcName)
	put(sv, "display_name", s.svcDisplay)
	put(sv, "description", s.svcDescription)
	put(sv, "type", s.svcType)
	if len(sv) > 0 {
		p["service"] = sv
	}
	o["process"] = p
	if len(s.mods) > 0 {
		var ms []any
		for _, md := range s.mods {
			mm := map[string]any{"name": md.name}
			for k, v := range md.vals {
				mm[k] = v
			}
			ms = append(ms, mm)
		}
		o["modules"] = ms
	}
	return o
}

func (s *tSample) line() string {
	b, err := json.Marshal(s.jsonObj())
	if err != nil {
		panic(err)
	}
	return string(b)
}

// unitRanges gives realistic magnitudes per unit (log-uniform).
var unitRanges = [len(units)][2]float64{
	unitPct: {1e-6, 50}, unitMsPerMin: {1e-3, 1e5}, unitCycles: {1, 1e10}, unitBytes: {1, 1e12},
	unitPerMin: {1e-2, 1e6}, unitBytesPerSec: {1, 1e9}, unitOpsPerSec: {1e-3, 1e5}, unitCount: {1, 1e5},
}

func unitRange(u unit) [2]float64 { return unitRanges[u] }

func logUniform(r *rand.Rand, lo, hi float64) float64 {
	if r.IntN(20) == 0 {
		return 0
	}
	return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
}

// tCorpus is a random input: lines (good and bad, shuffled), the good
// samples, and the expected rejections.
type tCorpus struct {
	lines    []string
	good     []tSample
	rejected map[RejectReason]int64            // all
	byFile   map[string]map[RejectReason]int64 // file key ("sha:<hex>" or "name:<lower>") → reason → n
}

func fileKeyOf(sha, name, path string) string {
	if sha != "" {
		return "sha:" + strings.ToLower(sha)
	}
	n := name
	if n == "" {
		if i := strings.LastIndexAny(path, `\/`); i >= 0 {
			n = path[i+1:]
		} else {
			n = path
		}
	}
	return "name:" + string(appendLower(nil, n))
}

func randHex(r *rand.Rand, n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[r.IntN(16)]
	}
	return string(b)
}

// genCorpus makes files × participants samples with overlaps, variation
// within participants (to exercise modes and ties), missing fields,
// duplicate and differently-cased modules, and bad lines.
func genCorpus(seed uint64, files, people, maxSamples, bad int) *tCorpus {
	return genCorpusMods(seed, files, people, maxSamples, bad, 4)
}

// genCorpusMods is genCorpus with up to maxMods-1 modules a sample; above
// 4 they come from a pool of 4×maxMods names (half of them upper-case
// forms of the others), so participants gather more modules than Add's
// index threshold.
func genCorpusMods(seed uint64, files, people, maxSamples, bad, maxMods int) *tCorpus {
	r := rand.New(rand.NewPCG(seed, 42))
	c := &tCorpus{rejected: map[RejectReason]int64{}, byFile: map[string]map[RejectReason]int64{}}
	type fileT struct{ sha, name string }
	var fs []fileT
	for i := 0; i < files; i++ {
		// Files 2k and 2k+1 are two versions of one name; the last file has
		// no sha256 and the name of the first two, in other letters.
		f := fileT{sha: randHex(r, 64), name: fmt.Sprintf("prog%d.exe", i/2)}
		if i == files-1 {
			f.sha, f.name = "", "PROG0.exe"
		}
		if i%3 == 1 {
			f.sha = strings.ToUpper(f.sha)
		}
		fs = append(fs, f)
	}
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	oses := []string{"Windows 7 Home Premium", "Windows 10 Pro", "Windows 11 Home", "Windows 8 Pro", "Other", ""}
	countries := []string{"US", "us", "FR", "DE", "ZZ", "GB", "JP", ""}
	mans := []string{"Dell", "HP", "Lenovo", "Acer", "Sahara", ""}
	locales := []string{"en-US", "fr-FR", "de-DE", ""}
	names := []string{"a.dll", "B.DLL", "b.dll", "ntdll.dll", "kernel32.dll"}
	if maxMods > 4 {
		for i := range 2 * maxMods {
			names = append(names, fmt.Sprintf("m%03d.dll", i), fmt.Sprintf("M%03d.DLL", i))
		}
	}
	for fi, f := range fs {
		// Each file gets a random slice of the participant pool, so files overlap.
		lo := r.IntN(people / 2)
		hi := lo + people/3 + r.IntN(people-lo-people/3+1)
		if fi == 0 {
			lo, hi = 0, people // one big file
		}
		for pi := lo; pi < hi; pi++ {
			pid := fmt.Sprintf("participant-%d", pi)
			cpus := []int{0, 1, 2, 4, 8}[pi%5]
			base := tSample{participant: pid, sha: f.sha, name: f.name,
				os: pick(oses...), country: pick(countries...), manufacturer: pick(mans...),
				locale: pick(locales...), cpus: cpus}
			if r.IntN(4) == 0 {
				base.name = strings.ToUpper(base.name)
			}
			ns := 1 + r.IntN(maxSamples)
			for j := 0; j < ns; j++ {
				s := base
				if r.IntN(5) == 0 { // machine values vary within a participant sometimes
					s.os, s.manufacturer, s.country = pick(oses...), pick(mans...), pick(countries...)
				}
				s.path = pick(`C:\Windows\System32\`+f.name, `C:\Users\x\`+f.name, "")
				s.integrity = pick("System", "System", "High", "")
				s.platform = pick("32-bit", "64-bit")
				s.cmd = pick(`"C:\p.exe" -k`, `C:\p.exe`, "")
				s.owner = pick("SYSTEM", "LOCAL SERVICE")
				s.parent = pick("services.exe", "explorer.exe", "")
				s.svcName = pick("Svc", "")
				s.svcType = pick("Win32OwnProcess", "Win32ShareProcess")
				if s.svcName != "" {
					s.svcDisplay = pick("Display "+s.locale, "Alt display", "")
					s.svcDescription = pick("Description "+s.locale, "")
				}
				s.metrics = map[string]float64{}
				limitCPU := float64(MaxCPUs)
				if cpus > 0 {
					limitCPU = float64(cpus)
				}
				for k := Metric(0); k < NumMetrics; k++ {
					if r.IntN(8) == 0 {
						continue // absent
					}
					rg := unitRange(metricTable[k].unit)
					v := logUniform(r, rg[0], rg[1])
					switch metricTable[k].unit {
					case unitPct:
						v = min(v, 100*limitCPU)
					case unitMsPerMin:
						v = min(v, 60000*limitCPU)
					}
					s.metrics[metricTable[k].path] = v
				}
				nm := r.IntN(maxMods)
				for m := 0; m < nm; m++ {
					md := tMod{name: pick(names...), vals: map[string]float64{}}
					for k := ModuleMetric(0); k < NumModuleMetrics; k++ {
						if r.IntN(6) == 0 {
							continue
						}
						rg := unitRange(moduleMetricTable[k].unit)
						md.vals[moduleMetricTable[k].key] = logUniform(r, rg[0], rg[1]/4)
					}
					s.mods = append(s.mods, md)
				}
				c.good = append(c.good, s)
				c.lines = append(c.lines, s.line())
			}
		}
	}
	// Bad lines, each with a known reason and attribution.
	for i := 0; i < bad; i++ {
		f := fs[r.IntN(len(fs))]
		s := tSample{participant: fmt.Sprintf("participant-%d", r.IntN(people)), sha: f.sha, name: f.name,
			metrics: map[string]float64{"threads": 3}}
		key := fileKeyOf(f.sha, f.name, "")
		var line string
		var reason RejectReason
		attributed := true
		switch i % 10 {
		case 0:
			s.participant = ""
			line, reason = s.line(), RejectMissingParticipant
		case 1:
			s.metrics["memory.private_bytes"] = -5
			line, reason = s.line(), RejectNegativeNumber
		case 2:
			s.cpus = 2
			s.metrics["cpu.total_pct"] = 200.5
			line, reason = s.line(), RejectOutOfRange
		case 3:
			o := s.jsonObj()
			o["extra"] = true
			b, _ := json.Marshal(o)
			line, reason = string(b), RejectUnknownField
		case 4:
			line, reason, attributed = s.line()[:20], RejectMalformedJSON, false
		case 5:
			o := s.jsonObj()
			o["threads"] = "4"
			b, _ := json.Marshal(o)
			line, reason = string(b), RejectWrongType
		case 6:
			s.sha, s.name = "xyz", ""
			line, reason, attributed = s.line(), RejectInvalidValue, false
		case 7:
			s.sha, s.name = "", ""
			line, reason, attributed = s.line(), RejectMissingFile, false
		case 8:
			line = strings.Replace(s.line(), `"threads":3`, `"threads":1e999`, 1)
			reason = RejectInvalidNumber
		case 9:
			s.mods = []tMod{{name: "", vals: map[string]float64{}}}
			line, reason = s.line(), RejectMissingField
		}
		c.rejected[reason]++
		if attributed {
			if c.byFile[key] == nil {
				c.byFile[key] = map[RejectReason]int64{}
			}
			c.byFile[key][reason]++
		}
		c.lines = append(c.lines, line)
	}
	r.Shuffle(len(c.lines), func(i, j int) { c.lines[i], c.lines[j] = c.lines[j], c.lines[i] })
	return c
}
