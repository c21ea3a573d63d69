package reputation

import (
	"context"
	"testing"

	"github.com/filerep/filerep/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	algSHA256   = "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115"
	badSHA256   = "1111111111111111111111111111111111111111111111111111111111111111"
	authHash    = "2222222222222222222222222222222222222222222222222222222222222222"
	badMD5      = "33333333333333333333333333333333"
	otherSHA256 = "4444444444444444444444444444444444444444444444444444444444444444"
	msSubject   = "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"
	// Subjects as crypto/x509 prints them for the real certificates (kernel32.dll
	// and amdxata.sys of Windows 10, the saferwall/pe test files).
	msRoot2010   = "CN=Microsoft Root Certificate Authority 2010,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"
	msWindows    = "CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"
	msCorp       = "CN=Microsoft Corporation,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"
	braveSigner  = "CN=Brave Software\\, Inc.,O=Brave Software\\, Inc.,L=San Francisco,ST=California,C=US"
	digicertRoot = "CN=DigiCert Assured ID Root CA,OU=www.digicert.com,O=DigiCert Inc,C=US"
)

// verdictKB is a small knowledge base for the signal tests.
func verdictKB(t *testing.T) *MemKB {
	kb := NewMemKB()
	require.NoError(t, kb.Update(context.Background(), func(tx Tx) error {
		require.NoError(t, tx.PutFile(FileRecord{SHA256: badSHA256, Name: "evil.exe", Source: "hashlist", Trust: TrustBad}))
		require.NoError(t, tx.PutFile(FileRecord{MD5: badMD5, Name: "evil2.exe", Source: "md5list", Trust: TrustBad}))
		require.NoError(t, tx.PutFile(FileRecord{SHA256: otherSHA256, Name: "evil2.exe", Source: "nsrl", Trust: TrustKnown}))
		require.NoError(t, tx.AddPath("alg.exe", `C:\Windows\System32\alg.exe`, 10))
		require.NoError(t, tx.SetSystem("alg.exe", true))
		require.NoError(t, tx.PutPublisher(Publisher{Subject: "Microsoft Windows", Note: "Windows components"}))
		require.NoError(t, tx.PutCatalogMember(CatalogMember{Hash: authHash, Catalog: "Package_1.cat", Signer: msSubject}))
		return nil
	}))
	return kb
}

func signedByMicrosoft() SignatureFacts {
	return SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: msSubject}
}

func reasons(v *Verdict) []string {
	var out []string
	for _, r := range v.Reasons {
		out = append(out, r.Signal)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	yes := true
	msClaims := Claims{CompanyName: "Microsoft Corporation", ProductName: "Microsoft® Windows® Operating System", OriginalFilename: "ALG.exe"}
	tests := []struct {
		name    string
		s       Subject
		obs     Observation
		level   Level
		signals []string // must all be among the reasons
		absent  []string // must not be
	}{
		{"known-bad is malicious whatever else", Subject{Name: "evil.exe", SHA256: badSHA256, Signature: signedByMicrosoft()}, Observation{},
			Malicious, []string{"known-bad"}, nil},
		{"known-bad by MD5 only, known by SHA-256 elsewhere", Subject{Name: "evil2.exe", SHA256: otherSHA256, MD5: badMD5}, Observation{},
			Malicious, []string{"known-bad"}, nil},
		{"catalog-signed system file in System32 is safe", Subject{Name: "alg.exe", SHA256: algSHA256, Authentihash: authHash, Claims: msClaims},
			Observation{Path: `C:\Windows\System32\alg.exe`, Protected: &yes}, Safe,
			[]string{"catalog-signed", "system-file-in-place"}, []string{"spoof-publisher", "unsigned"}},
		{"unsigned file claiming Microsoft, no catalogs to look in: unknown, not suspicious", Subject{Name: "alg.exe", SHA256: badSHA256[:63] + "2", Claims: msClaims},
			Observation{Path: `C:\Windows\System32\alg.exe`}, Unknown,
			[]string{"unverifiable-claim", "unsigned"}, []string{"spoof-publisher", "spoof-system-name-unsigned"}},
		{"unsigned file claiming Microsoft, absent from the catalogs searched: a spoof", Subject{Name: "alg.exe", SHA256: badSHA256[:63] + "2", Claims: msClaims},
			Observation{Path: `C:\Windows\System32\alg.exe`, CatalogsSearched: 3412}, Suspicious,
			[]string{"spoof-publisher", "spoof-system-name-unsigned", "unsigned"}, []string{"unverifiable-claim"}},
		{"inbox driver written by AMD, signed by Microsoft Windows under a Microsoft root", Subject{Name: "amdxata.sys",
			Claims:    Claims{CompanyName: "Advanced Micro Devices"},
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: msWindows, ChainRoot: msRoot2010}},
			Observation{}, Safe, []string{"signature-trusted-publisher", "vouched-publisher"}, []string{"spoof-publisher", "unverifiable-claim"}},
		{"Microsoft Windows name under a root that is not Microsoft's vouches for nobody", Subject{Name: "amdxata.sys",
			Claims:    Claims{CompanyName: "Advanced Micro Devices"},
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: msWindows, ChainRoot: digicertRoot}},
			Observation{}, Suspicious, []string{"spoof-publisher", "signature-valid"}, []string{"signature-trusted-publisher"}},
		{"Microsoft-signed under a Microsoft root, no knowledge base publisher needed", Subject{Name: "pwsh.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: msCorp, ChainRoot: msRoot2010}},
			Observation{}, Safe, []string{"signature-trusted-publisher"}, []string{"spoof-publisher"}},
		{"self-signed certificate copying Microsoft's name", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, SignerSubject: msCorp, ChainProblem: ChainUnknownRoot, ChainError: "x509: certificate signed by unknown authority"}},
			Observation{}, Suspicious, []string{"spoof-publisher", "signature-untrusted"}, nil},
		{"Microsoft's own expired certificate without a timestamp: unknown, with the reason", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, SignerSubject: msCorp, ChainProblem: ChainExpired,
				ChainError: "signer certificate expired 2011-10-10; the signature has no trusted timestamp"}},
			Observation{}, Unknown, []string{"signature-expired", "unverifiable-claim"}, []string{"spoof-publisher", "signature-untrusted"}},
		{"Microsoft's expired certificate on a system DLL with risky imports stays unknown", Subject{Name: "KernelBase.dll", Claims: msClaims,
			Behaviors: []string{"process-injection", "anti-debug"}, Anomalies: []string{"a", "b", "c"},
			Signature: SignatureFacts{Present: true, IntegrityOK: true, SignerSubject: msWindows, ChainProblem: ChainExpired}},
			Observation{}, Unknown, []string{"signature-expired", "risky-behaviors"}, []string{"spoof-publisher"}},
		{"an expired self-signed copy is not the publisher's own", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, SignerSubject: msCorp, ChainProblem: ChainUnknownRoot}},
			Observation{}, Suspicious, []string{"spoof-publisher", "signature-untrusted"}, nil},
		{"no trust anchors given: a Microsoft claim is unknown", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, SignerSubject: msCorp, ChainProblem: ChainNoRoots}},
			Observation{}, Unknown, []string{"signature-unchecked", "unverifiable-claim"}, []string{"spoof-publisher", "signature-untrusted"}},
		{"valid signature by another publisher claiming Microsoft", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: braveSigner, ChainRoot: digicertRoot}},
			Observation{}, Suspicious, []string{"spoof-publisher", "signature-valid"}, nil},
		{"validly signed third-party software with weak bad signals is unknown, not suspicious", Subject{Name: "brave.exe",
			Claims:    Claims{CompanyName: "Brave Software, Inc."},
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: true, SignerSubject: braveSigner, ChainRoot: digicertRoot},
			Packed:    true, Packers: []string{"generic"}, Behaviors: []string{"process-injection", "keylogging"}, Anomalies: []string{"a", "b", "c"}},
			Observation{}, Unknown, []string{"signature-valid", "packed", "risky-behaviors"}, []string{"spoof-publisher"}},
		{"system file name in a temp folder", Subject{Name: "alg.exe", Authentihash: authHash},
			Observation{Path: `C:\Users\bob\AppData\Local\Temp\alg.exe`}, Suspicious,
			[]string{"spoof-system-name"}, nil},
		{"signed by an untrusted test CA claiming Microsoft", Subject{Name: "tool.exe", Claims: msClaims,
			Signature: SignatureFacts{Present: true, IntegrityOK: true, ChainVerified: false, SignerSubject: "CN=filerep test signer"}},
			Observation{}, Suspicious, []string{"spoof-publisher", "signature-untrusted"}, nil},
		{"validly signed by a trusted publisher is safe", Subject{Name: "notepad.exe", Signature: signedByMicrosoft(), Claims: msClaims},
			Observation{}, Safe, []string{"signature-trusted-publisher"}, []string{"spoof-publisher"}},
		{"trusted signature on a packed file is not suspicious", Subject{Name: "tool.exe", Signature: signedByMicrosoft(), Packed: true, Packers: []string{"UPX"}},
			Observation{}, LikelySafe, []string{"packed"}, nil},
		{"tampered signature", Subject{Name: "tool.exe", Signature: SignatureFacts{Present: true, SignerSubject: msSubject}},
			Observation{}, Suspicious, []string{"signature-invalid"}, nil},
		{"unsigned unknown file stays unknown", Subject{Name: "hello.exe", Claims: Claims{CompanyName: "ACME"}},
			Observation{}, Unknown, []string{"unsigned"}, nil},
		{"unsigned but prevalent is still not safe", Subject{Name: "hello.exe"},
			Observation{Telemetry: &stats.Summary{Published: true, Participants: 5000}}, Unknown, []string{"prevalent", "unsigned"}, nil},
		{"packed with risky behaviours and anomalies", Subject{Name: "x.exe", Packed: true, Packers: []string{"generic"}, Entropy: 7.9,
			Behaviors: []string{"process-injection", "keylogging"}, Anomalies: []string{"a", "b", "c"}},
			Observation{}, Suspicious, []string{"packed", "risky-behaviors", "anomalies"}, []string{"high-entropy"}},
	}
	kb := verdictKB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Evaluate(context.Background(), &tt.s, kb, &tt.obs, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.level, v.Level, "reasons: %+v", v.Reasons)
			assert.Equal(t, tt.level.Summary(), v.Summary)
			got := reasons(v)
			for _, s := range tt.signals {
				assert.Contains(t, got, s)
			}
			for _, s := range tt.absent {
				assert.NotContains(t, got, s)
			}
			for _, r := range v.Reasons {
				assert.NotEmpty(t, r.Detail, r.Signal)
			}
			assert.GreaterOrEqual(t, v.Score, 0)
			assert.LessOrEqual(t, v.Score, 100)
			// Deterministic.
			again, _ := Evaluate(context.Background(), &tt.s, kb, &tt.obs, nil)
			assert.Equal(t, v, again)
		})
	}
}

func TestEvaluateStatement(t *testing.T) {
	kb := verdictKB(t)
	s := &Subject{Name: "alg.exe", Authentihash: authHash}
	yes := true
	v, err := Evaluate(context.Background(), s, kb, &Observation{Path: `C:\Windows\System32\alg.exe`, Protected: &yes}, nil)
	require.NoError(t, err)
	assert.Equal(t, "This is a Windows system installed file with Windows File Protection (WFP) enabled.", v.Statement)
	v, err = Evaluate(context.Background(), s, kb, &Observation{Path: `C:\Windows\System32\alg.exe`}, nil)
	require.NoError(t, err)
	assert.Contains(t, v.Statement, "looks like a protected Windows component")
}

// TestUnanchoredNeverSafe: whatever the weights say, no file without a
// trust anchor reaches safe or likely safe.
func TestUnanchoredNeverSafe(t *testing.T) {
	pol := DefaultPolicy()
	pol.Weights = map[string]int{"unsigned": 100, "prevalent": 100}
	v, err := Evaluate(context.Background(), &Subject{Name: "x.exe"}, nil,
		&Observation{Telemetry: &stats.Summary{Published: true, Participants: 1e6}}, &pol)
	require.NoError(t, err)
	assert.Equal(t, Unknown, v.Level)
	assert.Less(t, v.Score, pol.LikelySafeAt)
}

func TestSignalNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range signals {
		assert.False(t, seen[s.name], s.name)
		seen[s.name] = true
	}
}

func TestPolicyValidate(t *testing.T) {
	require.NoError(t, DefaultPolicy().Validate())
	p := DefaultPolicy()
	p.Weights = map[string]int{"packed": -30, "unsigned": -5}
	require.NoError(t, p.Validate())
	for _, tt := range []struct {
		name string
		mod  func(*Policy)
		want string
	}{
		{"weights only", func(p *Policy) { *p = Policy{Weights: map[string]int{"packed": -30}} }, "thresholds"},
		{"unknown signal", func(p *Policy) { p.Weights = map[string]int{"pakced": -30} }, `"pakced"`},
		{"thresholds out of order", func(p *Policy) { p.SafeAt = 50 }, "SafeAt (50)"},
		{"score out of range", func(p *Policy) { p.Base = 120 }, "Base 120"},
		{"entropy", func(p *Policy) { p.HighEntropy = 9 }, "HighEntropy 9"},
		{"prevalence", func(p *Policy) { p.PrevalentAt = 0 }, "PrevalentAt 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.mod(&p)
			err := p.Validate()
			require.ErrorIs(t, err, ErrPolicy)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	assert.Contains(t, SignalNames(), "spoof-publisher")
}

// TestAnomaliesCountKinds: the anomalies signal counts kinds of fault, not
// lines.
func TestAnomaliesCountKinds(t *testing.T) {
	s := &Subject{Name: "x.exe", Anomalies: []string{"pe/section-past-eof", "pe/section-past-eof", "pe/section-past-eof", "pe/section-past-eof"}}
	v, err := Evaluate(context.Background(), s, nil, nil, nil)
	require.NoError(t, err)
	assert.NotContains(t, reasons(v), "anomalies")
	s.Anomalies = append(s.Anomalies, "pe/exports-unreadable", "pe/resource-unreadable")
	v, err = Evaluate(context.Background(), s, nil, nil, nil)
	require.NoError(t, err)
	require.Contains(t, reasons(v), "anomalies")
	for _, r := range v.Reasons {
		if r.Signal == "anomalies" {
			assert.Equal(t, "3 kinds of structural anomaly: pe/section-past-eof, pe/exports-unreadable, pe/resource-unreadable", r.Detail)
		}
	}
}
