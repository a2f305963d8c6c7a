package host

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/srt-sandbox/srt/host/native"
	"github.com/srt-sandbox/srt/host/policy"
)

// limitState is how the memory and process limits are enforced for one run.
type limitState struct {
	notes  []string
	cgroup string // the run's cgroup v2 directory, removed by Close
	fd     int    // its fd for clone(CLONE_INTO_CGROUP), -1 if none
}

// applyLimits enforces the memory and process limits with a cgroup v2 child of srt's own cgroup when that
// cgroup is delegated to this user (its controllers enabled for children); otherwise with RLIMIT_AS and
// RLIMIT_NPROC on the command, and a note saying so.
func applyLimits(cfg *native.Config, l policy.Limits) (*limitState, error) {
	st := &limitState{fd: -1}
	if l.Memory <= 0 && l.Pids <= 0 {
		return st, nil
	}
	if dir, why := delegatedCgroup(l); dir != "" {
		child := filepath.Join(dir, fmt.Sprintf("srt-%d", os.Getpid()))
		err := os.Mkdir(child, 0o755)
		if err == nil {
			st.cgroup = child
			if l.Memory > 0 {
				err = os.WriteFile(filepath.Join(child, "memory.max"), []byte(strconv.FormatInt(l.Memory, 10)), 0)
				if err == nil {
					os.WriteFile(filepath.Join(child, "memory.swap.max"), []byte("0"), 0)
				}
			}
			if err == nil && l.Pids > 0 {
				err = os.WriteFile(filepath.Join(child, "pids.max"), []byte(strconv.Itoa(l.Pids+1)), 0)
			}
			if err == nil {
				st.fd, err = unix.Open(child, unix.O_DIRECTORY|unix.O_PATH|unix.O_CLOEXEC, 0)
			}
		}
		if err == nil {
			cfg.CgroupFD = st.fd
			return st, nil
		}
		st.Close()
		st = &limitState{fd: -1}
		st.notes = append(st.notes, fmt.Sprintf("cgroup v2 %s could not be used (%v)", dir, err))
	} else {
		st.notes = append(st.notes, why)
	}
	if l.Memory > 0 {
		cfg.Memory = l.Memory
		st.notes = append(st.notes, "--memory is enforced with RLIMIT_AS (address space, not resident memory)")
	}
	if l.Pids > 0 {
		if os.Getuid() == 0 {
			return nil, fmt.Errorf("--pids: no delegated cgroup v2 with the pids controller, and RLIMIT_NPROC does not "+
				"apply to root (%s); run srt as an unprivileged user or delegate a cgroup", strings.Join(st.notes, "; "))
		}
		cfg.Pids = l.Pids
		st.notes = append(st.notes, "--pids is enforced with RLIMIT_NPROC")
	}
	return st, nil
}

// delegatedCgroup returns srt's own cgroup v2 directory if it offers the controllers l needs to children
// and this user may create one; otherwise "" and why not.
func delegatedCgroup(l policy.Limits) (dir, why string) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", "no cgroup information"
	}
	var rel string
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
	}
	mnt := cgroup2Mount()
	if mnt == "" || rel == "" {
		return "", "cgroup v2 is not mounted"
	}
	dir = filepath.Join(mnt, rel)
	ctl, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	have := strings.Fields(string(ctl))
	for _, need := range []struct {
		on   bool
		name string
	}{{l.Memory > 0, "memory"}, {l.Pids > 0, "pids"}} {
		if need.on && !contains(have, need.name) {
			return "", fmt.Sprintf("cgroup v2 %s does not delegate the %s controller", dir, need.name)
		}
	}
	if unix.Access(dir, unix.W_OK) != nil {
		return "", fmt.Sprintf("cgroup v2 %s is not writable by this user", dir)
	}
	return dir, ""
}

func cgroup2Mount() string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, fl := range fields {
			if fl == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" && len(fields) > 4 {
				return fields[4]
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Close removes the run's cgroup.
func (st *limitState) Close() {
	if st == nil {
		return
	}
	if st.fd >= 0 {
		unix.Close(st.fd)
		st.fd = -1
	}
	if st.cgroup != "" {
		os.Remove(st.cgroup)
		st.cgroup = ""
	}
}

// restoreTerminal gives the terminal back to srt's process group after the command had it in the
// foreground.
func restoreTerminal(stdin *os.File) {
	if stdin == nil {
		return
	}
	fd := int(stdin.Fd())
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err != nil {
		return
	}
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	unix.IoctlSetPointerInt(fd, unix.TIOCSPGRP, unix.Getpgrp())
}

// suspend follows the command into the background when it was stopped (Ctrl-Z): srt gives the terminal
// back to its own process group and stops itself, so that the user's shell sees a stopped job. When the
// shell continues srt in the foreground, the terminal goes back to the command, which is continued. A
// command stopped for reading or writing the terminal (SIGTTIN, SIGTTOU) while srt holds it just gets it
// back: the shell hands the terminal to srt's group, not to the command's, when it continues the job.
func suspend(stdin *os.File, p *native.Process, sig syscall.Signal) {
	if (sig == syscall.SIGTTIN || sig == syscall.SIGTTOU) && handTerminal(stdin, p) {
		p.Signal(syscall.SIGCONT)
		return
	}
	restoreTerminal(stdin)
	unix.Kill(os.Getpid(), unix.SIGSTOP)
	// Continued.
	handTerminal(stdin, p)
	p.Signal(syscall.SIGCONT)
}

// handTerminal gives the terminal to the command's process group if srt's group has it.
func handTerminal(stdin *os.File, p *native.Process) bool {
	if stdin == nil {
		return false
	}
	fd := int(stdin.Fd())
	fg, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	if err != nil || fg != unix.Getpgrp() {
		return false
	}
	pid := p.CommandPid()
	if pid <= 0 {
		return false
	}
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	return unix.IoctlSetPointerInt(fd, unix.TIOCSPGRP, pid) == nil
}
