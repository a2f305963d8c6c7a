// Package guestfs is the guest's file system: host paths under their own names, every access decided by a
// policy.Policy, writes performed through an os.Root per allowWrite directory, and read-only embedded trees
// at reserved prefixes under /.srt.
package guestfs

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"

	"github.com/srt-sandbox/srt/host/policy"
)

// ReservedPrefix is the guest directory srt owns; nothing of the host is visible below it.
const ReservedPrefix = "/.srt"

// Mount maps a host directory to a guest path.
type Mount struct {
	Host, Guest string // absolute, clean
	ReadOnly    bool
}

// Tree is a read-only file tree at a guest prefix under ReservedPrefix.
type Tree struct {
	Prefix string // absolute guest path, e.g. /.srt/python
	FS     fs.FS
}

// Options configures New.
type Options struct {
	Policy  *policy.Policy
	Record  func(policy.Event) // receives every denial
	Backend string
	Mounts  []Mount
	Trees   []Tree
	// Hidden host paths do not exist for the guest (ENOENT), whatever the policy says: srt's own state.
	Hidden []string
	// NoHost hides every host path (ENOENT): only the trees and virtual files exist.
	NoHost bool
	// Virtual opens other names under ReservedPrefix (rel is the path below it, e.g. "net/tcp/h:80").
	Virtual func(rel string, flag experimentalsys.Oflag) (experimentalsys.File, experimentalsys.Errno)
}

// FS implements experimentalsys.FS, meant to be mounted at the guest's "/".
type FS struct {
	experimentalsys.UnimplementedFS
	o     Options
	trees []tree

	mu    sync.Mutex
	roots map[string]*os.Root // allowWrite directory -> root; "/" for reads
}

type tree struct {
	rel string // prefix without leading slash
	fs  experimentalsys.FS
}

// New returns the guest file system.
func New(o Options) *FS {
	g := &FS{o: o, roots: map[string]*os.Root{}}
	for _, t := range o.Trees {
		g.trees = append(g.trees, tree{strings.TrimPrefix(path.Clean(t.Prefix), "/"), &sysfs.AdaptFS{FS: t.FS}})
	}
	return g
}

// Close releases the roots.
func (g *FS) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k, r := range g.roots {
		r.Close()
		delete(g.roots, k)
	}
}

// emptyFS is the zero embed.FS: an empty directory.
var emptyFS embed.FS

var reservedRel = strings.TrimPrefix(ReservedPrefix, "/")

// reserved reports whether p (relative to "/", clean) is under ReservedPrefix, and if so which tree holds it.
func (g *FS) reserved(p string) (bool, experimentalsys.FS, string) {
	if p != reservedRel && !strings.HasPrefix(p, reservedRel+"/") {
		return false, nil, ""
	}
	best := -1
	for i, t := range g.trees {
		if (p == t.rel || strings.HasPrefix(p, t.rel+"/")) && (best < 0 || len(t.rel) > len(g.trees[best].rel)) {
			best = i
		}
	}
	if best < 0 {
		return true, nil, strings.TrimPrefix(strings.TrimPrefix(p, reservedRel), "/")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(p, g.trees[best].rel), "/")
	if rest == "" {
		rest = "."
	}
	return true, g.trees[best].fs, rest
}

// hostPath maps a guest path (relative to "/", as wazero passes it) to a host path and says whether a
// read-only mount covers it.
func (g *FS) hostPath(p string) (string, bool) {
	p = strings.TrimSuffix(p, "/")
	guest := "/" + p
	if p == "." || p == "" {
		guest = "/"
	}
	guest = path.Clean(guest)
	best := -1
	for i, m := range g.o.Mounts {
		if within(guest, m.Guest) && (best < 0 || len(m.Guest) > len(g.o.Mounts[best].Guest)) {
			best = i
		}
	}
	if best < 0 {
		return filepath.FromSlash(guest), false
	}
	m := g.o.Mounts[best]
	rest := strings.TrimPrefix(guest, m.Guest)
	return filepath.Join(m.Host, filepath.FromSlash(rest)), m.ReadOnly
}

func within(p, dir string) bool {
	return dir == "/" || p == dir || strings.HasPrefix(p, dir+"/")
}

// follow resolves every symlink in host path h; nofollow all but the last element.
func follow(h string) string { return policy.ResolveExisting(h) }

func nofollow(h string) string {
	d, b := filepath.Split(h)
	if b == "" {
		return policy.ResolveExisting(h)
	}
	return filepath.Join(policy.ResolveExisting(filepath.Clean(d)), b)
}

func (g *FS) deny(d policy.Decision) {
	if g.o.Record != nil {
		g.o.Record(policy.Event{Time: time.Now(), Action: policy.ActionDeny, Kind: policy.KindFilesystem,
			Path: d.Path, Op: d.Op, Rule: d.Rule, Reason: d.Reason, Backend: g.o.Backend})
	}
}

func (g *FS) canRead(real string) experimentalsys.Errno {
	for _, h := range g.o.Hidden {
		if within(real, h) {
			g.deny(policy.Decision{Action: policy.ActionDeny, Kind: policy.KindFilesystem, Op: "read", Path: real,
				Rule: h, Reason: "srt internal state"})
			return experimentalsys.ENOENT
		}
	}
	d := g.o.Policy.DecideRead(real)
	if d.Action != policy.ActionAllow {
		g.deny(d)
		return experimentalsys.EACCES
	}
	return 0
}

// canWrite decides a write of real and returns the os.Root of the allowWrite directory and real's path
// relative to it.
func (g *FS) canWrite(real string, ro bool) (*os.Root, string, experimentalsys.Errno) {
	for _, h := range g.o.Hidden {
		if within(real, h) {
			g.deny(policy.Decision{Action: policy.ActionDeny, Kind: policy.KindFilesystem, Op: "write", Path: real,
				Rule: h, Reason: "srt internal state"})
			return nil, "", experimentalsys.EROFS
		}
	}
	d := g.o.Policy.DecideWrite(real)
	if ro && d.Action == policy.ActionAllow {
		d.Action, d.Rule, d.Reason = policy.ActionDeny, "", "read-only mount"
	}
	if d.Action != policy.ActionAllow {
		g.deny(d)
		return nil, "", experimentalsys.EROFS
	}
	r, err := g.root(d.Rule)
	if err != nil {
		return nil, "", errno(err)
	}
	rel, err := filepath.Rel(d.Rule, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, "", experimentalsys.EPERM
	}
	return r, rel, 0
}

func (g *FS) root(dir string) (*os.Root, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.roots[dir]; ok {
		return r, nil
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	g.roots[dir] = r
	return r, nil
}

// readRoot is the root reads go through: the file system root, so that os.Root's checks apply to every
// open (no path reaches the kernel unresolved by srt).
func (g *FS) readRel(real string) (*os.Root, string, error) {
	vol := filepath.VolumeName(real)
	top := vol + string(filepath.Separator)
	r, err := g.root(top)
	if err != nil {
		return nil, "", err
	}
	rel := strings.TrimPrefix(real, top)
	if rel == "" {
		rel = "."
	}
	return r, rel, nil
}

const writeFlags = experimentalsys.O_WRONLY | experimentalsys.O_RDWR | experimentalsys.O_CREAT |
	experimentalsys.O_TRUNC | experimentalsys.O_APPEND

func osFlags(f experimentalsys.Oflag) int {
	var o int
	switch {
	case f&experimentalsys.O_RDWR != 0:
		o = os.O_RDWR
	case f&experimentalsys.O_WRONLY != 0:
		o = os.O_WRONLY
	default:
		o = os.O_RDONLY
	}
	if f&experimentalsys.O_APPEND != 0 {
		o |= os.O_APPEND
	}
	if f&experimentalsys.O_CREAT != 0 {
		o |= os.O_CREATE
	}
	if f&experimentalsys.O_EXCL != 0 {
		o |= os.O_EXCL
	}
	if f&experimentalsys.O_TRUNC != 0 {
		o |= os.O_TRUNC
	}
	if f&experimentalsys.O_DSYNC != 0 || f&experimentalsys.O_SYNC != 0 {
		o |= os.O_SYNC
	}
	return o
}

// OpenFile implements experimentalsys.FS.
func (g *FS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	if res, t, rest := g.reserved(p); res {
		if t != nil {
			if flag&writeFlags != 0 {
				return nil, experimentalsys.EROFS
			}
			return t.OpenFile(rest, flag, perm)
		}
		if g.o.Virtual != nil && rest != "" {
			return g.o.Virtual(rest, flag)
		}
		return nil, experimentalsys.ENOENT
	}
	if g.o.NoHost {
		if p == "." || p == "" || p == "/" {
			return (&sysfs.AdaptFS{FS: emptyFS}).OpenFile(".", flag, perm)
		}
		return nil, experimentalsys.ENOENT
	}
	h, ro := g.hostPath(p)
	var real string
	if flag&experimentalsys.O_NOFOLLOW != 0 {
		real = nofollow(h)
	} else {
		real = follow(h)
	}
	write := flag&writeFlags != 0
	if flag&(experimentalsys.O_WRONLY) == 0 {
		if e := g.canRead(real); e != 0 {
			return nil, e
		}
	}
	var (
		r   *os.Root
		rel string
		err error
	)
	if write {
		var e experimentalsys.Errno
		if r, rel, e = g.canWrite(real, ro); e != 0 {
			// Opening an existing directory or file read-only with O_CREAT (no change) is not a write.
			return nil, e
		}
	} else if r, rel, err = g.readRel(real); err != nil {
		return nil, errno(err)
	}
	f, err := r.OpenFile(rel, osFlags(flag), perm)
	if err != nil {
		if pe := errno(err); pe != 0 {
			return nil, pe
		}
		return nil, experimentalsys.EIO
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		if flag&(experimentalsys.O_WRONLY|experimentalsys.O_RDWR) != 0 {
			f.Close()
			return nil, experimentalsys.EISDIR
		}
	} else if flag&experimentalsys.O_DIRECTORY != 0 {
		f.Close()
		return nil, experimentalsys.ENOTDIR
	}
	return wrap(f, func() (*os.File, error) { return r.Open(rel) }, flag, write)
}

// Stat implements experimentalsys.FS.
func (g *FS) Stat(p string) (sys.Stat_t, experimentalsys.Errno) { return g.stat(p, false) }

// Lstat implements experimentalsys.FS.
func (g *FS) Lstat(p string) (sys.Stat_t, experimentalsys.Errno) { return g.stat(p, true) }

// stat is Stat, or Lstat when noFollow is set (the final symlink is not followed).
func (g *FS) stat(p string, noFollow bool) (sys.Stat_t, experimentalsys.Errno) {
	if res, t, _ := g.reserved(p); res {
		return g.reservedStat(p, t, noFollow)
	}
	if g.o.NoHost {
		if p == "." || p == "" || p == "/" {
			return sys.Stat_t{Mode: fs.ModeDir | 0o555, Nlink: 1}, 0
		}
		return sys.Stat_t{}, experimentalsys.ENOENT
	}
	h, _ := g.hostPath(p)
	real, statFn := follow(h), (*os.Root).Stat
	if noFollow {
		real, statFn = nofollow(h), (*os.Root).Lstat
	}
	if e := g.canRead(real); e != 0 {
		return sys.Stat_t{}, e
	}
	r, rel, err := g.readRel(real)
	if err != nil {
		return sys.Stat_t{}, errno(err)
	}
	fi, err := statFn(r, rel)
	if err != nil {
		return sys.Stat_t{}, errno(err)
	}
	return sys.NewStat_t(fi), 0
}

func (g *FS) reservedStat(p string, t experimentalsys.FS, l bool) (sys.Stat_t, experimentalsys.Errno) {
	_, _, rest := g.reserved(p)
	if t == nil {
		if rest == "" {
			return sys.Stat_t{Mode: fs.ModeDir | 0o555, Nlink: 1}, 0
		}
		if g.o.Virtual != nil {
			f, e := g.o.Virtual(rest, experimentalsys.O_RDONLY|experimentalsys.O_NONBLOCK|experimentalsys.O_DIRECTORY)
			if e == 0 {
				defer f.Close()
				return f.Stat()
			}
		}
		// Parents of trees are directories.
		for _, tr := range g.trees {
			if strings.HasPrefix(tr.rel, strings.TrimSuffix(p, "/")+"/") {
				return sys.Stat_t{Mode: fs.ModeDir | 0o555, Nlink: 1}, 0
			}
		}
		return sys.Stat_t{}, experimentalsys.ENOENT
	}
	if l {
		return t.Lstat(rest)
	}
	return t.Stat(rest)
}

// writable resolves p (following its last element if followLast: chmod and utimes act on a link's
// target) and decides a write.
func (g *FS) writable(p string, followLast bool) (*os.Root, string, experimentalsys.Errno) {
	if res, _, _ := g.reserved(p); res || g.o.NoHost {
		return nil, "", experimentalsys.EROFS
	}
	h, ro := g.hostPath(p)
	if followLast {
		return g.canWrite(follow(h), ro)
	}
	return g.canWrite(nofollow(h), ro)
}

// Mkdir implements experimentalsys.FS.
func (g *FS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	r, rel, e := g.writable(p, false)
	if e != 0 {
		return e
	}
	return errno(r.Mkdir(rel, perm))
}

// Chmod implements experimentalsys.FS.
func (g *FS) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	r, rel, e := g.writable(p, true)
	if e != 0 {
		return e
	}
	return errno(r.Chmod(rel, perm))
}

// Rename implements experimentalsys.FS.
func (g *FS) Rename(from, to string) experimentalsys.Errno {
	r, rel1, rel2, e := g.writablePair(from, to)
	if e != 0 {
		return e
	}
	if e := g.canMoveTree(r, rel1, rel2); e != 0 {
		return e
	}
	return errno(r.Rename(rel1, rel2))
}

// writablePair decides two names that one operation writes (rename, link): both must be writable and in the
// same allowWrite tree (EPERM otherwise — EXDEV in spirit), so that the operation goes through one os.Root.
func (g *FS) writablePair(a, b string) (*os.Root, string, string, experimentalsys.Errno) {
	r1, rel1, e := g.writable(a, false)
	if e != 0 {
		return nil, "", "", e
	}
	r2, rel2, e := g.writable(b, false)
	if e != 0 {
		return nil, "", "", e
	}
	if r1 != r2 {
		return nil, "", "", experimentalsys.EPERM
	}
	return r1, rel1, rel2, 0
}

// maxMoveCheck bounds the entries canMoveTree looks at; a larger directory is refused (fail closed).
const maxMoveCheck = 100000

// canMoveTree checks that renaming the directory rel1 to rel2 (both under r) moves no path the policy
// protects: every entry below it must be writable at its old name and at its new one. Per-name checks alone
// would let `mv .git g; edit g/config; mv g .git` (or moving a prepared directory onto .git, or moving the
// parent of a denyWrite directory) rewrite protected files without ever naming them.
func (g *FS) canMoveTree(r *os.Root, rel1, rel2 string) experimentalsys.Errno {
	fi, err := r.Lstat(rel1)
	if err != nil {
		return errno(err)
	}
	if !fi.IsDir() {
		return 0
	}
	base := r.Name()
	n := 0
	var refused experimentalsys.Errno
	err = fs.WalkDir(r.FS(), filepath.ToSlash(rel1), func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if n++; n > maxMoveCheck {
			g.deny(policy.Decision{Action: policy.ActionDeny, Kind: policy.KindFilesystem, Op: "write",
				Path: filepath.Join(base, rel1), Reason: "directory too large to check before moving it"})
			refused = experimentalsys.EPERM
			return fs.SkipAll
		}
		sub := strings.TrimPrefix(filepath.FromSlash(p), rel1)
		for _, abs := range []string{filepath.Join(base, rel1) + sub, filepath.Join(base, rel2) + sub} {
			if d := g.o.Policy.DecideWrite(abs); d.Action != policy.ActionAllow {
				g.deny(d)
				refused = experimentalsys.EROFS
				return fs.SkipAll
			}
		}
		return nil
	})
	if refused != 0 {
		return refused
	}
	return errno(err)
}

// Rmdir implements experimentalsys.FS.
func (g *FS) Rmdir(p string) experimentalsys.Errno { return g.remove(p, true) }

// Unlink implements experimentalsys.FS.
func (g *FS) Unlink(p string) experimentalsys.Errno { return g.remove(p, false) }

// remove deletes the name p, which must be a directory when dir is set and must not be one otherwise.
func (g *FS) remove(p string, dir bool) experimentalsys.Errno {
	r, rel, e := g.writable(p, false)
	if e != 0 {
		return e
	}
	fi, err := r.Lstat(rel)
	if err != nil {
		return errno(err)
	}
	switch {
	case dir && !fi.IsDir():
		return experimentalsys.ENOTDIR
	case !dir && fi.IsDir():
		return experimentalsys.EISDIR
	}
	return errno(r.Remove(rel))
}

// Link implements experimentalsys.FS. Both names must be writable and in the same allowWrite tree: a hard
// link would otherwise make a read-only (or unreadable) file reachable under a writable name.
func (g *FS) Link(oldPath, newPath string) experimentalsys.Errno {
	r, rel1, rel2, e := g.writablePair(oldPath, newPath)
	if e != 0 {
		return e
	}
	return errno(r.Link(rel1, rel2))
}

// Symlink implements experimentalsys.FS. The target is not checked here: every later access through the
// link resolves it on the host and is decided on the path it names.
func (g *FS) Symlink(target, linkName string) experimentalsys.Errno {
	r, rel, e := g.writable(linkName, false)
	if e != 0 {
		return e
	}
	return errno(r.Symlink(target, rel))
}

// Readlink implements experimentalsys.FS.
func (g *FS) Readlink(p string) (string, experimentalsys.Errno) {
	if res, _, _ := g.reserved(p); res {
		return "", experimentalsys.EINVAL
	}
	h, _ := g.hostPath(p)
	real := nofollow(h)
	if e := g.canRead(real); e != 0 {
		return "", e
	}
	r, rel, err := g.readRel(real)
	if err != nil {
		return "", errno(err)
	}
	s, err := r.Readlink(rel)
	return s, errno(err)
}

// Utimens implements experimentalsys.FS.
func (g *FS) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	r, rel, e := g.writable(p, true)
	if e != 0 {
		return e
	}
	return errno(r.Chtimes(rel, toTime(atim), toTime(mtim)))
}
