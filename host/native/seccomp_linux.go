package native

import (
	"fmt"
	"runtime"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"
)

// deniedSyscalls fail with EPERM in the sandbox: they change the kernel's or the sandbox's own setup, look
// into other processes, or reach the kernel through interfaces that bypass this filter (io_uring).
var deniedSyscalls = []string{
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	"mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
	"fsmount", "fspick", "mount_setattr",
	"unshare", "setns",
	"keyctl", "add_key", "request_key",
	"bpf", "perf_event_open", "userfaultfd", "fanotify_init", "lookup_dcookie",
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
	"reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup", "iopl", "ioperm",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "uselib", "nfsservctl",
	"open_by_handle_at", "name_to_handle_at",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"personality",
}

// namespaceFlags may not be passed to clone: a new user namespace would give the command capabilities again.
var namespaceFlags = []uint64{unix.CLONE_NEWUSER, unix.CLONE_NEWNS, unix.CLONE_NEWPID, unix.CLONE_NEWNET,
	unix.CLONE_NEWIPC, unix.CLONE_NEWUTS, unix.CLONE_NEWCGROUP, unix.CLONE_NEWTIME}

// seccompPolicy is the filter for the command. Unknown syscall names (of other architectures) are left out.
func seccompPolicy(allowUnixSockets bool) (seccomp.Policy, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return seccomp.Policy{}, err
	}
	var names []string
	for _, n := range deniedSyscalls {
		if _, ok := info.SyscallNames[n]; ok {
			names = append(names, n)
		}
	}
	eq := func(arg uint32, v uint64) seccomp.ArgumentConditions {
		return seccomp.ArgumentConditions{{Argument: arg, Operation: seccomp.Equal, Value: v}}
	}
	var conds []seccomp.NameWithConditions
	if !allowUnixSockets {
		conds = append(conds, seccomp.NameWithConditions{Name: "socket", Conditions: eq(0, unix.AF_UNIX)})
	}
	// Terminal input injection (TIOCSTI, TIOCLINUX) would let the command type into the user's shell.
	conds = append(conds,
		seccomp.NameWithConditions{Name: "ioctl", Conditions: eq(1, unix.TIOCSTI)},
		seccomp.NameWithConditions{Name: "ioctl", Conditions: eq(1, unix.TIOCLINUX)})
	for _, f := range namespaceFlags {
		for _, name := range []string{"clone"} {
			conds = append(conds, seccomp.NameWithConditions{Name: name,
				Conditions: seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.BitsSet, Value: f}}})
		}
	}
	groups := []seccomp.SyscallGroup{
		{Names: names, NamesWithCondtions: conds, Action: seccomp.ActionErrno},
	}
	// clone3 passes its flags in memory, where a filter cannot look: ENOSYS makes libc fall back to clone.
	if _, ok := info.SyscallNames["clone3"]; ok {
		groups = append(groups, seccomp.SyscallGroup{Names: []string{"clone3"}, Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)})
	}
	return seccomp.Policy{DefaultAction: seccomp.ActionAllow, Syscalls: groups}, nil
}

// loadSeccomp installs the filters on this thread only (no TSYNC): the command is forked from it. A second
// filter kills any system call made through a foreign calling convention (e.g. int 0x80 on amd64), which
// the first filter would otherwise let through unchecked.
func loadSeccomp(allowUnixSockets bool) error {
	pol, err := seccompPolicy(allowUnixSockets)
	if err != nil {
		return fmt.Errorf("building the filter: %w", err)
	}
	if err := seccomp.LoadFilter(seccomp.Filter{NoNewPrivs: true, Policy: pol}); err != nil {
		return err
	}
	return loadArchFilter()
}

func nativeAuditArch() (uint32, bool) {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64, true
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64, true
	case "riscv64":
		return unix.AUDIT_ARCH_RISCV64, true
	}
	return 0, false
}

func loadArchFilter() error {
	a, ok := nativeAuditArch()
	if !ok {
		return nil
	}
	const (
		ldAbsW = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		retK   = unix.BPF_RET | unix.BPF_K
		archOf = 4 // offsetof(struct seccomp_data, arch)
	)
	prog := []unix.SockFilter{
		{Code: ldAbsW, K: archOf},
		{Code: jeqK, Jt: 1, Jf: 0, K: a},
		{Code: retK, K: unix.SECCOMP_RET_KILL_PROCESS},
		{Code: retK, K: unix.SECCOMP_RET_ALLOW},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return fmt.Errorf("loading the architecture filter: %w", e)
	}
	return nil
}

// SeccompSupported reports whether the kernel has seccomp filters.
func SeccompSupported() bool { return seccomp.Supported() }
