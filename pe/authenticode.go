package pe

import (
	"crypto"
	"sync"

	"github.com/filerep/filerep/pe/authenticode"
)

// authState caches the Authenticode work of a File: it reads the whole
// file, so it is done at most once and only when asked for.
type authState struct {
	sha256Once, sha1Once sync.Once
	sha256, sha1         []byte
	sha256Err, sha1Err   error
	sigOnce              sync.Once
	sig                  *authenticode.Signature
	sigErr               error
}

// AuthenticodeLayout returns where the checksum, the security directory
// entry and the certificate table are, for package authenticode.
func (f *File) AuthenticodeLayout() authenticode.Layout {
	sec := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_SECURITY)
	return authenticode.Layout{
		NTHeaderOffset:  int64(f.Header.NTOffset),
		PE32Plus:        f.Header.Is64,
		CertTableOffset: sec.VirtualAddress,
		CertTableSize:   sec.Size,
		NoSecurityEntry: f.Header.NumberOfRvaAndSizes < 5,
	}
}

// HasCertificateTable reports whether the security directory points at a
// certificate table.
func (f *File) HasCertificateTable() bool {
	sec := f.Header.Directory(IMAGE_DIRECTORY_ENTRY_SECURITY)
	return sec.VirtualAddress != 0 && sec.Size != 0
}

// Authentihash returns the SHA-256 Authenticode digest of the image (the
// file without its checksum, security directory entry and certificate
// table), computed on first call. It needs the whole file: it fails for a
// File parsed from a prefix.
func (f *File) Authentihash() ([]byte, error) {
	f.auth.sha256Once.Do(func() {
		if d := f.signedDigest(crypto.SHA256); d != nil {
			f.auth.sha256 = d
			return
		}
		f.auth.sha256, f.auth.sha256Err = authenticode.AuthentihashSHA256(f.data, f.AuthenticodeLayout())
	})
	return f.auth.sha256, f.auth.sha256Err
}

// signedDigest returns the authentihash with algorithm h that decoding the
// signatures already computed (to check them), or nil: a signed file's
// digests are computed once.
func (f *File) signedDigest(h crypto.Hash) []byte {
	if !f.HasCertificateTable() {
		return nil
	}
	sig, _ := f.Signature()
	if sig == nil {
		return nil
	}
	for _, s := range sig.Signatures {
		if s.Hash == h && s.ComputedDigest != nil {
			return s.ComputedDigest
		}
	}
	return nil
}

// AuthentihashSHA1 is [File.Authentihash] with SHA-1, the digest older
// catalogs list.
func (f *File) AuthentihashSHA1() ([]byte, error) {
	f.auth.sha1Once.Do(func() {
		if d := f.signedDigest(crypto.SHA1); d != nil {
			f.auth.sha1 = d
			return
		}
		f.auth.sha1, f.auth.sha1Err = authenticode.AuthentihashSHA1(f.data, f.AuthenticodeLayout())
	})
	return f.auth.sha1, f.auth.sha1Err
}

// Signature decodes the embedded Authenticode signatures, on first call.
// An unsigned file returns an error wrapping authenticode.ErrNotSigned;
// other errors mean part of the table could not be read, and the partial
// Signature is still returned. Trust needs Signature().Verify with the
// caller's roots.
func (f *File) Signature() (*authenticode.Signature, error) {
	f.auth.sigOnce.Do(func() {
		if !f.HasCertificateTable() {
			f.auth.sigErr = authenticode.ErrNotSigned
			return
		}
		f.auth.sig, f.auth.sigErr = authenticode.Parse(f.data, f.AuthenticodeLayout())
	})
	return f.auth.sig, f.auth.sigErr
}
