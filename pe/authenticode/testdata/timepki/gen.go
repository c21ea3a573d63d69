//go:build ignore

// gen writes the test PKI of make.sh into the current directory: two
// roots (one for code signing, one for time stamping), signer and TSA
// certificates with fixed validity periods, and their keys (keys go to
// $KEYDIR, not committed). TEST ONLY: nothing here is trusted anywhere.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

var keyDir = os.Getenv("KEYDIR")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var lifetimeSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 13}

type spec struct {
	file     string
	cn       string
	serial   int64
	from, to time.Time
	ca       bool
	eku      []x509.ExtKeyUsage
	unknown  []asn1.ObjectIdentifier
	parent   string
	critical bool // EKU extension marked critical, as RFC 3161 wants for a TSA
}

func main() {
	specs := []spec{
		{"root-cs", "filerep Time Test Code Signing Root (TEST ONLY)", 0x101, day(2019, 1, 1), day(2040, 1, 1), true, nil, nil, "", false},
		{"root-ts", "filerep Time Test Timestamping Root (TEST ONLY)", 0x102, day(2019, 1, 1), day(2040, 1, 1), true, nil, nil, "", false},
		{"signer-expired", "filerep Time Test Expired Signer (TEST ONLY)", 0x201, day(2020, 1, 1), day(2021, 1, 1), false,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, nil, "root-cs", false},
		{"signer-lifetime", "filerep Time Test Lifetime Signer (TEST ONLY)", 0x202, day(2020, 1, 1), day(2021, 1, 1), false,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, []asn1.ObjectIdentifier{lifetimeSigning}, "root-cs", false},
		{"signer-tsroot", "filerep Time Test Signer under the Timestamping Root (TEST ONLY)", 0x203, day(2020, 1, 1), day(2040, 1, 1), false,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, nil, "root-ts", false},
		{"tsa", "filerep Time Test TSA (TEST ONLY)", 0x301, day(2019, 6, 1), day(2039, 6, 1), false,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, nil, "root-ts", true},
		// A TSA whose issuing CA is limited to code signing: the chain
		// does not carry the time-stamping EKU (osslsigncode checks only
		// the TSA certificate itself).
		{"tsa-ca-cs", "filerep Time Test Code-Signing-Only CA (TEST ONLY)", 0x401, day(2019, 1, 1), day(2040, 1, 1), true,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, nil, "root-ts", false},
		{"tsa-noeku", "filerep Time Test TSA under a code-signing-only CA (TEST ONLY)", 0x302, day(2019, 6, 1), day(2039, 6, 1), false,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, nil, "tsa-ca-cs", true},
	}
	certs := map[string]*x509.Certificate{}
	keys := map[string]*ecdsa.PrivateKey{}
	for _, s := range specs {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		check(err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(s.serial),
			Subject:      pkix.Name{CommonName: s.cn, Organization: []string{"filerep TEST ONLY"}, Country: []string{"ZZ"}},
			NotBefore:    s.from, NotAfter: s.to,
			BasicConstraintsValid: true, IsCA: s.ca,
			ExtKeyUsage: s.eku, UnknownExtKeyUsage: s.unknown,
		}
		if s.critical {
			var oids []asn1.ObjectIdentifier
			for _, u := range s.eku {
				if u == x509.ExtKeyUsageTimeStamping {
					oids = append(oids, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8})
				}
			}
			v, err := asn1.Marshal(oids)
			check(err)
			tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: v}}
		}
		parent, pkey := tmpl, k
		if s.ca && s.parent == "" {
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		} else if s.ca {
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
			parent, pkey = certs[s.parent], keys[s.parent]
		} else {
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature
			parent, pkey = certs[s.parent], keys[s.parent]
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, k.Public(), pkey)
		check(err)
		c, err := x509.ParseCertificate(der)
		check(err)
		certs[s.file], keys[s.file] = c, k
		check(os.WriteFile(s.file+".pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
		kd, err := x509.MarshalPKCS8PrivateKey(k)
		check(err)
		check(os.WriteFile(filepath.Join(keyDir, s.file+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600))
	}
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
