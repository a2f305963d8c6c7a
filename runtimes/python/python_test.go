package python

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Compiling python.wasm takes ~40 s under the race detector, so the module is
// compiled once per test binary, with a compilation cache shared across runs.
var (
	testRuntime  wazero.Runtime
	testCompiled wazero.CompiledModule
)

func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(d, "srt-test", "wazero")
		if err := os.MkdirAll(p, 0o700); err == nil {
			return p
		}
	}
	p, err := os.MkdirTemp("", "srt-test-wazero-")
	if err != nil {
		panic(err)
	}
	return p
}

func TestMain(m *testing.M) {
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(cacheDir())
	if err != nil {
		fmt.Fprintln(os.Stderr, "compilation cache:", err)
		os.Exit(1)
	}
	cfg := wazero.NewRuntimeConfig().
		WithCompilationCache(cache).
		WithDebugInfoEnabled(false).
		WithCloseOnContextDone(false)
	testRuntime = wazero.NewRuntimeWithConfig(ctx, cfg)
	wasi_snapshot_preview1.MustInstantiate(ctx, testRuntime)
	testCompiled, err = testRuntime.CompileModule(ctx, Module())
	if err != nil {
		fmt.Fprintln(os.Stderr, "compile:", err)
		os.Exit(1)
	}
	code := m.Run()
	testRuntime.Close(ctx)
	cache.Close(ctx)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           uint32
}

func moduleConfig(stdout, stderr io.Writer, args ...string) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName("").
		WithArgs(args...).
		WithStdout(stdout).
		WithStderr(stderr).
		WithFSConfig(wazero.NewFSConfig().WithFSMount(Stdlib(), Prefix))
}

func exitCode(t *testing.T, err error) uint32 {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	t.Fatalf("unexpected error: %v", err)
	return 0
}

// runStart runs python.wasm through its normal _start entry point.
func runStart(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	mod, err := testRuntime.InstantiateModule(context.Background(), testCompiled,
		moduleConfig(&out, &errb, append([]string{"python"}, args...)...))
	if mod != nil {
		mod.Close(context.Background())
	}
	return result{out.String(), errb.String(), exitCode(t, err)}
}

func TestPrint(t *testing.T) {
	r := runStart(t, "-c", "print(1)")
	if r.code != 0 || r.stdout != "1\n" || r.stderr != "" {
		t.Fatalf("got %+v", r)
	}
}

func TestStdlibModules(t *testing.T) {
	script := `
import json, sqlite3, zlib, bz2, lzma, decimal, zoneinfo
import csv, re, datetime, hashlib, selectors, socket, urllib.parse, http.client, email.message
data = json.dumps({"a": [1, 2, 3]}).encode() * 50
assert zlib.decompress(zlib.compress(data)) == data
assert bz2.decompress(bz2.compress(data)) == data
assert lzma.decompress(lzma.compress(data)) == data
db = sqlite3.connect(":memory:")
db.execute("create table t (x)")
db.executemany("insert into t values (?)", [(i,) for i in range(10)])
assert db.execute("select sum(x) from t").fetchone()[0] == 45
assert str(decimal.Decimal(1) / decimal.Decimal(7))[:8] == "0.142857"
assert hashlib.sha256(b"").hexdigest().startswith("e3b0c442")
import sys
assert sys.prefix == "/.srt/python", sys.prefix
print("ok", sqlite3.sqlite_version)
`
	r := runStart(t, "-c", script)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ok 3.40.1") {
		t.Fatalf("got %+v", r)
	}
}

func TestStdlibZipContents(t *testing.T) {
	b, err := fs.ReadFile(Stdlib(), "lib/python311.zip")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range zr.File {
		have[f.Name] = true
		if !strings.HasSuffix(f.Name, ".pyc") {
			t.Errorf("non-bytecode entry %q", f.Name)
		}
		for _, bad := range []string{"test/", "tests/", "idlelib/", "tkinter/", "turtledemo/", "ensurepip/",
			"lib2to3/", "distutils/", "venv/", "multiprocessing/", "curses/"} {
			if strings.HasPrefix(f.Name, bad) || strings.Contains(f.Name, "/"+bad) {
				t.Errorf("unwanted entry %q", f.Name)
			}
		}
		switch f.Name {
		case "turtle.pyc", "dbm/gnu.pyc", "dbm/ndbm.pyc":
			t.Errorf("unwanted entry %q", f.Name)
		}
	}
	for _, want := range []string{
		"os.pyc", "site.pyc", "json/__init__.pyc", "sqlite3/__init__.pyc", "bz2.pyc", "lzma.pyc",
		"decimal.pyc", "zoneinfo/__init__.pyc", "urllib/request.pyc", "http/client.pyc",
		"email/message.pyc", "csv.pyc", "re/__init__.pyc", "datetime.pyc", "hashlib.pyc",
		"selectors.pyc", "socket.pyc", "encodings/__init__.pyc", "_sysconfigdata__wasi_wasm32-wasi.pyc",
	} {
		if !have[want] {
			t.Errorf("zip lacks %s", want)
		}
	}
}

// wasmSections is a minimal reader for the module's section list.
type wasmSection struct {
	id      byte
	name    string // custom sections only
	payload []byte
}

func readULEB(b []byte) (uint64, int) {
	var v uint64
	for i, shift := 0, 0; i < len(b) && i < 10; i, shift = i+1, shift+7 {
		v |= uint64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	panic("bad LEB128")
}

func sections(t *testing.T, bin []byte) []wasmSection {
	t.Helper()
	if !bytes.HasPrefix(bin, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatal("not a wasm module")
	}
	var out []wasmSection
	for p := 8; p < len(bin); {
		id := bin[p]
		size, n := readULEB(bin[p+1:])
		start := p + 1 + n
		payload := bin[start : start+int(size)]
		s := wasmSection{id: id, payload: payload}
		if id == 0 {
			l, n := readULEB(payload)
			s.name = string(payload[n : n+int(l)])
		}
		out = append(out, s)
		p = start + int(size)
	}
	return out
}

func TestNoDebugSections(t *testing.T) {
	for _, s := range sections(t, Module()) {
		if s.id == 0 {
			t.Errorf("custom section %q present (want a fully stripped module)", s.name)
		}
	}
}

// The only mutable global must be the shadow-stack pointer, and it must be
// exported, so a memory snapshot taken between calls is complete.
func TestGlobals(t *testing.T) {
	var mutable int
	for _, s := range sections(t, Module()) {
		if s.id != 6 {
			continue
		}
		p := s.payload
		count, n := readULEB(p)
		p = p[n:]
		for i := uint64(0); i < count; i++ {
			if p[1] == 1 {
				mutable++
			}
			p = p[2:]
			for p[0] != 0x0b { // constant expression
				op := p[0]
				p = p[1:]
				switch op {
				case 0x41, 0x42, 0x23: // i32.const, i64.const, global.get
					_, n := readULEB(p)
					p = p[n:]
				case 0x43:
					p = p[4:]
				case 0x44:
					p = p[8:]
				default:
					t.Fatalf("unexpected opcode %#x in global initialiser", op)
				}
			}
			p = p[1:]
		}
	}
	if mutable != 1 {
		t.Errorf("%d mutable globals, want 1 (__stack_pointer)", mutable)
	}
	g := testCompiled.ExportedFunctions() // sanity: compiled
	if len(g) == 0 {
		t.Fatal("no exported functions")
	}
}

func TestImportsExports(t *testing.T) {
	var imports []string
	for _, f := range testCompiled.ImportedFunctions() {
		mod, name, _ := f.Import()
		imports = append(imports, mod+"."+name)
	}
	sort.Strings(imports)
	want := []string{
		"wasi_snapshot_preview1.args_get",
		"wasi_snapshot_preview1.args_sizes_get",
		"wasi_snapshot_preview1.clock_res_get",
		"wasi_snapshot_preview1.clock_time_get",
		"wasi_snapshot_preview1.environ_get",
		"wasi_snapshot_preview1.environ_sizes_get",
		"wasi_snapshot_preview1.fd_advise",
		"wasi_snapshot_preview1.fd_allocate",
		"wasi_snapshot_preview1.fd_close",
		"wasi_snapshot_preview1.fd_datasync",
		"wasi_snapshot_preview1.fd_fdstat_get",
		"wasi_snapshot_preview1.fd_fdstat_set_flags",
		"wasi_snapshot_preview1.fd_filestat_get",
		"wasi_snapshot_preview1.fd_filestat_set_size",
		"wasi_snapshot_preview1.fd_filestat_set_times",
		"wasi_snapshot_preview1.fd_pread",
		"wasi_snapshot_preview1.fd_prestat_dir_name",
		"wasi_snapshot_preview1.fd_prestat_get",
		"wasi_snapshot_preview1.fd_pwrite",
		"wasi_snapshot_preview1.fd_read",
		"wasi_snapshot_preview1.fd_readdir",
		"wasi_snapshot_preview1.fd_seek",
		"wasi_snapshot_preview1.fd_sync",
		"wasi_snapshot_preview1.fd_tell",
		"wasi_snapshot_preview1.fd_write",
		"wasi_snapshot_preview1.path_create_directory",
		"wasi_snapshot_preview1.path_filestat_get",
		"wasi_snapshot_preview1.path_filestat_set_times",
		"wasi_snapshot_preview1.path_link",
		"wasi_snapshot_preview1.path_open",
		"wasi_snapshot_preview1.path_readlink",
		"wasi_snapshot_preview1.path_remove_directory",
		"wasi_snapshot_preview1.path_rename",
		"wasi_snapshot_preview1.path_symlink",
		"wasi_snapshot_preview1.path_unlink_file",
		"wasi_snapshot_preview1.poll_oneoff",
		"wasi_snapshot_preview1.proc_exit",
		"wasi_snapshot_preview1.random_get",
		"wasi_snapshot_preview1.sched_yield",
		"wasi_snapshot_preview1.sock_accept",
		"wasi_snapshot_preview1.sock_recv",
		"wasi_snapshot_preview1.sock_send",
		"wasi_snapshot_preview1.sock_shutdown",
	}
	if strings.Join(imports, "\n") != strings.Join(want, "\n") {
		t.Errorf("imports:\n%s\nwant:\n%s", strings.Join(imports, "\n"), strings.Join(want, "\n"))
	}

	exports := map[string]bool{}
	for name := range testCompiled.ExportedFunctions() {
		exports[name] = true
	}
	for name := range testCompiled.ExportedMemories() {
		exports[name] = true
	}
	for _, want := range []string{"_start", "memory", "srt_preinit", "srt_run"} {
		if !exports[want] {
			t.Errorf("missing export %q", want)
		}
	}
}

func TestSHA256SUMS(t *testing.T) {
	f, err := os.Open("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zipBytes, err := fs.ReadFile(Stdlib(), "lib/python311.zip")
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string][]byte{"python.wasm": Module(), "lib/python311.zip": zipBytes}
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		onDisk, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for what, b := range map[string][]byte{"file": onDisk, "embedded": embedded[name]} {
			h := sha256.Sum256(b)
			if hex.EncodeToString(h[:]) != sum {
				t.Errorf("%s %s: sha256 mismatch", what, name)
			}
		}
		seen++
	}
	if seen != len(embedded) {
		t.Errorf("SHA256SUMS lists %d files, want %d", seen, len(embedded))
	}
}

// TestPreinitSnapshot checks the pre-initialisation ABI end to end in plain
// wazero: preinit in one instance, snapshot linear memory, restore it into a
// fresh instance with different argv/env, run.
func TestPreinitSnapshot(t *testing.T) {
	ctx := context.Background()

	var out1, err1 bytes.Buffer
	pre, err := testRuntime.InstantiateModule(ctx, testCompiled,
		moduleConfig(&out1, &err1, "python").WithStartFunctions())
	if err != nil {
		t.Fatal(err)
	}
	sp0 := pre.ExportedGlobal("__stack_pointer").Get()
	res, err := pre.ExportedFunction("srt_preinit").Call(ctx)
	if err != nil || res[0] != 0 {
		t.Fatalf("srt_preinit: %v %v stderr=%s", res, err, err1.String())
	}
	if sp := pre.ExportedGlobal("__stack_pointer").Get(); sp != sp0 {
		t.Fatalf("__stack_pointer %d after preinit, want %d", sp, sp0)
	}
	mem := pre.Memory()
	snapshot, ok := mem.Read(0, mem.Size())
	if !ok {
		t.Fatal("read memory")
	}
	snapshot = bytes.Clone(snapshot)
	pre.Close(ctx)
	t.Logf("snapshot: %d bytes of linear memory", len(snapshot))

	for i, tc := range []struct {
		args     []string
		env      [2]string
		want     string
		wantCode uint32
	}{
		{[]string{"python", "-c", "print(2)"}, [2]string{"A", "B"}, "2\n", 0},
		{[]string{"python", "-c", "import os, sys, json; print(os.environ['FOO'], sys.argv[1:], json.dumps([1]))", "x"},
			[2]string{"FOO", "bar"}, "bar ['x'] [1]\n", 0},
		{[]string{"python", "-c", "import sys; print(sys.flags.isolated); sys.exit(3)"}, [2]string{"A", "B"}, "0\n", 3},
		{[]string{"python", "-I", "-c", "import sys; print(sys.flags.isolated)"}, [2]string{"A", "B"}, "1\n", 0},
	} {
		var out, errb bytes.Buffer
		cfg := moduleConfig(&out, &errb, tc.args...).WithStartFunctions().WithEnv(tc.env[0], tc.env[1])
		mod, err := testRuntime.InstantiateModule(ctx, testCompiled, cfg)
		if err != nil {
			t.Fatal(err)
		}
		restore(t, mod.Memory(), snapshot)
		_, err = mod.ExportedFunction("srt_run").Call(ctx)
		if code := exitCode(t, err); code != tc.wantCode || out.String() != tc.want {
			t.Errorf("case %d: exit %d stdout %q stderr %q", i, code, out.String(), errb.String())
		}
		mod.Close(ctx)
	}
}

func restore(t *testing.T, mem api.Memory, snapshot []byte) {
	t.Helper()
	if cur := mem.Size(); uint32(len(snapshot)) > cur {
		if _, ok := mem.Grow((uint32(len(snapshot)) - cur) / 65536); !ok {
			t.Fatal("grow memory")
		}
	}
	if !mem.Write(0, snapshot) {
		t.Fatal("write memory")
	}
}
