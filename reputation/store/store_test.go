package store_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/filerep/filerep/reputation"
	"github.com/filerep/filerep/reputation/kbtest"
	"github.com/filerep/filerep/reputation/store"
)

func newStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kb.sqlite")
	s, err := store.Create(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, path
}

// testHash returns the hex SHA-256 of a label: test data, not a file's hash.
func testHash(label string) string {
	h := sha256.Sum256([]byte(label))
	return hex.EncodeToString(h[:])
}

func TestCreateExisting(t *testing.T) {
	_, path := newStore(t)
	_, err := store.Create(path)
	assert.ErrorIs(t, err, reputation.ErrExist)
	_, err = store.Create(filepath.Join(t.TempDir(), "x"), store.WithReadOnly())
	assert.Error(t, err)
	_, err = store.Create(filepath.Join(t.TempDir(), "x"), store.WithPath("y"))
	assert.Error(t, err)
	_, err = store.Open(path, store.WithPath("y"))
	assert.Error(t, err)
	_, err = store.Open(path, store.WithCacheSize(0))
	assert.Error(t, err)
	_, err = store.Open(path, store.WithBusyTimeout(-time.Second))
	assert.Error(t, err)
}

func TestStoreMeta(t *testing.T) {
	s, path := newStore(t)
	ctx := context.Background()
	m, err := s.Meta(ctx)
	require.NoError(t, err)
	assert.Equal(t, "filerep-kb", m["format"])
	assert.Equal(t, strconv.Itoa(store.SchemaVersion), m["schema"])
	assert.Equal(t, "0", m["seed"])
	assert.Equal(t, path, s.Path())
	require.NoError(t, s.Check(ctx))
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, reputation.Stats{}, st)

	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	_, err = s.Files(ctx, testHash("x"))
	assert.ErrorIs(t, err, reputation.ErrClosed)
	assert.ErrorIs(t, s.Update(ctx, func(reputation.Tx) error { return nil }), reputation.ErrClosed)
}

func TestStoreReadOnly(t *testing.T) {
	s, path := newStore(t)
	ctx := context.Background()
	h := testHash("ro")
	require.NoError(t, s.Update(ctx, func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{SHA256: h, Source: "t", Trust: reputation.TrustGood})
	}))
	ro, err := store.Open(path, store.WithReadOnly())
	require.NoError(t, err)
	defer ro.Close()
	assert.True(t, ro.ReadOnly())
	got, err := ro.Files(ctx, h)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	err = ro.Update(ctx, func(tx reputation.Tx) error { return nil })
	assert.ErrorIs(t, err, reputation.ErrReadOnly)

	// A read-only store sees what the writer commits later (WAL).
	h2 := testHash("ro2")
	require.NoError(t, s.Update(ctx, func(tx reputation.Tx) error {
		return tx.PutFile(reputation.FileRecord{SHA256: h2, Source: "t", Trust: reputation.TrustGood})
	}))
	_, err = ro.Files(ctx, h2)
	assert.NoError(t, err)
}

// Two Store values on one file, as two processes would have: the
// conformance suite runs on one while the other reads.
func TestStoreTwoHandles(t *testing.T) {
	s, path := newStore(t)
	other, err := store.Open(path)
	require.NoError(t, err)
	defer other.Close()
	kbtest.Run(t, other)
	st, err := s.Stats(context.Background())
	require.NoError(t, err)
	assert.Positive(t, st.Files)
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// rawSQLite creates an SQLite database with the given statements.
func rawSQLite(t *testing.T, stmts ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "raw.sqlite")
	db, err := sql.Open("sqlite", p)
	require.NoError(t, err)
	defer db.Close()
	for _, q := range stmts {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
	return p
}

func TestOpenForeign(t *testing.T) {
	rnd := make([]byte, 8192)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	// A file that starts like a bbolt database: a meta page whose magic
	// 0xED0CDAED sits at offset 16, version 2, page size 4096.
	bolt := make([]byte, 8192)
	binary.LittleEndian.PutUint16(bolt[8:], 0x04) // meta page flag
	binary.LittleEndian.PutUint32(bolt[16:], 0xED0CDAED)
	binary.LittleEndian.PutUint32(bolt[20:], 2)
	binary.LittleEndian.PutUint32(bolt[24:], 4096)
	cases := map[string]string{
		"bbolt file":   writeFile(t, "kb.bolt", bolt),
		"random bytes": writeFile(t, "random.bin", rnd),
		"text file":    writeFile(t, "notes.txt", []byte("# not a database\nd41d8cd98f00b204e9800998ecf8427e\n")),
		"empty file":   writeFile(t, "empty", nil),
		"short file":   writeFile(t, "short", []byte("SQLite format 3\x00")),
		"directory":    t.TempDir(),
		"other schema": rawSQLite(t, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO customers VALUES (1, 'x')"),
		"other app id": rawSQLite(t, "PRAGMA application_id = 1234", "CREATE TABLE meta(key TEXT, value TEXT)"),
		"nsrl":         newNSRL(t, nsrlFixture(), true),
	}
	for what, p := range cases {
		before, _ := os.ReadFile(p)
		_, err := store.Open(p)
		assert.ErrorIs(t, err, reputation.ErrForeign, "%s: %v", what, err)
		_, err = store.Open(p, store.WithReadOnly())
		assert.ErrorIs(t, err, reputation.ErrForeign, "%s read-only: %v", what, err)
		after, _ := os.ReadFile(p)
		assert.Equal(t, before, after, "%s: Open must not modify a foreign file", what)
	}
	_, err := store.Open(cases["bbolt file"])
	assert.ErrorContains(t, err, "a bbolt database")
	_, err = store.Open(filepath.Join(t.TempDir(), "missing.sqlite"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestOpenSchemaVersion(t *testing.T) {
	_, path := newStore(t)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", store.SchemaVersion+1))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = store.Open(path)
	assert.ErrorIs(t, err, reputation.ErrSchemaVersion)
	assert.Contains(t, err.Error(), fmt.Sprintf("schema %d", store.SchemaVersion+1))
}

func TestOpenCorrupt(t *testing.T) {
	t.Run("marked but empty", func(t *testing.T) {
		p := rawSQLite(t, "PRAGMA application_id = 1716669250", "PRAGMA user_version = 1", "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
		_, err := store.Open(p)
		assert.ErrorIs(t, err, reputation.ErrCorrupt)
		assert.Contains(t, err.Error(), "missing")
	})
	t.Run("unfinished creation", func(t *testing.T) {
		p := rawSQLite(t, "PRAGMA application_id = 1716669250", "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
		_, err := store.Open(p)
		assert.ErrorIs(t, err, reputation.ErrCorrupt)
	})
	t.Run("garbage after the magic", func(t *testing.T) {
		b := make([]byte, 16384)
		r := rand.New(rand.NewPCG(3, 4))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		copy(b, "SQLite format 3\x00")
		_, err := store.Open(writeFile(t, "garbage.sqlite", b))
		assert.ErrorIs(t, err, reputation.ErrCorrupt, "%v", err)
	})

	// A real knowledge base with pages overwritten: Open may still
	// succeed (it reads the header and schema only), but Check and the
	// lookups that touch the damage report ErrCorrupt, and nothing panics.
	s, path := newStore(t)
	ctx := context.Background()
	var hashes []string
	require.NoError(t, s.Update(ctx, func(tx reputation.Tx) error {
		for i := range 5000 {
			h := testHash(fmt.Sprint("corrupt-", i))
			hashes = append(hashes, h)
			if err := tx.PutFile(reputation.FileRecord{SHA256: h, Name: strings.Repeat("n", 40), Source: "t", Trust: reputation.TrustKnown}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, s.Close())
	pristine, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(pristine), 64*4096)

	t.Run("damaged pages", func(t *testing.T) {
		b := append([]byte(nil), pristine...)
		r := rand.New(rand.NewPCG(5, 6))
		for off := 8 * 4096; off+4096 <= len(b); off += 5 * 4096 {
			for i := off; i < off+4096; i++ {
				b[i] = byte(r.Uint32())
			}
		}
		s := openDamaged(t, writeFile(t, "damaged.sqlite", b))
		if s == nil {
			return
		}
		corrupt := 0
		for _, h := range hashes {
			_, err := s.Files(ctx, h)
			if err != nil && !assert.ErrorIs(t, err, reputation.ErrCorrupt) {
				break
			}
			if err != nil {
				corrupt++
			}
		}
		t.Logf("%d of %d lookups hit damage", corrupt, len(hashes))
	})
	t.Run("truncated", func(t *testing.T) {
		openDamaged(t, writeFile(t, "truncated.sqlite", pristine[:len(pristine)/2]))
	})
	t.Run("first page damaged", func(t *testing.T) {
		b := append([]byte(nil), pristine...)
		for i := 100; i < 4096; i++ {
			b[i] = 0xA5
		}
		_, err := store.Open(writeFile(t, "p1.sqlite", b))
		assert.ErrorIs(t, err, reputation.ErrCorrupt, "%v", err)
	})
}

// openDamaged opens a damaged knowledge base: either Open fails with
// ErrCorrupt (and openDamaged returns nil) or Check does, and openDamaged
// returns the store, closed when the test ends.
func openDamaged(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		assert.ErrorIs(t, err, reputation.ErrCorrupt)
		return nil
	}
	t.Cleanup(func() { s.Close() })
	assert.ErrorIs(t, s.Check(context.Background()), reputation.ErrCorrupt)
	return s
}

// killEnv names the environment variable that turns the test binary into
// the writer that TestKilledWriter kills.
const killEnv = "FILEREP_KB_KILLED_WRITER"

const killBatch = 2000

func killHash(batch, i int) string { return testHash(fmt.Sprintf("kill-%d-%d", batch, i)) }

// TestKilledWriterHelper is the child process of TestKilledWriter: it
// imports batch after batch until it is killed, printing the number of each
// batch once its Update has returned.
func TestKilledWriterHelper(t *testing.T) {
	spec := os.Getenv(killEnv)
	if spec == "" {
		t.Skip("the writer process of TestKilledWriter")
	}
	path, startS, _ := strings.Cut(spec, "|")
	start, _ := strconv.Atoi(startS)
	s, err := store.Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	for b := start; ; b++ {
		err := s.Update(context.Background(), func(tx reputation.Tx) error {
			for i := range killBatch {
				err := tx.PutFile(reputation.FileRecord{SHA256: killHash(b, i), Name: fmt.Sprint("batch-", b),
					Source: "kill", Trust: reputation.TrustKnown})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("committed", b)
	}
}

func TestKilledWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills writer processes")
	}
	_, path := newStore(t)
	ctx := context.Background()
	next := 1 // first batch number of the next writer
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", killEnv, path, next))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let the writer commit a few batches, then kill it at a random
		// moment, most likely in the middle of a transaction.
		last := next - 1
		want := next + 2 + r.IntN(3)
		deadline := time.After(30 * time.Second)
	wait:
		for last < want {
			select {
			case l, ok := <-lines:
				require.True(t, ok, "writer exited early")
				require.True(t, strings.HasPrefix(l, "committed "), l)
				last, _ = strconv.Atoi(strings.TrimPrefix(l, "committed "))
			case <-deadline:
				break wait
			}
		}
		require.GreaterOrEqual(t, last, want, "writer too slow")
		time.Sleep(time.Duration(r.IntN(40)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		for l := range lines {
			if n, err := strconv.Atoi(strings.TrimPrefix(l, "committed ")); err == nil {
				last = n
			}
		}
		_ = cmd.Wait()

		s, err := store.Open(path)
		require.NoError(t, err, "round %d: reopen after kill", round)
		// Every reported batch is complete; the one after it is complete or
		// absent (killed between commit and print); none is partial.
		count := func(b int) int {
			n := 0
			for i := range killBatch {
				if _, err := s.Files(ctx, killHash(b, i)); err == nil {
					n++
				} else {
					require.ErrorIs(t, err, reputation.ErrNotFound)
				}
			}
			return n
		}
		for b := 1; b <= last; b++ {
			require.Equal(t, killBatch, count(b), "round %d: committed batch %d", round, b)
		}
		after := count(last + 1)
		assert.Contains(t, []int{0, killBatch}, after, "round %d: batch %d is partial", round, last+1)
		assert.Zero(t, count(last+2))
		require.NoError(t, s.Check(ctx))
		st, err := s.Stats(ctx)
		require.NoError(t, err)
		next = last + 1
		if after == killBatch {
			next++
		}
		assert.Equal(t, int64((next-1)*killBatch), st.Files)
		require.NoError(t, s.Close())
		t.Logf("round %d: %d batches committed, killed during batch %d", round, next-1, next)
	}
}

func TestStoreConformance(t *testing.T) {
	s, err := store.Create(filepath.Join(t.TempDir(), "kb.sqlite"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	kbtest.Run(t, s)
	// Twice on the same store: the suite's names are unique per run.
	kbtest.Run(t, s)
}
