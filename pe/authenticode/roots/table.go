package roots

// BundleVersion names the revision of the embedded bundle: the date its
// list was last reviewed and a counter for changes on the same day. It
// changes whenever a root is added, removed or changes purposes.
const BundleVersion = "2026-12-02.2"

// Sources of the certificates and of the second, independent check of
// each fingerprint (see README.md).
const (
	srcMS = "../shared/pki/microsoft-code-signing-roots.pem (from Microsoft's PKI repository); SHA-1 thumbprint in " +
		"../shared/pki/README.md and in public listings of the roots Windows ships (Windows root-store dumps on GitHub)"
	srcMozillaFallback = "Debian ca-certificates 20230311+deb12u1 (Mozilla); SHA-256 also in " +
		"golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d (CCADB)"
	srcMozillaWindows = "Debian ca-certificates 20230311+deb12u1 (Mozilla); SHA-1 thumbprint also in public " +
		"Windows root-store listings (Cert:\\LocalMachine\\Root dumps on GitHub)"
)

// table is the list of trust anchors: one row per root, in the order of
// roots.pem. The fingerprints are the identity of each root: refresh.go
// picks the certificates by SHA-256 from the sources a maintainer has,
// and roots_test.go pins them again.
var table = []Row{
	// Microsoft's product roots. Windows trusts them for every purpose;
	// Microsoft's own time-stamping CAs (Microsoft Time-Stamp PCA,
	// PCA 2010) chain to them too.
	{"Microsoft Root Certificate Authority 2010", CodeSigning | TimeStamping,
		"df545bf919a2439c36983b54cdfc903dfa4f37d3996d8d84b4c31eec6f3c163e", "3b1efd3a66ea28b16697394703a72ca340a05bd5", srcMS},
	{"Microsoft Root Certificate Authority 2011", CodeSigning | TimeStamping,
		"847df6a78497943f27fc72eb93f9a637320a02b561d0a91b09e87a7807ed7c61", "8f43288ad272f3103b6fb1428485ea3014c0bcfe", srcMS},
	{"Microsoft Root Certificate Authority (2001)", CodeSigning | TimeStamping,
		"885de64c340e3ea70658f01e1145f957fcda27aabeea1ab9faa9fdb0102d4077", "cdd4eeae6000ac7f40c3802c171e30148030c072", srcMS},
	{"Microsoft Root Authority (1997)", CodeSigning | TimeStamping,
		"f38406e540d7a9d90cb4a9479299640ffb6df9e224ecc7a01c0d9558d8dad77d", "a43489159a520f0d93d032ccaf37e7fe20a8b419", srcMS},

	// The root of the Symantec/VeriSign time-stamping chains (Symantec
	// Time Stamping Services CA - G2). This is the 1997 key re-issued
	// with basic constraints (valid to 2021-01-01); Windows' copy of the
	// same key and name has thumbprint be36a4562fb2ee05dbb3d32323adf445084ed656.
	{"Thawte Timestamping CA", TimeStamping,
		"cb6b05d9e8e57cd882b10b4db70de4bb1de42ba48a7bd0318b635bf6e7781a9d", "20ceb1f0f51c0e19a9f38db1aa8e038caa7ac701",
		"OpenJDK make/data/cacerts/verisigntsaca (openjdk/jdk); SHA-1 thumbprint also in a public root-name table on GitHub " +
			"('20CEB1F0…': 'Thawte Timestamping CA'); same subject and key as Windows' be36a456…, listed by Microsoft as a root Windows requires"},

	// DigiCert.
	{"DigiCert Assured ID Root CA", CodeSigning | TimeStamping,
		"3e9099b5015e8f486c00bcea9d111ee721faba355a89bcf1df69561e3dc6325c", "0563b8630d62d75abbc8ab1e4bdfb5a899b24d43", srcMozillaWindows},
	{"DigiCert Trusted Root G4", CodeSigning | TimeStamping,
		"552f7bdcf1a7af9e6ce672017f4f12abf77240c78e761ac203d1d9d20ac89988", "ddfb16cd4931c973a2037d3fc83a4d7d775d05e4", srcMozillaFallback},
	{"DigiCert High Assurance EV Root CA", CodeSigning,
		"7431e5f4c3c1ce4690774f0b61e05440883ba9a01ed00ba6abd7806ed3b118cf", "5fb7ee0633e259dbad0c4c9ae6d38f1a61c7dc25", srcMozillaWindows},

	// Sectigo (formerly Comodo) and USERTrust.
	{"USERTrust RSA Certification Authority", CodeSigning | TimeStamping,
		"e793c9b02fd8aa13e21c31228accb08119643b749c898964b1746d46c3d4cbd2", "2b8f1b57330dbba2d07a6c51f70ee90ddab9ad8e", srcMozillaFallback},
	{"USERTrust ECC Certification Authority", CodeSigning | TimeStamping,
		"4ff460d54b9c86dabfbcfc5712e0400d2bed3fbc4d4fbdaa86e06adcd2a9ad7a", "d1cbca5db2d52a7f693b674de5f05a1d0c957df0", srcMozillaFallback},
	{"COMODO RSA Certification Authority", CodeSigning | TimeStamping,
		"52f0e1c4e58ec629291b60317f074671b85d7ea80d5b07273463534b32b40234", "afe5d244a8d1194230ff479fe2f897bbcd7a8cb4", srcMozillaFallback},
	{"COMODO Certification Authority", CodeSigning | TimeStamping,
		"0c2cd63df7806fa399ede809116b575bf87989f06518f9808c860503178baf66", "6631bf9ef74f9eb6c9d5a60cba6abed1f7bdef7b", srcMozillaWindows},
	{"AAA Certificate Services (Comodo)", CodeSigning | TimeStamping,
		"d7a7a0fb5d7e2731d771e9484ebcdef71d5f0c3e0a2948782bc83ee0ea699ef4", "d1eb23a46d17d68fd92564c2f1f1601764d8e349", srcMozillaWindows},

	// GlobalSign.
	{"GlobalSign Root CA (R1)", CodeSigning | TimeStamping,
		"ebd41040e4bb3ec742c9e381d31ef2a41a48b6685c96e7cef3c1df6cd4331c99", "b1bc968bd4f49d622aa89a81f2150152a41d829c", srcMozillaWindows},
	{"GlobalSign Root CA - R3", CodeSigning | TimeStamping,
		"cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b", "d69b561148f01c77c54578c10926df5b856976ad", srcMozillaFallback},

	// Entrust.
	{"Entrust Root Certification Authority", CodeSigning | TimeStamping,
		"73c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c", "b31eb1b740e36c8402dadc37d44df5d4674952f9", srcMozillaWindows},
	{"Entrust Root Certification Authority - G2", CodeSigning | TimeStamping,
		"43df5774b03e7fef5fe40d931a7bedf1bb2e6b42738c4e6d3841103d3aa7f339", "8cf427fd790c3ad166068de81e57efbb932272d4", srcMozillaWindows},
	{"Entrust.net Certification Authority (2048)", CodeSigning | TimeStamping,
		"6dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c837d21eb177", "503006091d97d4f5ae39f7cbe7927d7d652d3431", srcMozillaWindows},

	// SSL.com.
	{"SSL.com Root Certification Authority RSA", CodeSigning | TimeStamping,
		"85666a562ee0be5ce925c1d8890a6f76a87ec16d4d7d5f29ea7419cf20123b69", "b7ab3308d1ea4477ba1480125a6fbda936490cbb", srcMozillaFallback},
	{"SSL.com EV Root Certification Authority RSA R2", CodeSigning,
		"2e7bf16cc22485a7bbe2aa8696750761b0ae39be3b2fe9d0cc6d4ef73491425c", "743af0529bd032a0f44a83cdd4baa97b7c2ec49a", srcMozillaFallback},

	// Certum (Asseco).
	{"Certum Trusted Network CA", CodeSigning | TimeStamping,
		"5c58468d55f58e497e743982d2b50010b6d165374acf83a7d4a32db768c4408e", "07e032e020b72c3f192f0628a2593a19a70f069e", srcMozillaFallback},
	{"Certum Trusted Network CA 2", CodeSigning | TimeStamping,
		"b676f2eddae8775cd36cb0f63cd1d4603961f49e6265ba013a2f0307b6d0b804", "d3dd483e2bbf4c05e8af10f5fa7626cfd3dc3092", srcMozillaFallback},

	// GoDaddy and Starfield.
	{"Go Daddy Class 2 Certification Authority", CodeSigning | TimeStamping,
		"c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4", "2796bae63f1801e277261ba0d77770028f20eee4", srcMozillaWindows},
	{"Go Daddy Root Certificate Authority - G2", CodeSigning | TimeStamping,
		"45140b3247eb9cc8c5b4f0d7b53091f73292089e6e5a63e2749dd3aca9198eda", "47beabc922eae80e78783462a79f45c254fde68b", srcMozillaFallback},
	{"Starfield Class 2 Certification Authority", CodeSigning | TimeStamping,
		"1465fa205397b876faa6f0a9958e5590e40fcc7faa4fb7c2c8677521fb5fb658", "ad7e1c28b064ef8f6003402014c3d0e3370eb58a", srcMozillaWindows},
	{"Starfield Root Certificate Authority - G2", CodeSigning | TimeStamping,
		"2ce1cb0bf9d2f9e102993fbe215152c3b2dd0cabde1c68e5319b839154dbb7f5", "b51c067cee2b0c3df855ab2d92f4fe39d4e70f0e", srcMozillaFallback},

	// UEFI Secure Boot db authorities. They are not self-signed roots:
	// UEFI firmware trusts the certificates in its db variable directly,
	// and these two sign the third-party UEFI images (shim, option ROMs)
	// that PCs boot. They anchor chains of EFI images only.
	{"Microsoft Corporation UEFI CA 2011", UEFI,
		"48e99b991f57fc52f76149599bff0a58c47154229b9f8d603ac40d3500248507", "46def63b5ce61cf8ba0de2e6639c1019d0ed14f3",
		"Debian shim-signed 1.51~1+deb12u1 (usr/lib/shim/shimx64.efi.signed, certificate carried in its signature); " +
			"SHA-1 thumbprint also in public UEFI db listings and secure-boot provisioning scripts on GitHub (sbsiglist/sha1sum checks)"},
	{"Microsoft UEFI CA 2023", UEFI,
		"f6124e34125bee3fe6d79a574eaa7b91c0e7bd9d929c1a321178efd611dad901", "b5eeb4a6706048073f0ed296e7f580a790b59eaa",
		"Debian shim-signed 1.51~1+deb12u1 (usr/lib/shim/shimx64.efi.signed, certificate carried in its signature); " +
			"SHA-1 thumbprint also in public UEFI db listings and secure-boot provisioning scripts on GitHub (sbsiglist/sha1sum checks)" + "; SHA-256 also in a public signature-authority table"},
}
