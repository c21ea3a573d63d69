package reputation

import (
	"context"
	"fmt"
	"strings"

	"github.com/filerep/filerep/hash/ssdeep"
	"github.com/filerep/filerep/hash/tlsh"
)

// KnowledgeBase is the read side of what filerep knows about files beyond the
// file itself: known hashes, where a file name usually lives, which versions
// of it exist, what starts it and what it loads, which publishers are trusted
// and which authentihashes are members of a signed catalog.
//
// Every lookup returns an error wrapping [ErrNotFound] when the knowledge
// base holds nothing for the key, and [ErrBadHash] when a hash argument is
// not hexadecimal of a supported length. Names are compared after
// [NormalizeName], hashes after [NormalizeHash].
//
// Implementations are safe for concurrent use. [MemKB] keeps everything in
// memory; [github.com/filerep/filerep/reputation/store.Store] keeps it in an
// SQLite database file. The package
// github.com/filerep/filerep/reputation/kbtest holds the conformance suite
// both pass.
type KnowledgeBase interface {
	// Files returns every record whose MD5, SHA-1 or SHA-256 equals hash
	// (hexadecimal in either case; the algorithm follows from the length:
	// 32, 40 or 64 digits). There is one record per (file, source), so two
	// sources may disagree; records are ordered by trust (known-bad first,
	// then known-good, then known), then by source.
	Files(ctx context.Context, hash string) ([]FileRecord, error)

	// TypicalPaths returns the paths a file name is usually found at, most
	// frequent first, and whether the name belongs to a Windows system file.
	TypicalPaths(ctx context.Context, name string) (TypicalPaths, error)

	// Versions returns the known versions of a file name, newest first.
	Versions(ctx context.Context, name string) ([]VersionRecord, error)

	// Relationships returns the processes that start a file name and the
	// modules it loads.
	Relationships(ctx context.Context, name string) (Relationships, error)

	// Publisher returns the trusted-publisher record that matches a signing
	// certificate: a record with a thumbprint matches when thumbprint (the
	// hex SHA-256 of the certificate's DER bytes) equals it; a record
	// without one matches when subject names the same common name. A
	// thumbprint match wins over a subject match. Either argument may be
	// empty. Matching a subject name is only evidence once the certificate
	// chain has been verified to a trusted root: anyone can put any name in
	// a certificate.
	Publisher(ctx context.Context, subject, thumbprint string) (Publisher, error)

	// CatalogMembers returns the catalogs that list authentihash (hex
	// SHA-1 or SHA-256 Authenticode digest) as a member, ordered by catalog
	// name.
	CatalogMembers(ctx context.Context, authentihash string) ([]CatalogMember, error)
}

// Writer is the write side of a knowledge base, used by importers.
type Writer interface {
	// Update runs fn in one transaction. When fn returns nil, everything it
	// wrote is committed together; when it returns an error (or panics, or
	// ctx is done before the commit), nothing it wrote is kept and Update
	// returns that error. Readers see the writes all at once, after the
	// commit. A Tx must not be used after fn returns, and fn must not call
	// Update on the same Writer.
	Update(ctx context.Context, fn func(Tx) error) error
}

// ReadWriter is a knowledge base that can also be written.
type ReadWriter interface {
	KnowledgeBase
	Writer
}

// Tx is the write side of one transaction of a [Writer]. Each method
// validates its record and returns an error wrapping [ErrInvalidRecord] or
// [ErrBadHash] without writing anything when the record is unusable; fn may
// skip such a record and go on.
type Tx interface {
	// PutFile stores r, replacing the record of the same file from the same
	// source. The file is identified by its strongest hash: SHA-256, else
	// SHA-1, else MD5.
	PutFile(r FileRecord) error

	// AddPath adds count sightings of a file name at path; a count of 0
	// lists the path without counting it. The path's first spelling is kept
	// for display; paths are compared after [NormalizePath].
	AddPath(name, path string, count int64) error

	// SetSystem marks (or unmarks) a file name as a Windows system file.
	SetSystem(name string, system bool) error

	// PutVersion stores a version of a file name, replacing the record with
	// the same name, version and SHA-256.
	PutVersion(v VersionRecord) error

	// AddParent records that parent starts the file name.
	AddParent(name, parent string) error

	// AddModule records that the file name loads module.
	AddModule(name, module string) error

	// PutPublisher stores a trusted publisher, replacing the record with
	// the same thumbprint, or for a record without thumbprint the one with
	// the same subject.
	PutPublisher(p Publisher) error

	// PutCatalogMember stores a catalog membership, replacing the record
	// with the same hash and catalog.
	PutCatalogMember(m CatalogMember) error
}

// Trust is what a knowledge-base source says about a file.
type Trust uint8

// The trust levels. The zero Trust is not a level: records must carry one.
const (
	// TrustKnown means a source has seen the file and says nothing about
	// it. NSRL is such a source: it lists hacking tools as well as Office.
	TrustKnown Trust = iota + 1
	// TrustGood means a source vouches for the file.
	TrustGood
	// TrustBad means a source says the file is malicious.
	TrustBad
)

var trustNames = [...]string{TrustKnown: "known", TrustGood: "known-good", TrustBad: "known-bad"}

// String returns "known", "known-good" or "known-bad".
func (t Trust) String() string {
	if t.Valid() {
		return trustNames[t]
	}
	return fmt.Sprintf("Trust(%d)", uint8(t))
}

// Valid reports whether t is one of the three trust levels.
func (t Trust) Valid() bool { return t >= TrustKnown && t <= TrustBad }

// MarshalText returns the String form; it fails for an invalid Trust.
func (t Trust) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, errorf(ErrInvalidRecord, "trust %d", uint8(t))
	}
	return []byte(trustNames[t]), nil
}

// UnmarshalText accepts what [ParseTrust] accepts.
func (t *Trust) UnmarshalText(b []byte) error {
	v, err := ParseTrust(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTrust parses "known", "known-good" or "known-bad"; "good" and "bad"
// are accepted too. Case and surrounding space do not matter.
func ParseTrust(s string) (Trust, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "known":
		return TrustKnown, nil
	case "known-good", "good":
		return TrustGood, nil
	case "known-bad", "bad":
		return TrustBad, nil
	}
	return 0, errorf(ErrInvalidRecord, "unknown trust %q", s)
}

// FileRecord is what one source knows about one file. At least one hash is
// set; hashes are lower-case hex.
type FileRecord struct {
	MD5       string `json:"md5,omitempty"`       // lower-case hex, or ""
	SHA1      string `json:"sha1,omitempty"`      // lower-case hex, or ""
	SHA256    string `json:"sha256,omitempty"`    // lower-case hex, or ""
	Name      string `json:"name,omitempty"`      // file name as the source spells it
	Product   string `json:"product,omitempty"`   // product the file ships with
	Version   string `json:"version,omitempty"`   // product or file version
	Publisher string `json:"publisher,omitempty"` // manufacturer, as the source says
	Source    string `json:"source"`              // "nsrl", "hashlist", "catalog", "report", "seed", …
	Trust     Trust  `json:"trust"`               // what the source says of the file

	// The similarity digests of the file, when the source computed them
	// (see [SimilarityIndex]): ssdeep's blocksize:hash1:hash2 and TLSH's
	// "T1" and 70 upper-case hex digits. Normalize accepts a TLSH digest
	// without "T1" (tlsh 3.4's form) and in lower case, and writes it in
	// this form.
	SSDeep string `json:"ssdeep,omitempty"`
	TLSH   string `json:"tlsh,omitempty"`
}

// key returns the record's identity hash: SHA-256, else SHA-1, else MD5.
func (r FileRecord) key() string {
	switch {
	case r.SHA256 != "":
		return r.SHA256
	case r.SHA1 != "":
		return r.SHA1
	}
	return r.MD5
}

// Normalize checks r as [Tx.PutFile] does and returns it in the form a
// knowledge base stores: hashes in lower-case hex, the source trimmed, the
// similarity digests trimmed and in their canonical text form
// ([ssdeep.Digest.String], [tlsh.Digest.String]). The error wraps
// [ErrBadHash] for a malformed hash or similarity digest and
// [ErrInvalidRecord] for a record without a hash, a source or a valid
// trust. The similarity digests do not identify a file: a record needs an
// MD5, SHA-1 or SHA-256 too. It is for implementations of [Tx]; MemKB and
// the SQLite store use it.
func (r FileRecord) Normalize() (FileRecord, error) {
	for _, h := range []struct {
		p   *string
		alg HashAlg
	}{{&r.MD5, MD5}, {&r.SHA1, SHA1}, {&r.SHA256, SHA256}} {
		if *h.p == "" {
			continue
		}
		var err error
		if *h.p, err = normalizeHashAs(*h.p, h.alg, h.alg.String()+" field"); err != nil {
			return r, err
		}
	}
	if r.SSDeep = strings.TrimSpace(r.SSDeep); r.SSDeep != "" {
		d, err := ssdeep.Parse(r.SSDeep)
		if err != nil {
			return r, errorf(ErrBadHash, "ssdeep field: %w", err)
		}
		r.SSDeep = d.String()
	}
	if r.TLSH = strings.TrimSpace(r.TLSH); r.TLSH != "" {
		d, err := tlsh.Parse(r.TLSH)
		if err != nil {
			return r, errorf(ErrBadHash, "tlsh field: %w", err)
		}
		r.TLSH = d.String()
	}
	if r.key() == "" {
		return r, errorf(ErrInvalidRecord, "file record without a hash")
	}
	r.Source = strings.TrimSpace(r.Source)
	if r.Source == "" {
		return r, errorf(ErrInvalidRecord, "file record without a source")
	}
	if !r.Trust.Valid() {
		return r, errorf(ErrInvalidRecord, "file record with trust %d", uint8(r.Trust))
	}
	return r, nil
}

// TypicalPaths is where a file name is usually found.
type TypicalPaths struct {
	Name   string      `json:"name"`   // normalized file name
	System bool        `json:"system"` // a Windows system file
	Paths  []PathCount `json:"paths"`  // most frequent first, then by path
}

// Typical reports whether path is one of p's paths, comparing after
// [NormalizePath].
func (p TypicalPaths) Typical(path string) bool {
	n := NormalizePath(path)
	for _, pc := range p.Paths {
		if NormalizePath(pc.Path) == n {
			return true
		}
	}
	return false
}

// PathCount is one typical path of a file name.
type PathCount struct {
	Path  string  `json:"path"`  // as first recorded, e.g. C:\Windows\System32\alg.exe
	Count int64   `json:"count"` // sightings; 0 when the path was listed without counting
	Share float64 `json:"share"` // Count over the name's total count, 0 when nothing was counted
}

// VersionRecord is one known version of a file name.
type VersionRecord struct {
	Name    string `json:"name"`              // normalized file name
	Version string `json:"version"`           // file version as recorded
	Product string `json:"product,omitempty"` // product name
	SHA256  string `json:"sha256,omitempty"`  // lower-case hex; empty when unknown
	Source  string `json:"source,omitempty"`  // where the record came from
}

// Normalize checks v as [Tx.PutVersion] does and returns it with its name
// normalized ([NormalizeName]), its version trimmed and its SHA-256 in
// lower-case hex. The error wraps [ErrInvalidRecord] (no name or version)
// or [ErrBadHash]. It is for implementations of [Tx].
func (v VersionRecord) Normalize() (VersionRecord, error) {
	v.Name = NormalizeName(v.Name)
	v.Version = strings.TrimSpace(v.Version)
	if v.Name == "" || v.Version == "" {
		return v, errorf(ErrInvalidRecord, "version record needs a name and a version")
	}
	if v.SHA256 != "" {
		var err error
		if v.SHA256, err = normalizeHashAs(v.SHA256, SHA256, "version record sha256"); err != nil {
			return v, err
		}
	}
	return v, nil
}

// Relationships are the processes that start a file name and the modules it
// loads, each as a normalized file name in ascending order.
type Relationships struct {
	Name    string   `json:"name"`              // normalized file name
	Parents []string `json:"parents,omitempty"` // processes that start it
	Modules []string `json:"modules,omitempty"` // modules it loads
}

// Publisher is a trusted code-signing publisher, named by the common name of
// its certificate's subject, pinned by the certificate's SHA-256 thumbprint,
// or both.
type Publisher struct {
	Subject    string `json:"subject,omitempty"`    // subject common name, e.g. "Microsoft Windows"
	Thumbprint string `json:"thumbprint,omitempty"` // lower-case hex SHA-256 of the certificate
	Note       string `json:"note,omitempty"`       // why it is trusted
}

// Normalize checks p as [Tx.PutPublisher] does and returns it with its
// subject reduced to the common name ([SubjectCommonName]) and its
// thumbprint in lower-case hex. The error wraps [ErrInvalidRecord] (neither
// subject nor thumbprint) or [ErrBadHash]. It is for implementations of
// [Tx].
func (p Publisher) Normalize() (Publisher, error) {
	p.Subject = SubjectCommonName(p.Subject)
	if p.Thumbprint != "" {
		var err error
		if p.Thumbprint, err = normalizeHashAs(p.Thumbprint, SHA256, "thumbprint"); err != nil {
			return p, err
		}
	}
	if p.Subject == "" && p.Thumbprint == "" {
		return p, errorf(ErrInvalidRecord, "publisher needs a subject or a thumbprint")
	}
	return p, nil
}

// CatalogMember says that a signed catalog lists an authentihash.
type CatalogMember struct {
	Hash    string `json:"hash"`             // lower-case hex SHA-1 or SHA-256 authentihash
	Catalog string `json:"catalog"`          // catalog file name, e.g. "nt5.cat"
	Signer  string `json:"signer,omitempty"` // catalog signer's subject, when the indexer verified it
}

// Normalize checks m as [Tx.PutCatalogMember] does and returns it with its
// hash in lower-case hex and its catalog and signer trimmed. The error
// wraps [ErrBadHash] (not SHA-1 or SHA-256) or [ErrInvalidRecord] (no
// catalog). It is for implementations of [Tx].
func (m CatalogMember) Normalize() (CatalogMember, error) {
	alg, h, err := NormalizeHash(m.Hash)
	if err != nil {
		return m, err
	}
	if alg == MD5 {
		return m, errorf(ErrBadHash, "catalog members are SHA-1 or SHA-256, not MD5")
	}
	m.Hash = h
	m.Catalog = strings.TrimSpace(m.Catalog)
	m.Signer = strings.TrimSpace(m.Signer)
	if m.Catalog == "" {
		return m, errorf(ErrInvalidRecord, "catalog member without a catalog")
	}
	return m, nil
}

// HashAlg is a hash algorithm a knowledge base indexes.
type HashAlg uint8

// The hash algorithms, told apart by their hex length.
const (
	MD5    HashAlg = iota + 1 // 32 hex digits
	SHA1                      // 40 hex digits
	SHA256                    // 64 hex digits
)

// String returns "md5", "sha1" or "sha256".
func (a HashAlg) String() string {
	switch a {
	case MD5:
		return "md5"
	case SHA1:
		return "sha1"
	case SHA256:
		return "sha256"
	}
	return fmt.Sprintf("HashAlg(%d)", uint8(a))
}

// Size returns the digest length in bytes, or 0 for an unknown algorithm.
func (a HashAlg) Size() int {
	switch a {
	case MD5:
		return 16
	case SHA1:
		return 20
	case SHA256:
		return 32
	}
	return 0
}

// NormalizeHash trims s, checks that it is hexadecimal of length 32, 40 or
// 64 and returns its algorithm and lower-case form. Otherwise the error
// wraps [ErrBadHash].
func NormalizeHash(s string) (HashAlg, string, error) {
	s = strings.TrimSpace(s)
	var alg HashAlg
	switch len(s) {
	case 32:
		alg = MD5
	case 40:
		alg = SHA1
	case 64:
		alg = SHA256
	default:
		return 0, "", errorf(ErrBadHash, "%d characters, want 32, 40 or 64 hex digits", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, "", errorf(ErrBadHash, "non-hex character %q at %d", c, i)
		}
	}
	return alg, strings.ToLower(s), nil
}

// normalizeHashAs is [NormalizeHash] for a field that holds one algorithm:
// it also fails, with an error wrapping [ErrBadHash] that names the field,
// when s is a hash of another algorithm.
func normalizeHashAs(s string, want HashAlg, field string) (string, error) {
	alg, h, err := NormalizeHash(s)
	if err != nil {
		return "", err
	}
	if alg != want {
		return "", errorf(ErrBadHash, "%s holds a %s, want a %s", field, alg, want)
	}
	return h, nil
}

// NormalizeName returns the lower-cased base name of a file name or path
// (after the last \ or /), trimmed of spaces: "C:\Windows\ALG.EXE" gives
// "alg.exe". Knowledge bases key names by this form.
func NormalizeName(name string) string {
	return strings.ToLower(baseName(name))
}

// baseName returns the last element of a Windows or slash path, trimmed of
// spaces, in its own case.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		p = p[i+1:]
	}
	return strings.TrimSpace(p)
}

// pathPrefixes maps environment-variable and alias spellings of Windows
// folders to the default location, lower-cased, for [NormalizePath].
var pathPrefixes = []struct{ from, to string }{
	{`%systemroot%`, `c:\windows`},
	{`%windir%`, `c:\windows`},
	{`\systemroot`, `c:\windows`},
	{`%programfiles%`, `c:\program files`},
	{`%programfiles(x86)%`, `c:\program files (x86)`},
	{`%programdata%`, `c:\programdata`},
	{`%systemdrive%`, `c:`},
}

// NormalizePath returns the form in which Windows paths are compared:
// trimmed, with / turned into \, the \\?\ and \??\ prefixes removed,
// %SystemRoot%, %windir%, \SystemRoot, %ProgramFiles%,
// %ProgramFiles(x86)%, %ProgramData% and %SystemDrive% replaced by their
// default locations on drive C:, the Sysnative alias (how 32-bit programs
// name the real System32) replaced by System32, repeated separators
// collapsed, and lower-cased. It assumes Windows is installed in
// C:\Windows.
func NormalizePath(p string) string {
	p = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(p, "/", `\`)))
	for _, pre := range []string{`\\?\`, `\??\`} {
		if strings.HasPrefix(p, pre) {
			p = p[len(pre):]
			if strings.HasPrefix(p, `unc\`) {
				p = `\\` + p[len(`unc\`):]
			}
			break
		}
	}
	for _, m := range pathPrefixes {
		if strings.HasPrefix(p, m.from) && (len(p) == len(m.from) || p[len(m.from)] == '\\') {
			p = m.to + p[len(m.from):]
			break
		}
	}
	// Collapse runs of separators, keeping the two that open a UNC path.
	var b strings.Builder
	b.Grow(len(p))
	i, prevSep := 0, false
	if strings.HasPrefix(p, `\\`) {
		b.WriteString(`\\`)
		i, prevSep = 2, true
	}
	for ; i < len(p); i++ {
		c := p[i]
		if c == '\\' {
			if prevSep {
				continue
			}
			prevSep = true
		} else {
			prevSep = false
		}
		b.WriteByte(c)
	}
	p = strings.TrimRight(b.String(), `\`)
	const sysnative, system32 = `c:\windows\sysnative`, `c:\windows\system32`
	if strings.HasPrefix(p, sysnative) && (len(p) == len(sysnative) || p[len(sysnative)] == '\\') {
		p = system32 + p[len(sysnative):]
	}
	return p
}

// SubjectCommonName returns the common name of a certificate subject given
// either as the name itself ("Microsoft Windows") or as a distinguished name
// ("CN=Microsoft Windows,O=Microsoft Corporation,…", in either RFC 4514 or
// Windows "CN=…, O=…" order), trimmed, with runs of spaces collapsed.
// Publishers are matched on this form, ignoring case.
func SubjectCommonName(s string) string {
	s = strings.TrimSpace(s)
	if cn, ok := dnCommonName(s); ok {
		s = cn
	}
	return strings.Join(strings.Fields(s), " ")
}

// dnCommonName extracts the CN attribute of a distinguished name. It
// understands backslash escapes and double-quoted values, and separators ','
// ';' and '+'.
func dnCommonName(s string) (string, bool) {
	looksDN := false
	var attrs [][2]string
	var key, val strings.Builder
	inVal, quoted, esc := false, false, false
	flush := func() {
		attrs = append(attrs, [2]string{strings.TrimSpace(key.String()), strings.TrimSpace(val.String())})
		key.Reset()
		val.Reset()
		inVal = false
	}
	for _, c := range s {
		switch {
		case esc:
			val.WriteRune(c)
			esc = false
		case inVal && c == '\\':
			esc = true
		case inVal && c == '"':
			quoted = !quoted
		case !inVal && c == '=':
			inVal = true
			looksDN = true
		case !quoted && (c == ',' || c == ';' || c == '+'):
			if !inVal {
				return "", false
			}
			flush()
		case inVal:
			val.WriteRune(c)
		default:
			key.WriteRune(c)
		}
	}
	if !looksDN || !inVal {
		return "", false
	}
	flush()
	for _, a := range attrs {
		if strings.EqualFold(a[0], "CN") || a[0] == "2.5.4.3" {
			return a[1], true
		}
	}
	return "", false
}

// IsWindowsPath reports whether p is an absolute Windows path: a drive
// letter and a separator (C:\ or C:/), a UNC or device path (\\server\…,
// \\?\…), or one that starts with an environment variable (%SystemRoot%\…).
func IsWindowsPath(p string) bool {
	switch {
	case len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z'):
		return true
	case strings.HasPrefix(p, `\\`) && len(p) > 2:
		return true
	case len(p) > 2 && p[0] == '%':
		i := strings.IndexByte(p[1:], '%')
		return i > 0 && (len(p) == i+2 || p[i+2] == '\\' || p[i+2] == '/')
	}
	return false
}
