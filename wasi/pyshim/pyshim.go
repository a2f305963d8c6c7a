// Package pyshim is the pure-Python part of srt's WASM Python runtime: a read-only tree to show the guest
// at /.srt/python/lib/python3.11 (a directory on CPython's default sys.path, also under -I).
//
//	trees := []wasi.Tree{{Prefix: "/.srt/python/lib/python3.11", FS: pyshim.FS()}}
//
// sitecustomize.py changes to the run's working directory (read from /.srt/cwd) and installs _srt_net,
// which routes socket, select, selectors and ssl through srt's virtual network files (/.srt/net, see
// package wasi): socket.create_connection, socket.socket().connect/sendall/recv/makefile/settimeout,
// select.select/poll, selectors, http.client, urllib.request (HTTP and HTTPS) and urllib3/requests work
// unchanged; TLS is done by the host. python -S skips all of this (no network, working directory "/").
package pyshim

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

//go:embed all:lib
var files embed.FS

// FS returns the tree (sitecustomize.py, _srt_net.py, _srt_ssl.py).
func FS() fs.FS {
	sub, err := fs.Sub(files, "lib")
	if err != nil {
		panic(err)
	}
	return sub
}

// Hash identifies the tree's content (for snapshot keys).
func Hash() string {
	h := sha256.New()
	var names []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(files, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
