# rule: dangerous system calls fail: ptrace, mount, unshare, setns, keyctl, bpf, perf_event_open, TIOCSTI
. "$ATTACKS/lib.sh"
[ "$(uname -m)" = x86_64 ] || { echo blocked; exit 0; }
# sc NR ARGS…: the raw system call (numbers, 0x… in hex). It "fails" (exit 1) only when the call fails
# with EPERM, the filter's answer; success or any other error means the filter did not stop it.
sc() { perl -e 'use Errno; @a = map { /^0x/ ? hex($_) : $_ + 0 } @ARGV; $r = syscall($a[0], @a[1..$#a]); exit($r == -1 && $!{EPERM} ? 1 : 0)' "$@"; }
must_fail "ptrace(PTRACE_ATTACH, 1)" sc 101 16 1 0 0
must_fail "ptrace(PTRACE_TRACEME)" sc 101 0 0 0 0
must_fail "unshare(CLONE_NEWUSER)" sc 272 0x10000000
must_fail "unshare(CLONE_NEWNS)" sc 272 0x00020000
must_fail "setns" sc 308 0 0
must_fail "keyctl" sc 250 0 0 0 0 0
must_fail "add_key" sc 248 0 0 0 0 0
must_fail "bpf" sc 321 0 0 0
must_fail "perf_event_open" sc 298 0 0 0 0 0
must_fail "io_uring_setup" sc 425 1 0
must_fail "mount" mount -t tmpfs none "$TMPDIR"
must_fail "umount /proc" umount -l /proc
must_fail "unshare -U" unshare -U true
must_fail "unshare -r (new user namespace with root)" unshare -r true
must_fail "pivot_root" sc 155 0 0
must_fail "init_module" sc 175 0 0 0
must_fail "TIOCSTI on stdin" perl -e 'use Errno; ioctl(STDIN, 0x5412, "x"); exit($!{EPERM} ? 1 : 0)'
must_fail "clone(CLONE_NEWUSER)" sc 56 0x10000011 0 0 0 0
must_fail "socket(AF_UNIX)" sc 41 1 1 0
must_fail "process_vm_readv" sc 310 1 0 0 0 0 0
must_fail "open_tree" sc 428 -100 0 0
must_fail "fsopen" sc 430 0 0
must_fail "mount_setattr" sc 442 -100 0 0 0 0
must_fail "userfaultfd" sc 323 0
must_fail "kexec_load" sc 246 0 0 0 0
# clone3 and openat2 carry their flags in memory, out of the filter's sight: ENOSYS makes libc fall back.
nosys() { perl -e 'use Errno; @a = map { $_ + 0 } @ARGV; $r = syscall($a[0], @a[1..$#a]); exit($r == -1 && $!{ENOSYS} ? 1 : 0)' "$@"; }
must_fail "clone3" nosys 435 0 0
must_fail "openat2" nosys 437 -100 0 0 0
done_
