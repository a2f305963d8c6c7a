// Package cache keeps srt's cache directory (compiled modules, snapshots, bytecode) from growing without
// bound.
//
//	cache.Prune(dir, time.Now()) // after writing a new entry
package cache

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// MaxIdle is how long an entry of the cache directory may go unused before Prune removes it.
const MaxIdle = 30 * 24 * time.Hour

// Prune removes what an older srt left in the cache directory: files (wazero's compiled modules,
// srt's markers, snapshots and bytecode) neither written nor read for MaxIdle, and directories that
// this leaves empty. Call it after writing a new entry (a module compiled, a prelude saved): that is
// when an older srt's entries may have become stale. Read
// times come from the file system where it keeps them (relatime updates them about daily); where it does
// not, an entry still in use is at worst compiled again once a month.
func Prune(dir string, now time.Time) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		if d.IsDir() {
			if filepath.Dir(p) != dir {
				return filepath.SkipDir // wazero's layout is one level deep; anything deeper is not ours
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if used := lastUse(fi); now.Sub(used) > MaxIdle {
			os.Remove(p)
		}
		return nil
	})
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if e.IsDir() {
				os.Remove(filepath.Join(dir, e.Name())) // only succeeds if empty
			}
		}
	}
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
