package stats

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// ValueCount says how many participants have a value.
type ValueCount struct {
	Value        string
	Participants int
}

// ModuleProfile describes one module in a [Profile].
type ModuleProfile struct {
	Name string
	// Participants is how many participants report the module (in all of
	// their samples).
	Participants int
	// Means are the target means; every present metric is generated.
	Means ModuleMetrics
}

// Profile describes a file's crowd for [Synthesize]: how many participants,
// how many of them have each distribution value (the rest have it
// unknown), and the target mean of every metric. Generated samples vary
// around the targets, but in symmetric pairs on a decimal grid (whole
// bytes and counts, six significant digits of CPU percentages), so that
// every participant's mean and the mean over participants hit the targets
// exactly (up to float rounding): summaries of the samples reproduce the
// profile.
type Profile struct {
	File FileRef // SHA256 and Name; paths come from Paths
	// Participants is the number of unique participants.
	Participants int
	// MinSamples and MaxSamples bound each participant's sample count
	// (uniform). Defaults 1 and 1.
	MinSamples, MaxSamples int

	OS, Countries, Manufacturers    []ValueCount
	Locales, Paths, IntegrityLevels []ValueCount

	// Process holds the properties every participant reports, except
	// IntegrityLevel (from IntegrityLevels) and the service's localized
	// strings (from DisplayNames and Descriptions, keyed by locale).
	Process                    Process
	DisplayNames, Descriptions map[string]string
	CPUs                       int

	Means   Metrics
	Modules []ModuleProfile
	// Spread is the relative variation (0 ≤ Spread < 1) of participants'
	// means around the targets, and of samples around their participant's
	// mean. Values stay within about (1 ± Spread)² of the target.
	Spread float64
}

// Scale returns a copy of p with every participant count multiplied by k,
// which keeps every share and mean: Scale(1000) of [AlgExeProfile] gives
// 400,000 participants with the same page.
func (p Profile) Scale(k int) Profile {
	sc := func(v []ValueCount) []ValueCount {
		out := slices.Clone(v)
		for i := range out {
			out[i].Participants *= k
		}
		return out
	}
	q := p
	q.Participants *= k
	q.OS, q.Countries, q.Manufacturers = sc(p.OS), sc(p.Countries), sc(p.Manufacturers)
	q.Locales, q.Paths, q.IntegrityLevels = sc(p.Locales), sc(p.Paths), sc(p.IntegrityLevels)
	q.Modules = slices.Clone(p.Modules)
	for i := range q.Modules {
		q.Modules[i].Participants *= k
	}
	return q
}

func (p *Profile) check() error {
	if p.Participants < 1 {
		return errors.New("stats: profile needs participants")
	}
	if p.File.SHA256 == "" && p.File.Name == "" {
		return errors.New("stats: profile needs a file sha256 or name")
	}
	if p.MinSamples < 0 || p.MaxSamples < p.MinSamples || p.MaxSamples > 1<<16 {
		return fmt.Errorf("stats: profile samples %d..%d", p.MinSamples, p.MaxSamples)
	}
	if !(p.Spread >= 0 && p.Spread < 1) {
		return fmt.Errorf("stats: profile spread %v, want 0 ≤ spread < 1", p.Spread)
	}
	for _, d := range [][]ValueCount{p.OS, p.Countries, p.Manufacturers, p.Locales, p.Paths, p.IntegrityLevels} {
		n := 0
		for _, v := range d {
			if v.Participants < 0 || v.Value == "" {
				return fmt.Errorf("stats: profile value %q × %d", v.Value, v.Participants)
			}
			n += v.Participants
		}
		if n > p.Participants {
			return fmt.Errorf("stats: profile values hold %d participants, more than %d", n, p.Participants)
		}
	}
	for _, m := range p.Modules {
		if m.Participants < 0 || m.Participants > p.Participants || m.Name == "" {
			return fmt.Errorf("stats: profile module %q × %d", m.Name, m.Participants)
		}
	}
	return nil
}

// splitmix64 is a small stateless mixer: the noise of a sample depends only
// on (seed, participant, pair, metric), never on the order of generation.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// noise returns a deterministic value in [-1, 1).
func noise(seed uint64, a, b, c int) float64 {
	h := splitmix64(seed ^ splitmix64(uint64(a)<<40^uint64(b)<<20^uint64(c)))
	return float64(h>>11)/(1<<52) - 1
}

// pairDelta gives item i of n a signed deviation from base, paired so that
// items 2j and 2j+1 deviate by opposite amounts and the odd item out by 0.
// All in integer grid units, so pairs average to base exactly.
func pairDelta(seed uint64, i, n, salt, k int, spread float64, base int64) int64 {
	if i == n-1 && n%2 == 1 {
		return 0
	}
	d := int64(math.Round(float64(base) * spread * noise(seed, salt, i/2, k)))
	if i%2 == 1 {
		return -d
	}
	return d
}

// gridDigits returns the decimals a generated value of unit u around
// target is written with: whole numbers for bytes, counts and rates, two
// decimals for operations per second, six significant digits for CPU
// percentages. Short decimals are what real collectors send.
func gridDigits(u unit, target float64) int {
	switch u {
	case unitOpsPerSec:
		return 2
	case unitPct:
		if target <= 0 {
			return 0
		}
		return max(0, 5-int(math.Floor(math.Log10(target))))
	}
	return 0
}

// synthValue returns the value of sample t (of k) of item i (of n) around
// target: participants deviate in symmetric pairs, and so do each one's
// samples, on a decimal grid. All metrics of a sample share the noise (a
// busy moment is busy in every respect), so that orders such as minimum ≤
// maximum and kernel + user = total hold roughly as they do in the targets.
func synthValue(seed uint64, target float64, u unit, i, n, t, k, salt int, spread float64) float64 {
	digits := gridDigits(u, target)
	pow := math.Pow10(digits)
	v := int64(math.Round(target * pow))
	m := v + pairDelta(seed, i, n, salt, 0, spread, v)
	x := m + pairDelta(seed^uint64(i+1)<<32, t, k, salt+1, 0, spread, m)
	return float64(x) / pow
}

// assign spreads the values over n participants at random (seeded): it
// returns each participant's value index, or -1 for unknown.
func assign(vals []ValueCount, n int, rng *rand.Rand) []int32 {
	out := make([]int32, 0, n)
	for i, v := range vals {
		for j := 0; j < v.Participants; j++ {
			out = append(out, int32(i))
		}
	}
	for len(out) < n {
		out = append(out, -1)
	}
	rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Synthesize returns the samples of a crowd described by p, the same for
// the same (p, seed). Participants' samples are interleaved (round one of
// everyone, then round two…). The yielded *Sample is reused: copy it
// (see [Sample.Clone]) to keep it past the loop body.
func Synthesize(p Profile, seed uint64) (iter.Seq[*Sample], error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.MaxSamples == 0 {
		p.MinSamples, p.MaxSamples = 1, 1
	}
	n := p.Participants
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	os := assign(p.OS, n, rng)
	country := assign(p.Countries, n, rng)
	manuf := assign(p.Manufacturers, n, rng)
	locale := assign(p.Locales, n, rng)
	path := assign(p.Paths, n, rng)
	integrity := assign(p.IntegrityLevels, n, rng)
	// rank[m][i] is participant i's rank among the module's participants, or -1.
	rank := make([][]int32, len(p.Modules))
	for m, mp := range p.Modules {
		perm := rng.Perm(n)
		r := make([]int32, n)
		for i := range r {
			r[i] = -1
		}
		for j := 0; j < mp.Participants; j++ {
			r[perm[j]] = int32(j)
		}
		rank[m] = r
	}
	samples := make([]int32, n)
	maxK := 0
	for i := range samples {
		k := p.MinSamples + int(splitmix64(seed^uint64(i)*0x9e37)%uint64(p.MaxSamples-p.MinSamples+1))
		if k == 0 {
			k = 1
		}
		samples[i] = int32(k)
		maxK = max(maxK, k)
	}
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	val := func(vals []ValueCount, idx int32) string {
		if idx < 0 {
			return ""
		}
		return vals[idx].Value
	}
	return func(yield func(*Sample) bool) {
		var s Sample
		for t := 0; t < maxK; t++ {
			for i := 0; i < n; i++ {
				k := int(samples[i])
				if t >= k {
					continue
				}
				mods := s.Modules[:0]
				loc := val(p.Locales, locale[i])
				s = Sample{
					Participant: "p-" + strconv.FormatUint(splitmix64(seed^0x70617274^uint64(i)<<8), 16),
					ObservedAt:  base.Add(time.Duration(i)*time.Second + time.Duration(t)*time.Hour),
					File:        FileRef{SHA256: p.File.SHA256, Name: p.File.Name, Path: val(p.Paths, path[i])},
					Machine: Machine{OS: val(p.OS, os[i]), Country: val(p.Countries, country[i]),
						Manufacturer: val(p.Manufacturers, manuf[i]), Locale: loc, CPUs: p.CPUs},
					Process: p.Process,
				}
				s.Process.IntegrityLevel = val(p.IntegrityLevels, integrity[i])
				s.Process.Service.DisplayName = p.DisplayNames[loc]
				s.Process.Service.Description = p.Descriptions[loc]
				for mk := Metric(0); mk < NumMetrics; mk++ {
					if v, ok := p.Means.Get(mk); ok {
						s.Metrics.Set(mk, synthValue(seed, v, metricTable[mk].unit, i, n, t, k, 1, p.Spread))
					}
				}
				for m, mp := range p.Modules {
					r := int(rank[m][i])
					if r < 0 {
						continue
					}
					md := Module{Name: mp.Name}
					for mk := ModuleMetric(0); mk < NumModuleMetrics; mk++ {
						if v, ok := mp.Means.Get(mk); ok {
							md.Metrics.Set(mk, synthValue(seed, v, moduleMetricTable[mk].unit, r, mp.Participants, t, k, 3+2*m, p.Spread))
						}
					}
					mods = append(mods, md)
				}
				s.Modules = mods
				if !yield(&s) {
					return
				}
			}
		}
	}, nil
}

// AlgExeSHA256 is the sha256 of the seed page's alg.exe.
const AlgExeSHA256 = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"

// AlgExeProfile returns a profile whose samples reproduce the lower half of
// the seed page for alg.exe: 400 participants, of whom 200 report their
// OS, 271 their PC manufacturer and all 400 their country, so that each
// printed share is exact (58.50% = 117/200, 26.57% ≈ 72/271, 49.75% =
// 199/400); the averages of the page; and the three modules.
func AlgExeProfile() Profile {
	var m Metrics
	for k, v := range map[Metric]float64{
		CPUTotalPct: 0.00038821, CPUKernelPct: 0.00022579, CPUUserPct: 0.00016242,
		CPUKernelMsPerMin: 114980, CPUCyclesPerSec: 14396,
		MemPrivateBytes: 1289748, MemPrivateMaxBytes: 4498391, MemPrivateMinBytes: 2338324,
		MemNonpagedBytes: 1289748, MemVirtualBytes: 30125834, MemVirtualPeakBytes: 31384289,
		MemWorkingSetBytes: 2422210, MemWorkingSetPeakBytes: 4938793, MemPageFaultsPerMin: 3065,
		IOReadBytesPerSec: 30, IOReadOpsPerSec: 1, IOOtherBytesPerSec: 15, IOOtherOpsPerSec: 2,
		Threads: 4, Handles: 96,
	} {
		m.Set(k, v)
	}
	mod := func(total, kernel, user, cycles, mem float64) ModuleMetrics {
		var mm ModuleMetrics
		mm.Set(ModTotalCPUPct, total)
		mm.Set(ModKernelCPUPct, kernel)
		mm.Set(ModUserCPUPct, user)
		mm.Set(ModCyclesPerSec, cycles)
		mm.Set(ModMemoryBytes, mem)
		return mm
	}
	return Profile{
		File:         FileRef{SHA256: AlgExeSHA256, Name: "alg.exe"},
		Participants: 400,
		MinSamples:   1, MaxSamples: 8,
		OS: []ValueCount{
			{"Windows 7 Home Premium", 117}, {"Windows 7 Ultimate", 47}, {"Windows 7 Professional", 18},
			{"Windows Vista Home Premium", 7}, {"Windows 7 Home Basic", 5}, {"Windows 7 Starter", 2},
			{"Windows Seven Black Edition", 1}, {"Windows Vista Home Basic", 1},
			{"Windows 8 Enterprise Evaluation", 1}, {"Windows 8 Pro", 1},
		},
		Countries: []ValueCount{
			{"US", 199}, {"GB", 45}, {"CA", 30}, {"DE", 25}, {"FR", 22}, {"AU", 18}, {"IN", 15},
			{"NL", 10}, {"BR", 9}, {"IT", 8}, {"ES", 7}, {"SE", 5}, {"PL", 4}, {"MX", 3},
		},
		Manufacturers: []ValueCount{
			{"Dell", 72}, {"Hewlett-Packard", 48}, {"Toshiba", 40}, {"ASUS", 36}, {"Acer", 29},
			{"Sony", 10}, {"GIGABYTE", 8}, {"Lenovo", 8}, {"Samsung", 7}, {"MSI", 4},
			{"Alienware", 2}, {"Medion", 2}, {"Intel", 2}, {"Gateway", 2}, {"Sahara", 1},
		},
		Locales: []ValueCount{{"en-US", 210}, {"fr-FR", 110}, {"de-DE", 80}},
		Paths: []ValueCount{
			{`C:\Windows\System32\alg.exe`, 396},
			{`C:\Windows\winsxs\x86_microsoft-windows-alg_31bf3856ad364e35_6.1.7600.16385_none\alg.exe`, 4},
		},
		IntegrityLevels: []ValueCount{{"System", 392}, {"High", 8}},
		Process: Process{
			Platform: "32-bit", CommandLine: `C:\Windows\System32\alg.exe`,
			Owner: "LOCAL SERVICE", Parent: "services.exe",
			Service: Service{Name: "ALG", Type: "Win32OwnProcess"},
		},
		DisplayNames: map[string]string{
			"en-US": "Application Layer Gateway Service",
			"fr-FR": "Service de la passerelle de la couche Application",
			"de-DE": "Gatewaydienst auf Anwendungsebene",
		},
		Descriptions: map[string]string{
			"en-US": "Provides support for 3rd party protocol plug-ins for Internet Connection Sharing",
			"fr-FR": "Fournit la prise en charge de plug-ins de protocole tiers pour le partage de connexion Internet",
			"de-DE": "Bietet Unterstützung für Plug-Ins von Drittanbieterprotokollen für die gemeinsame Nutzung der Internetverbindung",
		},
		CPUs:  4,
		Means: m,
		Modules: []ModuleProfile{
			{"sechost.dll", 380, mod(0.00058049, 0.00020889, 0.00037160, 9330, 102400)},
			{"alg.exe", 400, mod(0.00037677, 0.00023746, 0.00013931, 7785, 69632)},
			{"ntdll.dll", 400, mod(0.00016251, 0.00016251, 0, 589, 1289748)},
		},
		Spread: 0.3,
	}
}
