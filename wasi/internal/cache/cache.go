// Package cache manages srt's cache directory: wazero's compiled modules, srt's snapshots and bytecode.
//
//	c, err := cache.Open(dir)    // a 0700 directory; c for wazero.RuntimeConfig.WithCompilationCache
//	cache.Prune(dir, time.Now()) // after writing a new entry
package cache

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
)

// Open creates dir if needed, makes it private to the user (0700: compiled code and snapshots are
// never shared with other users, and guests never see it) and opens wazero's compilation cache in it.
func Open(dir string) (wazero.CompilationCache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("compilation cache: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("compilation cache: %w", err)
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compilation cache: %w", err)
	}
	return c, nil
}

// MaxIdle is how long an entry of the cache directory may go unused before Prune removes it.
const MaxIdle = 30 * 24 * time.Hour

// Prune removes what an older srt left in the cache directory: its entries (wazero's compiled modules in
// wazero-* directories, srt's markers, snapshots and bytecode, and temporary files of interrupted writes)
// that were neither written nor read for MaxIdle, and wazero-* directories that this leaves empty. Files
// with other names are never touched, whatever directory the cache was given. Call it after writing a
// new entry (a module compiled, a prelude saved): that is when an older srt's entries may have become
// stale. Read times come from the file system where it keeps them (relatime updates them about daily);
// where it does not, an entry still in use is at worst compiled again once a month.
func Prune(dir string, now time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	old := func(p string) bool {
		fi, err := os.Lstat(p)
		return err == nil && fi.Mode().IsRegular() && now.Sub(lastUse(fi)) > MaxIdle
	}
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(dir, name)
		switch {
		case e.IsDir() && strings.HasPrefix(name, "wazero-"):
			files, err := os.ReadDir(p)
			if err != nil {
				continue
			}
			for _, f := range files {
				if fp := filepath.Join(p, f.Name()); old(fp) {
					os.Remove(fp)
				}
			}
			os.Remove(p) // only succeeds if empty
		case ours(name) && old(p):
			os.Remove(p)
		}
	}
}

// ours reports whether name is one of srt's own entries of the cache directory.
func ours(name string) bool {
	for _, pat := range []string{"compiled-*", "snapshot-*.mem", "quickjs-prelude-*.bc", ".snapshot-*", ".prelude-*"} {
		if ok, _ := filepath.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// lastUse is the later of a file's modification and access times (modification only where the access
// time is not available).
func lastUse(fi fs.FileInfo) time.Time {
	t := fi.ModTime()
	if a, ok := accessTime(fi); ok && a.After(t) {
		t = a
	}
	return t
}
