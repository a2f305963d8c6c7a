package native

import (
	"fmt"

	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// LandlockABI is the kernel's Landlock ABI version, 0 if it has none (or Landlock is disabled).
func LandlockABI() int {
	v, err := ll.LandlockGetABIVersion()
	if err != nil {
		return 0
	}
	return v
}

// landlockAccess returns the filesystem rights ABI version abi handles, and those of them that count as
// writing.
func landlockAccess(abi int) (all, write uint64) {
	all = ll.AccessFSExecute | ll.AccessFSWriteFile | ll.AccessFSReadFile | ll.AccessFSReadDir |
		ll.AccessFSRemoveDir | ll.AccessFSRemoveFile | ll.AccessFSMakeChar | ll.AccessFSMakeDir |
		ll.AccessFSMakeReg | ll.AccessFSMakeSock | ll.AccessFSMakeFifo | ll.AccessFSMakeBlock | ll.AccessFSMakeSym
	if abi >= 2 {
		all |= ll.AccessFSRefer
	}
	if abi >= 3 {
		all |= ll.AccessFSTruncate
	}
	if abi >= 5 {
		all |= ll.AccessFSIoctlDev
	}
	write = all &^ (ll.AccessFSExecute | ll.AccessFSReadFile | ll.AccessFSReadDir)
	return all, write
}

// landlock restricts this thread (and so the command) as a second layer under the mounts: read and execute
// everywhere, write only in the allowWrite trees, TMPDIR and /dev. On a kernel without Landlock it adds a
// note instead of failing: the mounts and seccomp still apply, and the degraded mode is reported.
func (s *initState) landlock() error {
	if !s.cfg.Landlock {
		return nil
	}
	abi := LandlockABI()
	if abi < 1 {
		s.notes = append(s.notes, "landlock is not available in this kernel: the sandbox runs without its second filesystem layer")
		return nil
	}
	all, write := landlockAccess(abi)
	attr := ll.RulesetAttr{HandledAccessFS: all}
	if abi >= 6 {
		attr.Scoped = ll.ScopeAbstractUnixSocket | ll.ScopeSignal
	}
	rfd, err := ll.LandlockCreateRuleset(&attr, 0)
	if err != nil {
		return fmt.Errorf("creating the ruleset (ABI %d): %w", abi, err)
	}
	defer unix.Close(rfd)
	read := all &^ write
	rules := []struct {
		path   string
		access uint64
	}{{"/", read}}
	for _, p := range s.cfg.Writable {
		rules = append(rules, struct {
			path   string
			access uint64
		}{p, all})
	}
	for _, p := range []string{s.cfg.TmpDir, "/dev"} {
		if p != "" {
			rules = append(rules, struct {
				path   string
				access uint64
			}{p, all})
		}
	}
	// The fresh /proc: writing /proc/self/oom_score_adj, comm and the like is the process's own business.
	rules = append(rules, struct {
		path   string
		access uint64
	}{"/proc", read | ll.AccessFSWriteFile | (all & ll.AccessFSTruncate)})
	// The files the user gave as stdin, stdout and stderr stay usable when reopened by name
	// (/dev/stdout, /dev/stderr, /proc/self/fd/N), as without the sandbox.
	for fd := 0; fd <= 2; fd++ {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG && st.Mode&unix.S_IFMT != unix.S_IFCHR {
			continue // pipes and sockets are not landlocked
		}
		rules = append(rules, struct {
			path   string
			access uint64
		}{fmt.Sprintf("/proc/self/fd/%d", fd), all})
	}
	for _, r := range rules {
		fd, err := unix.Open(r.path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("opening %q for a rule: %w", r.path, err)
		}
		access := r.access
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			// Rules on files may only grant file rights.
			access &= ll.AccessFSExecute | ll.AccessFSWriteFile | ll.AccessFSReadFile | ll.AccessFSTruncate | ll.AccessFSIoctlDev
		}
		err = ll.LandlockAddPathBeneathRule(rfd, &ll.PathBeneathAttr{AllowedAccess: access, ParentFd: fd}, 0)
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("adding a rule for %q: %w", r.path, err)
		}
	}
	if err := ll.LandlockRestrictSelf(rfd, 0); err != nil {
		return fmt.Errorf("enforcing the ruleset: %w", err)
	}
	return nil
}
