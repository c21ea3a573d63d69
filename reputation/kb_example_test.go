package reputation_test

import (
	"context"
	"fmt"
	"log"

	"github.com/filerep/filerep/reputation"
)

func ExampleMemKB() {
	ctx := context.Background()
	kb := reputation.NewMemKB()
	err := kb.Update(ctx, func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{
			MD5:    "18a54e132947cd98fea9accc57f98f13",
			SHA256: "9d39af972785e49f0dd12c4baef39a79cd69f098886bf152af1b7cce2e902115",
			Name:   "alg.exe", Publisher: "Microsoft Corporation",
			Source: "example", Trust: reputation.TrustGood,
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	recs, err := kb.Files(ctx, "18A54E132947CD98FEA9ACCC57F98F13")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(recs[0].Name, recs[0].Trust, recs[0].Source)
	_, err = kb.Files(ctx, "ef85636e8d5bb35bcbdc453fdd49a91b89ac2c74")
	fmt.Println(err)
	// Output:
	// alg.exe known-good example
	// reputation: not found: file "ef85636e8d5bb35bcbdc453fdd49a91b89ac2c74"
}

func ExampleNormalizePath() {
	for _, p := range []string{
		`%SystemRoot%\System32\ALG.EXE`,
		`\\?\C:\Windows\Sysnative\alg.exe`,
		`c:/windows//system32/alg.exe`,
	} {
		fmt.Println(reputation.NormalizePath(p))
	}
	// Output:
	// c:\windows\system32\alg.exe
	// c:\windows\system32\alg.exe
	// c:\windows\system32\alg.exe
}

func ExampleSubjectCommonName() {
	fmt.Println(reputation.SubjectCommonName("CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"))
	fmt.Println(reputation.SubjectCommonName("Microsoft  Corporation"))
	// Output:
	// Microsoft Windows
	// Microsoft Corporation
}

func ExampleCompareVersions() {
	fmt.Println(reputation.CompareVersions("6.1.7600.16385", "6.1.7601.17514"))
	fmt.Println(reputation.CompareVersions("10.0.19041.1", "6.1.7601.17514"))
	// Output:
	// -1
	// 1
}
