package authenticode_test

import (
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/filerep/filerep/pe/authenticode"
)

// headerLayout fills a Layout from the PE headers of b. In filerep the pe
// package does this from the headers it has parsed; it is spelled out here
// to show where each value comes from. (No bounds checks: the samples are
// well formed.)
func headerLayout(b []byte) authenticode.Layout {
	nt := int64(binary.LittleEndian.Uint32(b[0x3c:])) // e_lfanew
	l := authenticode.Layout{
		NTHeaderOffset: nt,
		PE32Plus:       binary.LittleEndian.Uint16(b[nt+24:]) == 0x20b, // optional header magic
	}
	dir := l.SecurityEntryOffset() // IMAGE_DIRECTORY_ENTRY_SECURITY
	l.CertTableOffset = binary.LittleEndian.Uint32(b[dir:])
	l.CertTableSize = binary.LittleEndian.Uint32(b[dir+4:])
	return l
}

func readFile(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func ExampleAuthentihashSHA256() {
	b := readFile("../../testdata/pe/signed-mingw-console-x64.exe")
	l := headerLayout(b)
	fmt.Printf("checksum at 0x%x, security entry at 0x%x, table 0x%x+%d\n",
		l.ChecksumOffset(), l.SecurityEntryOffset(), l.CertTableOffset, l.CertTableSize)

	d, err := authenticode.AuthentihashSHA256(b, l)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%x\n", d)
	// Output:
	// checksum at 0xd8, security entry at 0x128, table 0xac00+2648
	// bb2f1c77a7d08b0c2ecdcb4b55b8c811ff314d66a4be97c24e0866bfde81f1b7
}

func ExampleParse() {
	b := readFile("../../testdata/pe/signed-nested-mingw-console-x64.exe")
	sig, err := authenticode.Parse(b, headerLayout(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed:", sig.Signed)
	for _, s := range sig.Signatures {
		fmt.Printf("depth %d: %s digest matches=%v, signature valid=%v\n",
			s.Depth, s.DigestAlgorithm, s.DigestMatches, s.Signer.SignatureValid)
		fmt.Printf("  signer %s (serial %s)\n", s.Signer.Subject, s.Signer.Serial)
		fmt.Printf("  program %q\n", s.ProgramName)
	}

	// An unsigned file.
	b = readFile("../../testdata/pe/mingw-console-x64.exe")
	_, err = authenticode.Parse(b, headerLayout(b))
	fmt.Println(errors.Is(err, authenticode.ErrNotSigned))
	// Output:
	// signed: true
	// depth 0: sha1 digest matches=true, signature valid=true
	//   signer CN=filerep Test Code Signing (TEST ONLY),O=filerep TEST ONLY,C=ZZ (serial 66696c6572657002)
	//   program "filerep console sample"
	// depth 1: sha256 digest matches=true, signature valid=true
	//   signer CN=filerep Test Code Signing (TEST ONLY),O=filerep TEST ONLY,C=ZZ (serial 66696c6572657002)
	//   program "filerep console sample"
	// true
}

func ExampleSignature_Verify() {
	// Trust only the test root: never the system store.
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(readFile("../../testdata/pki/root-ca.pem"))
	opts := authenticode.VerifyOptions{Roots: roots, CurrentTime: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}

	for _, name := range []string{"signed-ts-mingw-console-x64.exe", "signed-tampered-mingw-console-x64.exe"} {
		b := readFile("../../testdata/pe/" + name)
		sig, err := authenticode.Parse(b, headerLayout(b))
		if err != nil {
			log.Fatal(err)
		}
		res, err := sig.Verify(opts)
		fmt.Printf("%s: verified=%v digest mismatch=%v\n", name, res.Verified, errors.Is(err, authenticode.ErrDigestMismatch))
		if ts := res.Signatures[0].Timestamp; ts != nil {
			fmt.Printf("  timestamp %s (%s) by %s\n", ts.Time.Format(time.RFC3339), ts.Kind, ts.Subject)
		}
	}

	// Without roots nothing is verified.
	b := readFile("../../testdata/pe/signed-mingw-console-x64.exe")
	sig, _ := authenticode.Parse(b, headerLayout(b))
	_, err := sig.Verify(authenticode.VerifyOptions{})
	fmt.Println(err)
	// Output:
	// signed-ts-mingw-console-x64.exe: verified=true digest mismatch=false
	//   timestamp 2026-06-01T00:01:00Z (rfc3161) by CN=filerep Test Timestamping (TEST ONLY),O=filerep TEST ONLY,C=ZZ
	// signed-tampered-mingw-console-x64.exe: verified=false digest mismatch=true
	// authenticode: no roots supplied
}

func ExampleParseCatalog() {
	cat, err := authenticode.ParseCatalog(readFile("testdata/catalog-sha256.cat"))
	if err != nil {
		log.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(readFile("../../testdata/pki/root-ca.pem"))
	v, err := cat.Verify(authenticode.VerifyOptions{Roots: roots, CurrentTime: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)})
	fmt.Println("catalog verified:", v.Verified, err)

	// An unsigned file is catalog-signed when its authentihash (SHA-256 for
	// this v2 catalog) is a member of a catalog that verifies.
	b := readFile("../../testdata/pe/mingw-console-x64.exe")
	d, err := authenticode.AuthentihashSHA256(b, headerLayout(b))
	if err != nil {
		log.Fatal(err)
	}
	m, ok := cat.Lookup(d)
	fmt.Println("member:", ok, m.FileName, m.DigestHex[:16])
	// Output:
	// catalog verified: true <nil>
	// member: true mingw-console-x64.exe bb2f1c77a7d08b0c
}
