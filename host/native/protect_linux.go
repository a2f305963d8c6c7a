package native

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Protected paths that do not exist yet cannot be covered by a mount (there is nothing to mount on, and
// creating a mount point would create the file on the host). The command's name-creating system calls
// (open and openat with O_CREAT, creat, mkdir, mknod, symlink, link, rename) are therefore sent to PID 1 by
// a seccomp user-notification filter; PID 1 resolves the new name as the command sees it and answers EROFS
// when it is a protected name (.bashrc, .git/hooks, …) inside a writable tree, and lets the call continue
// otherwise. Existing protected paths are read-only mounts as well.
//
// Limitation: the kernel reads the path again after PID 1 let the call continue, so a multi-threaded
// command that rewrites the path (or swaps a symlinked parent) in that window can still create a protected
// name. The mounts stay exact for paths that existed when the sandbox started.

// pathArgs lists, per system call, the (dirfd argument, path argument) pairs that name a new entry; a dirfd
// of -1 means the path is relative to the working directory.
var pathArgs = map[string][][2]int{
	"open":      {{-1, 0}},
	"creat":     {{-1, 0}},
	"openat":    {{0, 1}},
	"mkdir":     {{-1, 0}},
	"mkdirat":   {{0, 1}},
	"mknod":     {{-1, 0}},
	"mknodat":   {{0, 1}},
	"symlink":   {{-1, 1}},
	"symlinkat": {{1, 2}},
	"link":      {{-1, 1}},
	"linkat":    {{2, 3}},
	"rename":    {{-1, 0}, {-1, 1}},
	"renameat":  {{0, 1}, {2, 3}},
	"renameat2": {{0, 1}, {2, 3}},
}

type callInfo struct {
	args   [][2]int
	move   bool // rename, link, symlink: the target must not be .git or .claude either
	open   bool // follows a final symlink
	target int  // symlink: the argument holding the link's target, else -1
}

// protector answers the notifications.
type protector struct {
	fd       int
	byNr     map[int32]callInfo
	names    []string // single names, lower case: ".bashrc"
	pairs    [][2]string
	writable []string
}

// loadProtectFilter installs the notification filter on this thread and returns the listener.
func loadProtectFilter(protected []string, writable []string) (*protector, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, err
	}
	p := &protector{byNr: map[int32]callInfo{}, writable: writable}
	for _, n := range protected {
		n = strings.ToLower(n)
		if a, b, ok := strings.Cut(n, "/"); ok {
			p.pairs = append(p.pairs, [2]string{a, b})
		} else {
			p.names = append(p.names, n)
		}
	}
	var names []string
	var conds []seccomp.NameWithConditions
	for name, args := range pathArgs {
		nr, ok := info.SyscallNames[name]
		if !ok {
			continue
		}
		ci := callInfo{args: args, target: -1}
		switch name {
		case "rename", "renameat", "renameat2", "link", "linkat":
			ci.move = true
		case "symlink", "symlinkat":
			ci.move, ci.target = true, 0
		case "open", "openat", "creat":
			ci.open = true
		}
		p.byNr[int32(nr)] = ci
		switch name {
		case "open":
			conds = append(conds, seccomp.NameWithConditions{Name: name, Conditions: seccomp.ArgumentConditions{{Argument: 1, Operation: seccomp.BitsSet, Value: unix.O_CREAT}}})
		case "openat":
			conds = append(conds, seccomp.NameWithConditions{Name: name, Conditions: seccomp.ArgumentConditions{{Argument: 2, Operation: seccomp.BitsSet, Value: unix.O_CREAT}}})
		default:
			names = append(names, name)
		}
	}
	groups := []seccomp.SyscallGroup{{Names: names, NamesWithCondtions: conds, Action: seccomp.ActionUserNotify}}
	// openat2 passes its flags in memory: ENOSYS makes callers fall back to openat.
	if _, ok := info.SyscallNames["openat2"]; ok {
		groups = append(groups, seccomp.SyscallGroup{Names: []string{"openat2"}, Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)})
	}
	pol := seccomp.Policy{DefaultAction: seccomp.ActionAllow, Syscalls: groups}
	insts, err := pol.Assemble()
	if err != nil {
		return nil, fmt.Errorf("assembling the protection filter: %w", err)
	}
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return nil, fmt.Errorf("assembling the protection filter: %w", err)
	}
	prog := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		prog[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	fd, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&fprog)))
	if e != 0 {
		return nil, fmt.Errorf("loading the protection filter: %w", e)
	}
	unix.CloseOnExec(int(fd))
	p.fd = int(fd)
	return p, nil
}

// seccompNotif and seccompNotifResp are struct seccomp_notif and struct seccomp_notif_resp.
type seccompNotif struct {
	ID    uint64
	Pid   uint32
	Flags uint32
	Nr    int32
	Arch  uint32
	IP    uint64
	Args  [6]uint64
}

type seccompNotifResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

// serve answers notifications until the listener is closed. It must run on a thread without the filter.
func (p *protector) serve() {
	for {
		var req seccompNotif
		if err := ioctlPtr(p.fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&req)); err != nil {
			if err == unix.EINTR || err == unix.ENOENT {
				continue
			}
			return
		}
		resp := seccompNotifResp{ID: req.ID}
		if path, rule := p.denied(&req); rule != "" {
			resp.Error = -int32(unix.EROFS)
			// Reported to the outer srt, which writes it to the audit log.
			sendJSON(controlFD, message{Kind: "denied", Step: path, Error: rule}, nil)
		} else {
			resp.Flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
		}
		ioctlPtr(p.fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
	}
}

func ioctlPtr(fd int, req uint, arg unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

// denied reports whether the call would create (or rename onto, or away from) a protected name, with the
// path and the reason; rule is "" when the call may go on.
func (p *protector) denied(req *seccompNotif) (path, rule string) {
	ci := p.byNr[req.Nr]
	for _, a := range ci.args {
		path, err := readString(int(req.Pid), req.Args[a[1]])
		if err != nil {
			return "", "cannot read the path: " + err.Error() // fail closed
		}
		dirfd := unix.AT_FDCWD
		if a[0] >= 0 {
			dirfd = int(int32(req.Args[a[0]]))
		}
		full, err := resolveAt(int(req.Pid), dirfd, path)
		if err != nil {
			return path, "cannot resolve the path: " + err.Error()
		}
		if ci.open {
			full = followFinal(full)
		}
		if !req.valid(p.fd) {
			return full, "the calling process is gone"
		}
		if p.protectedPath(full, ci.move) {
			return full, "mandatory protected path"
		}
		if ci.target >= 0 {
			// A symlink pointing at a protected name would let a later open(O_CREAT) create it.
			t, err := readString(int(req.Pid), req.Args[ci.target])
			if err != nil {
				return full, "cannot read the symlink target: " + err.Error()
			}
			if !filepath.IsAbs(t) {
				t = filepath.Join(filepath.Dir(full), t)
			}
			if p.protectedPath(followFinal(filepath.Clean(t)), false) {
				return full, "symlink to a mandatory protected path"
			}
		}
	}
	return "", ""
}

// followFinal resolves a symlink in the last component of path, as open(O_CREAT) would follow it.
func followFinal(path string) string {
	for i := 0; i < 40; i++ {
		l, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(l) {
			l = filepath.Join(filepath.Dir(path), l)
		}
		parent := filepath.Dir(filepath.Clean(l))
		if real, err := filepath.EvalSymlinks(parent); err == nil {
			parent = real
		}
		path = filepath.Join(parent, filepath.Base(l))
	}
	return path
}

func (req *seccompNotif) valid(fd int) bool {
	id := req.ID
	return ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&id)) == nil
}

// readString reads a NUL-terminated path from the process's memory.
func readString(pid int, addr uint64) (string, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/mem")
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, unix.PathMax)
	n, err := f.ReadAt(buf, int64(addr))
	if n == 0 && err != nil {
		return "", err
	}
	i := bytes.IndexByte(buf[:n], 0)
	if i < 0 {
		return "", fmt.Errorf("path too long")
	}
	return string(buf[:i]), nil
}

// resolveAt makes path absolute as the process sees it, with symlinks in its parent resolved.
func resolveAt(pid, dirfd int, path string) (string, error) {
	if !filepath.IsAbs(path) {
		link := fmt.Sprintf("/proc/%d/cwd", pid)
		if dirfd != unix.AT_FDCWD {
			link = fmt.Sprintf("/proc/%d/fd/%d", pid, dirfd)
		}
		base, err := os.Readlink(link)
		if err != nil {
			return "", err
		}
		path = filepath.Join(base, path)
	}
	path = filepath.Clean(path)
	parent, name := filepath.Dir(path), filepath.Base(path)
	if real, err := filepath.EvalSymlinks(parent); err == nil {
		parent = real
	}
	return filepath.Join(parent, name), nil
}

// protectedPath applies the policy's protected-name rule (case-insensitive) to a path inside a writable tree.
func (p *protector) protectedPath(path string, move bool) bool {
	if !insideAny(path, p.writable) {
		return false
	}
	parts := strings.Split(strings.ToLower(path), "/")
	for i, c := range parts {
		for _, n := range p.names {
			if c == n {
				return true
			}
		}
		if i+1 < len(parts) {
			for _, pr := range p.pairs {
				if c == pr[0] && parts[i+1] == pr[1] {
					return true
				}
			}
			if c == ".git" && parts[i+1] == "modules" {
				last := parts[len(parts)-1]
				if last == "hooks" || last == "config" && p.hasPair(".git", "config") {
					return true
				}
			}
		}
	}
	// A prepared directory renamed or linked to .git or .claude would bring its own hooks or commands.
	last := parts[len(parts)-1]
	return move && (last == ".git" || last == ".claude")
}

func (p *protector) hasPair(a, b string) bool {
	for _, pr := range p.pairs {
		if pr == [2]string{a, b} {
			return true
		}
	}
	return false
}
