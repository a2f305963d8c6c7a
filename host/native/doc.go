// Package native runs a command in srt's native sandbox: on Linux, new user, mount, pid, net, ipc and uts
// namespaces set up by srt itself (no bwrap), with landlock and seccomp as further layers; on macOS, a
// deny-by-default sandbox-exec profile generated from the same policy.
//
// Usage (the outer side, in the srt process the user started):
//
//	cfg, notes, err := native.Plan(pol, native.PlanOptions{Args: []string{"make", "test"}})
//	p, err := native.Start(cfg, native.Stdio{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
//	for _, l := range p.Listeners() { go bridge(l) } // in-sandbox localhost:3128 and :1080
//	st, err := p.Wait()                               // st.ExitCode, st.Signal
//
// and the inner side, which srt runs as the sandbox's PID 1 by re-executing itself with the hidden
// subcommand InitCommand:
//
//	os.Exit(native.Init())
//
// host.RunSandboxed does all of the outer side, with the proxies, limits, signals and job control.
//
// Start passes the Config to the inner side as JSON over an inherited SOCK_SEQPACKET socket (fd 3), never
// through the environment. The inner side runs one linear sequence of named steps (see Init); a failing step
// is reported back with its name and nothing runs. The inner side creates the in-sandbox proxy listeners and
// hands their file descriptors back over the same socket, so the outer srt accepts connections made inside
// the sandbox and forwards them to the real proxies; the listeners exist before the command starts.
//
// The layers, outermost first: namespaces (the command sees its own /proc, hostname, IPC and a network with
// only loopback); mounts (root read-only and nosuid, allowWrite read-write, denyWrite and existing protected
// paths read-only, denyRead hidden); a seccomp user-notification guard that answers EROFS when the command
// creates a protected name that did not exist (.bashrc, .git/hooks, …); landlock (writes only below
// allowWrite, TMPDIR and /dev; reported, not hidden, where the kernel lacks it); no capabilities and
// no_new_privs; seccomp (EPERM for socket(AF_UNIX), ptrace, mount, unshare, bpf, io_uring, …; foreign
// system-call ABIs kill the process). On macOS, DarwinProfile is the sandbox-exec profile of the same Config.
//
// This package may import only host/policy from the module (see host/layout_test.go).
package native
