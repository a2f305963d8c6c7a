package wasi

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/wasi/internal/guestfs"
)

// PolicyFS is the guest file system of Run for callers that are not WASI modules (srt's JavaScript
// runtime calls it from host functions): the same path mapping, policy decisions, os.Root writes, hidden
// paths and audit events, with whole-file operations. Paths are absolute guest paths; "." and ".." are
// resolved lexically first (as wazero does), then every access is decided on the host path with its
// symlinks resolved. Errors are *FSError with an errno-style code.
type PolicyFS struct {
	g *guestfs.FS
}

// PolicyFSConfig configures NewPolicyFS; the fields mean what they mean in RunConfig.
type PolicyFSConfig struct {
	Policy   *policy.Policy
	Recorder policy.Recorder
	Backend  string
	Mounts   []Mount
	Hidden   []string
}

// NewPolicyFS returns the policy file system. Close it after the run.
func NewPolicyFS(c PolicyFSConfig) *PolicyFS {
	o := guestfs.Options{Policy: c.Policy, Backend: c.Backend}
	for _, h := range c.Hidden {
		if abs, err := filepath.Abs(h); err == nil {
			o.Hidden = append(o.Hidden, policy.ResolveExisting(abs))
		}
	}
	if c.Recorder != nil {
		o.Record = c.Recorder.Record
	}
	for _, m := range c.Mounts {
		o.Mounts = append(o.Mounts, guestfs.Mount{Host: m.Host, Guest: m.Guest, ReadOnly: m.ReadOnly})
	}
	return &PolicyFS{g: guestfs.New(o)}
}

// Close releases the file system's roots.
func (p *PolicyFS) Close() { p.g.Close() }

// FSError is a failed PolicyFS operation. Code is the errno name (ENOENT, EACCES, EROFS, EEXIST, ENOTDIR,
// EISDIR, ENOTEMPTY, EPERM, EINVAL, EIO, …); Error reads like Node's "ENOENT: no such file or directory,
// open '/x'".
type FSError struct {
	Code, Op, Path string
	Errno          experimentalsys.Errno
}

func (e *FSError) Error() string {
	return e.Code + ": " + e.Errno.Error() + ", " + e.Op + " '" + e.Path + "'"
}

var errnoNames = map[experimentalsys.Errno]string{
	experimentalsys.EACCES: "EACCES", experimentalsys.EAGAIN: "EAGAIN", experimentalsys.EBADF: "EBADF",
	experimentalsys.EEXIST: "EEXIST", experimentalsys.EINTR: "EINTR", experimentalsys.EINVAL: "EINVAL",
	experimentalsys.EIO: "EIO", experimentalsys.EISDIR: "EISDIR", experimentalsys.ELOOP: "ELOOP",
	experimentalsys.ENAMETOOLONG: "ENAMETOOLONG", experimentalsys.ENOENT: "ENOENT", experimentalsys.ENOSYS: "ENOSYS",
	experimentalsys.ENOTDIR: "ENOTDIR", experimentalsys.ENOTEMPTY: "ENOTEMPTY", experimentalsys.ENOTSUP: "ENOTSUP",
	experimentalsys.EPERM: "EPERM", experimentalsys.EROFS: "EROFS",
}

func fsErr(op, name string, e experimentalsys.Errno) error {
	if e == 0 {
		return nil
	}
	code := errnoNames[e]
	if code == "" {
		code = "EIO"
	}
	return &FSError{Code: code, Op: op, Path: name, Errno: e}
}

// rel turns an absolute guest path into wazero's form (relative to "/", clean).
func rel(name string) string {
	c := path.Clean("/" + filepath.ToSlash(name))
	if c == "/" {
		return "."
	}
	return strings.TrimPrefix(c, "/")
}

// ReadFile returns the contents of the file name.
func (p *PolicyFS) ReadFile(name string) ([]byte, error) {
	f, e := p.g.OpenFile(rel(name), experimentalsys.O_RDONLY, 0)
	if e != 0 {
		return nil, fsErr("open", name, e)
	}
	defer f.Close()
	if d, _ := f.IsDir(); d {
		return nil, fsErr("read", name, experimentalsys.EISDIR)
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, e := f.Read(buf)
		out = append(out, buf[:n]...)
		if e != 0 {
			return nil, fsErr("read", name, e)
		}
		if n == 0 {
			return out, nil
		}
	}
}

// WriteFile creates or truncates name (or appends to it) and writes data.
func (p *PolicyFS) WriteFile(name string, data []byte, appendTo bool) error {
	flag := experimentalsys.O_WRONLY | experimentalsys.O_CREAT
	if appendTo {
		flag |= experimentalsys.O_APPEND
	} else {
		flag |= experimentalsys.O_TRUNC
	}
	f, e := p.g.OpenFile(rel(name), flag, 0o666)
	if e != 0 {
		return fsErr("open", name, e)
	}
	defer f.Close()
	for len(data) > 0 {
		n, e := f.Write(data)
		if e != 0 {
			return fsErr("write", name, e)
		}
		data = data[n:]
	}
	return nil
}

// DirEntry is one entry of ReadDir.
type DirEntry struct {
	Name string
	Type fs.FileMode // fs.ModeDir, fs.ModeSymlink, 0 (regular), …
}

// ReadDir lists the directory name (without "." and "..").
func (p *PolicyFS) ReadDir(name string) ([]DirEntry, error) {
	f, e := p.g.OpenFile(rel(name), experimentalsys.O_RDONLY|experimentalsys.O_DIRECTORY, 0)
	if e != 0 {
		return nil, fsErr("scandir", name, e)
	}
	defer f.Close()
	ds, e := f.Readdir(-1)
	if e != 0 {
		return nil, fsErr("scandir", name, e)
	}
	out := make([]DirEntry, 0, len(ds))
	for _, d := range ds {
		if d.Name == "." || d.Name == ".." {
			continue
		}
		out = append(out, DirEntry{Name: d.Name, Type: d.Type})
	}
	return out, nil
}

// FileInfo is the result of Stat and Lstat.
type FileInfo struct {
	Mode  fs.FileMode
	Size  int64
	Mtime time.Time
	Atime time.Time
	Ctime time.Time
	Ino   uint64
	Nlink uint64
}

// Stat describes name, following symlinks; Lstat does not follow the last one.
func (p *PolicyFS) Stat(name string) (FileInfo, error) { return p.stat(name, false) }

// Lstat describes name without following a final symlink.
func (p *PolicyFS) Lstat(name string) (FileInfo, error) { return p.stat(name, true) }

func (p *PolicyFS) stat(name string, l bool) (FileInfo, error) {
	stat, op := p.g.Stat, "stat"
	if l {
		stat, op = p.g.Lstat, "lstat"
	}
	st, e := stat(rel(name))
	if e != 0 {
		return FileInfo{}, fsErr(op, name, e)
	}
	return FileInfo{Mode: st.Mode, Size: st.Size, Mtime: time.Unix(0, st.Mtim), Atime: time.Unix(0, st.Atim),
		Ctime: time.Unix(0, st.Ctim), Ino: st.Ino, Nlink: st.Nlink}, nil
}

// Mkdir creates the directory name; with recursive, its missing parents too, and an existing directory
// is not an error.
func (p *PolicyFS) Mkdir(name string, recursive bool) error {
	r := rel(name)
	if !recursive {
		return fsErr("mkdir", name, p.g.Mkdir(r, 0o777))
	}
	if r == "." {
		return nil
	}
	parts := strings.Split(r, "/")
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		if st, e := p.g.Stat(sub); e == 0 {
			if !st.Mode.IsDir() {
				return fsErr("mkdir", name, experimentalsys.ENOTDIR)
			}
			continue
		}
		if e := p.g.Mkdir(sub, 0o777); e != 0 && e != experimentalsys.EEXIST {
			return fsErr("mkdir", name, e)
		}
	}
	return nil
}

// maxRemove bounds the entries one recursive Remove visits.
const maxRemove = 100000

// Remove deletes name: a file or symlink, an empty directory, or with recursive a whole tree (symlinks
// are removed, never followed). With force a missing name is not an error.
func (p *PolicyFS) Remove(name string, recursive, force bool) error {
	n := 0
	err := p.remove(name, recursive, &n)
	if fe, ok := err.(*FSError); ok && force && fe.Errno == experimentalsys.ENOENT && fe.Path == name {
		return nil
	}
	return err
}

func (p *PolicyFS) remove(name string, recursive bool, n *int) error {
	if *n++; *n > maxRemove {
		return fsErr("rm", name, experimentalsys.EPERM)
	}
	r := rel(name)
	st, e := p.g.Lstat(r)
	if e != 0 {
		return fsErr("rm", name, e)
	}
	if !st.Mode.IsDir() {
		return fsErr("unlink", name, p.g.Unlink(r))
	}
	if !recursive {
		return fsErr("rm", name, experimentalsys.EISDIR)
	}
	ents, err := p.ReadDir(name)
	if err != nil {
		return err
	}
	for _, d := range ents {
		if err := p.remove(path.Join(path.Clean("/"+filepath.ToSlash(name)), d.Name), true, n); err != nil {
			return err
		}
	}
	return fsErr("rmdir", name, p.g.Rmdir(r))
}

// Rmdir removes the empty directory name.
func (p *PolicyFS) Rmdir(name string) error { return fsErr("rmdir", name, p.g.Rmdir(rel(name))) }

// Rename renames from to to (same rules as for WASI guests: both writable, same allowWrite tree).
func (p *PolicyFS) Rename(from, to string) error {
	return fsErr("rename", from, p.g.Rename(rel(from), rel(to)))
}
