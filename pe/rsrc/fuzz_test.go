package rsrc

import (
	"errors"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets: one per decoder, seeded from the test encoders. Each
// asserts no panic, a generous deadline, and output bounded by the input
// (the decoders must never do or allocate more than a constant times the
// bytes they were given, whatever the counts inside say).

// fuzzDeadline is far above any real decode (microseconds); it catches
// runaway loops without flaking on a loaded machine.
const fuzzDeadline = 2 * time.Second

func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var fe *FormatError
	if !errors.As(err, &fe) && !errors.Is(err, ErrBadID) {
		t.Fatalf("error %v (%T) is not a *FormatError", err, err)
	}
}

func FuzzVersionInfo(f *testing.F) {
	f.Add(algVersionBlob())
	f.Add(vsRoot(fixedInfo(1, 2, 3, 4, 0, 0, 0, 0, 0),
		vsVarFileInfo(vsTranslation(0x0419, 1200, 0x0411, 932)),
		vsStringFileInfo(vsTable("041904b0", vsString("Имя", "Значение 😀")), vsTable("041104b0", vsString("日本", "A一B")))).encode(0))
	zeroTable := vsTable("040904b0", vsString("CompanyName", "Acme"))
	zeroTable.setLength = true
	f.Add(vsRoot(nil, vsStringFileInfo(zeroTable)).encode(0))
	noPad := algVersion()
	noPad.noKeyPad = true
	f.Add(noPad.encode(0))
	f.Add([]byte{})
	for _, r := range sampleResources(f, "16") {
		f.Add(r.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		v, err := ParseVersionInfo(b)
		if d := time.Since(start); d > fuzzDeadline {
			t.Fatalf("took %v for %d bytes", d, len(b))
		}
		checkErr(t, err)
		if v == nil {
			if err == nil {
				t.Fatal("nil result without error")
			}
			return
		}
		out, nodes := len(v.Key), 0
		for _, tb := range v.Tables {
			out += len(tb.LangCodepage)
			for _, p := range tb.Strings {
				out += len(p.Key) + len(p.Value)
				nodes++
				if !utf8.ValidString(p.Key) || !utf8.ValidString(p.Value) {
					t.Fatalf("invalid UTF-8 in %q=%q", p.Key, p.Value)
				}
			}
		}
		nodes += len(v.Tables) + len(v.Unknown)
		if nodes > maxVersionNodes {
			t.Fatalf("%d nodes", nodes)
		}
		if len(v.Translations) > len(b)/4 {
			t.Fatalf("%d translations from %d bytes", len(v.Translations), len(b))
		}
		if out > 8*len(b)+1024 {
			t.Fatalf("%d bytes of text from %d bytes", out, len(b))
		}
		if len(v.Anomalies) > maxAnomalies+2 {
			t.Fatalf("%d anomalies", len(v.Anomalies))
		}
	})
}

func FuzzMUI(f *testing.F) {
	f.Add(shell32LN().encode())
	f.Add(shell32MUI().encode())
	f.Add(shell32LN().encode()[:0x84])
	for _, r := range sampleResources(f, "MUI") {
		f.Add(r.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		m, err := ParseMUI(b)
		if d := time.Since(start); d > fuzzDeadline {
			t.Fatalf("took %v for %d bytes", d, len(b))
		}
		checkErr(t, err)
		if m == nil {
			if err == nil {
				t.Fatal("nil result without error")
			}
			return
		}
		out := len(m.Language) + len(m.FallbackLanguage)
		for _, l := range [][]string{m.MainTypeNames, m.MUITypeNames} {
			if len(l) > maxMUITypes {
				t.Fatalf("%d names", len(l))
			}
			for _, s := range l {
				out += len(s)
			}
		}
		if len(m.MainTypeIDs) > maxMUITypes || len(m.MUITypeIDs) > maxMUITypes {
			t.Fatal("too many ids")
		}
		if out > 4*len(b)+64 {
			t.Fatalf("%d bytes of text from %d bytes", out, len(b))
		}
		if len(b) >= muiHeaderSize && (len(m.Checksum) != 32 || len(m.ServiceChecksum) != 32) {
			t.Fatal("checksum not 16 bytes of hex")
		}
	})
}

func FuzzStringBlock(f *testing.F) {
	f.Add(algStringBlock(false), uint32(8))
	f.Add(algStringBlock(true), uint32(1))
	f.Add(make([]byte, 32), uint32(4096))
	for _, r := range sampleResources(f, "6") {
		if id, err := strconv.Atoi(r.name); err == nil {
			f.Add(r.data, uint32(id))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, id uint32) {
		start := time.Now()
		got, err := ParseStringBlock(b, id)
		if d := time.Since(start); d > fuzzDeadline {
			t.Fatalf("took %v for %d bytes", d, len(b))
		}
		checkErr(t, err)
		if len(got) > stringsPerBlock {
			t.Fatalf("%d entries", len(got))
		}
		for i, e := range got {
			if e.ID < (id-1)*16 || e.ID >= id*16 || (i > 0 && e.ID <= got[i-1].ID) {
				t.Fatalf("entry id %d in block %d", e.ID, id)
			}
			if !utf8.ValidString(e.Value) {
				t.Fatalf("invalid UTF-8 %q", e.Value)
			}
		}
	})
}

func FuzzMessageTable(f *testing.F) {
	f.Add(messageTable(
		msgBlock{low: 1, high: 3, msgs: []msgSpec{ansiMsg([]byte("Caf\xe9\r\n")...), unicodeMsg("Служба %1"), utf8Msg("日本語")}},
		msgBlock{low: 0xC0000005, high: 0xC0000005, msgs: []msgSpec{unicodeMsg("A一B 😀")}},
	))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 16, 0, 0, 0, 0, 0, 0, 0})
	for _, r := range sampleResources(f, "11") {
		f.Add(r.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		got, err := ParseMessageTable(b)
		if d := time.Since(start); d > fuzzDeadline {
			t.Fatalf("took %v for %d bytes", d, len(b))
		}
		if err != nil {
			// A join of *FormatErrors.
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
		}
		if len(got) > maxMessages {
			t.Fatalf("%d messages", len(got))
		}
		out := 0
		for _, m := range got {
			out += len(m.Text)
		}
		// Windows-1252 expands a byte to at most 3 bytes of UTF-8.
		if out > 3*(messageWorkFactor*len(b)+messageWorkSlack) {
			t.Fatalf("%d bytes of text from %d bytes", out, len(b))
		}
	})
}

func FuzzIndirectString(f *testing.F) {
	for _, s := range []string{
		`@%SystemRoot%\system32\alg.exe,-112`, `@file.dll,-5`, `@shell32.dll,-8964;v2`, `@x,3`,
		`@{Pkg?ms-resource://x}`, `plain text`, `@a,b,-1;c,d`, `@%A%%B%,-1`,
	} {
		f.Add(s)
	}
	vars := map[string]string{"SystemRoot": `C:\Windows`, "A": "%B%", "B": "bbbbbbbb"}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseIndirectString(s)
		if err != nil {
			if !errors.Is(err, ErrNotIndirect) && !errors.Is(err, ErrBadReference) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if r.Path == "" {
			t.Fatal("empty path accepted")
		}
		again, err := ParseIndirectString(r.String())
		if err != nil || again != r {
			t.Fatalf("round trip of %q: %+v, %v", r.String(), again, err)
		}
		p, err := r.Expand(vars)
		if err != nil && !errors.Is(err, ErrUndefinedVariable) && !errors.Is(err, ErrLimit) {
			t.Fatalf("expand: %v", err)
		}
		if len(p) > maxExpandedLen {
			t.Fatalf("expanded to %d bytes", len(p))
		}
	})
}
