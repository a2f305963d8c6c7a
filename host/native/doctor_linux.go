package native

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// Probe examines this machine: user namespaces (by creating one), Landlock, seccomp, cgroup v2, and
// whether the native sandbox starts (by running `true` in it).
func Probe() Report {
	var r Report
	userns := Check{Name: "user namespaces"}
	c := exec.Command("/proc/self/exe", "--version")
	c.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: os.Getuid(), HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: os.Getgid(), HostID: os.Getgid(), Size: 1}},
	}
	if err := c.Run(); err != nil {
		userns.Detail = diagnoseStart(err).Error()
	} else {
		userns.OK = true
		userns.Detail = fmt.Sprintf("user, mount, pid and net namespaces can be created (uid %d)", os.Getuid())
	}
	r.Checks = append(r.Checks, userns)

	abi := LandlockABI()
	ll := Check{Name: "landlock", OK: abi > 0}
	if abi > 0 {
		ll.Detail = fmt.Sprintf("ABI %d", abi)
	} else {
		ll.Detail = "not available (kernel too old, or not in the lsm= list): the sandbox runs without this second layer"
	}
	r.Checks = append(r.Checks, ll)

	sc := Check{Name: "seccomp", OK: SeccompSupported()}
	if sc.OK {
		sc.Detail = "filters available"
	} else {
		sc.Detail = "not available: the native sandbox will not start"
	}
	r.Checks = append(r.Checks, sc)

	cg := Check{Name: "cgroup v2"}
	mnt, rel := cgroup2Self()
	switch {
	case mnt == "":
		cg.Detail = "not mounted: --memory and --pids use RLIMIT_AS and RLIMIT_NPROC"
	default:
		dir := filepath.Join(mnt, rel)
		ctl, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
		have := strings.Fields(string(ctl))
		cg.OK = containsAll(have, "memory", "pids") && syscall.Access(dir, 2) == nil
		if cg.OK {
			cg.Detail = fmt.Sprintf("%s delegates memory and pids", dir)
		} else {
			cg.Detail = fmt.Sprintf("%s does not delegate memory and pids (has %q): --memory and --pids use "+
				"RLIMIT_AS and RLIMIT_NPROC", dir, strings.Join(have, " "))
		}
	}
	r.Checks = append(r.Checks, cg)

	nb := Check{Name: "native"}
	if p, err := Start(&Config{Args: []string{"true"}, Env: []string{"PATH=/usr/bin:/bin"}, Dir: "/", Landlock: true}, Stdio{}); err != nil {
		nb.Detail = err.Error()
	} else if st, err := p.Wait(); err != nil || st.ExitCode != 0 {
		nb.Detail = fmt.Sprintf("a trial run failed: %v (exit %d)", err, st.ExitCode)
	} else {
		nb.OK = true
		nb.Detail = "srt COMMAND, srt -c, srt bash|python|node run in namespaces + seccomp"
		if abi > 0 {
			nb.Detail += " + landlock"
		}
	}
	r.Backends = append(r.Backends, nb, Check{Name: "wasm", OK: true, Detail: "srt wasm needs no kernel support"})
	return r
}

func cgroup2Self() (mnt, rel string) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		f := strings.Fields(line)
		for i, x := range f {
			if x == "-" && i+1 < len(f) && f[i+1] == "cgroup2" && len(f) > 4 {
				return f[4], rel
			}
		}
	}
	return "", rel
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
