package reputation

import "strings"

// A Voucher is a signing identity that backs code other companies wrote.
// Microsoft signs inbox drivers, WHQL-certified drivers, third-party
// components and UEFI images with certificates of its own; the version
// resource of such a file names the company that wrote it (AMD, Intel,
// Realtek …), and a valid signature by a voucher backs that claim.
//
// A voucher counts only when the signature is valid (intact, chained with
// the code-signing usage) and its chain ends in a root of RootOwner, so a
// certificate that merely copies the common name from another CA vouches
// for nothing.
type Voucher struct {
	// CommonName is the signer certificate's CN, matched exactly (case
	// aside). Organization must also match the certificate's O.
	CommonName   string
	Organization string
	// RootOwner is a word the chain's root subject must start with (its
	// CN or O), e.g. "Microsoft".
	RootOwner string
	Why       string // what Microsoft signs with it
	Source    string // where the identity was seen or documented
}

// Vouchers lists the signing identities that back other publishers' names.
// Every row was seen on a real signed file or catalog (Source names it).
var Vouchers = []Voucher{
	{
		CommonName: "Microsoft Windows", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs the components, inbox drivers and catalogs that ship with Windows, whoever wrote them",
		Source: "amdxata.sys (inbox storage driver written by Advanced Micro Devices) and kernel32.dll of Windows 10, saferwall/pe test files; Windows catalogs",
	},
	{
		CommonName: "Microsoft Windows Hardware Compatibility Publisher", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs drivers and driver catalogs that passed the Windows Hardware Compatibility Program (WHQL) or attestation signing",
		Source: "Microsoft hardware dev center documentation (driver signing) and signed third-party driver catalogs",
	},
	{
		CommonName: "Microsoft Windows Third Party Component", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs third-party components that Microsoft ships as part of Windows",
		Source: "Windows component signatures (issued by Microsoft Windows Third Party Component CA 2012/2014)",
	},
	{
		CommonName: "Microsoft Windows Publisher", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs Windows components and in-box applications, some written by partners",
		Source: "Windows 10/11 system files signed outside the catalogs",
	},
	{
		CommonName: "Microsoft Windows Early Launch Anti-malware Publisher", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs early-launch anti-malware (ELAM) drivers of certified security vendors",
		Source: "WdBoot.sys of Windows 10, saferwall/pe test files; Microsoft's ELAM driver requirements",
	},
	{
		CommonName: "Microsoft Windows UEFI Driver Publisher", Organization: "Microsoft Corporation", RootOwner: "Microsoft",
		Why:    "signs third-party UEFI images (shim, option ROMs) under the Microsoft Corporation UEFI CA 2011",
		Source: "Debian's shim-signed (shimx64.efi.signed)",
	},
}

// vouches returns the voucher row a signer and its chain's root match, or
// nil.
func vouches(signerSubject, rootSubject string) *Voucher {
	cn, o := dnField(signerSubject, "cn"), dnField(signerSubject, "o")
	for i := range Vouchers {
		v := &Vouchers[i]
		if strings.EqualFold(cn, v.CommonName) && strings.EqualFold(o, v.Organization) && subjectIs(rootSubject, v.RootOwner) {
			return v
		}
	}
	return nil
}

// dnField returns the first value of attribute key (lower case, e.g. "cn")
// in an RFC 2253 subject, with its escapes removed; "" when absent.
func dnField(subject, key string) string {
	for _, part := range splitDN(subject) {
		k, v, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// splitDN splits an RFC 2253 string at its unescaped commas and removes
// the backslash escapes ("Brave Software\, Inc." stays one value).
func splitDN(s string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == ',':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}
