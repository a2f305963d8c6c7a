package js

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func TestSHA256SUMS(t *testing.T) {
	f, err := os.Open("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{"quickjs.wasm": true, "LICENSE.quickjs-wasi": true}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		if !want[name] {
			t.Errorf("unexpected or repeated entry %q", name)
			continue
		}
		delete(want, name)
		onDisk, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		check := map[string][]byte{"file": onDisk}
		if name == "quickjs.wasm" {
			check["embedded"] = Module()
		}
		for what, b := range check {
			h := sha256.Sum256(b)
			if hex.EncodeToString(h[:]) != sum {
				t.Errorf("%s %s: sha256 mismatch", what, name)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range want {
		t.Errorf("SHA256SUMS does not list %s", name)
	}
}

func TestModuleIsWasm(t *testing.T) {
	m := Module()
	if !bytes.HasPrefix(m, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("module does not start with the wasm magic and version 1: % x", m[:min(8, len(m))])
	}
	if len(m) < 100_000 {
		t.Fatalf("module is suspiciously small: %d bytes", len(m))
	}
}
