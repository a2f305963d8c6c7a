package native

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/srt-sandbox/srt/host/policy"
)

// Stdio are the command's standard files. A nil field is /dev/null.
type Stdio struct {
	Stdin, Stdout, Stderr *os.File
}

// SetupError is a failed setup step inside the sandbox; nothing ran.
type SetupError struct {
	Step string
	Err  string
}

func (e *SetupError) Error() string { return fmt.Sprintf("sandbox setup: %s: %s", e.Step, e.Err) }

// Listener is a listening socket inside the sandbox's network namespace, accepted from outside.
type Listener struct {
	Port int // the port inside the sandbox (HTTPProxyPort or SOCKSProxyPort)
	net.Listener
}

// Process is a running sandbox.
type Process struct {
	cmd       *exec.Cmd
	ctrl      int
	listeners []Listener
	notes     []string

	stopped chan syscall.Signal
	rec     policy.Recorder
	status  Status
	err     error
	done    chan struct{}
}

// Start starts the sandbox's PID 1 (this executable with InitCommand) in new namespaces, sends it cfg and
// waits until the sandbox is set up and the command has been started. On a setup failure nothing runs and
// the error says what is missing.
func Start(cfg *Config, stdio Stdio) (*Process, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding srt's own executable: %w", err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("creating the control socket: %w", err)
	}
	child := fdFile(fds[1], "srt-control")
	defer child.Close()

	uid, gid := os.Getuid(), os.Getgid()
	cmd := &exec.Cmd{
		Path:       exe,
		Args:       []string{"srt", InitCommand},
		Env:        []string{}, // PID 1 needs nothing from the environment; the command's is in cfg
		Stdin:      stdio.Stdin,
		Stdout:     stdio.Stdout,
		Stderr:     stdio.Stderr,
		ExtraFiles: []*os.File{child},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
				syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
			GidMappingsEnableSetgroups: false,
			// PID 1 keeps these capabilities (in its own user namespace only) across the exec, to set up
			// mounts and loopback; it drops all of them before the command starts.
			AmbientCaps: []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_NET_ADMIN, unix.CAP_SETPCAP, unix.CAP_DAC_OVERRIDE},
			Pdeathsig:   syscall.SIGKILL,
			Setpgid:     true,
		},
	}
	if cfg.CgroupFD > 0 {
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = cfg.CgroupFD
	}
	// A nil *os.File in an io.Reader field is not nil: leave such fields unset (/dev/null).
	if stdio.Stdin == nil {
		cmd.Stdin = nil
	}
	if stdio.Stdout == nil {
		cmd.Stdout = nil
	}
	if stdio.Stderr == nil {
		cmd.Stderr = nil
	}
	// Pdeathsig fires when the thread that started the child exits; keep it from being a thread that
	// the runtime might end.
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		unix.Close(fds[0])
		return nil, diagnoseStart(err)
	}
	p := &Process{cmd: cmd, ctrl: fds[0], done: make(chan struct{}), stopped: make(chan syscall.Signal, 1), rec: cfg.Recorder}
	if err := sendJSON(p.ctrl, cfg, nil); err != nil {
		p.kill()
		return nil, fmt.Errorf("sending the sandbox configuration: %w", err)
	}
	var m message
	lfds, err := recvJSON(p.ctrl, &m)
	if err != nil {
		p.kill()
		werr := cmd.Wait()
		return nil, fmt.Errorf("sandbox setup failed before reporting (%v): %v", werr, err)
	}
	if m.Kind == "error" {
		cmd.Wait()
		unix.Close(p.ctrl)
		return nil, &SetupError{Step: m.Step, Err: m.Error}
	}
	p.notes = m.Notes
	// The inner side sends one listening socket per port and address family it could listen on.
	for _, fd := range lfds {
		f := fdFile(fd, "sandbox-listener")
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			p.kill()
			return nil, fmt.Errorf("using the sandbox's listener: %w", err)
		}
		port := 0
		if tl, ok := l.Addr().(*net.TCPAddr); ok {
			port = tl.Port
		}
		p.listeners = append(p.listeners, Listener{Port: port, Listener: l})
	}
	go p.wait()
	return p, nil
}

// Listeners are the sandbox's proxy listeners; the caller accepts and forwards their connections.
func (p *Process) Listeners() []Listener { return p.listeners }

// Stopped receives the signal that stopped the command (Ctrl-Z: SIGTSTP; reading the terminal from the
// background: SIGTTIN). Signal(SIGCONT) continues it.
func (p *Process) Stopped() <-chan syscall.Signal { return p.stopped }

// CommandPid is the command's pid as the host sees it (the sandbox's PID 1's child), 0 if unknown.
func (p *Process) CommandPid() int {
	// children lists the children of one thread; the command was forked by whichever thread ran Init.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p.Pid()))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.Atoi(f[0])
			return n
		}
	}
	return 0
}

// Notes are remarks from the inner side, e.g. that landlock is unavailable.
func (p *Process) Notes() []string { return p.notes }

// Pid is the sandbox's PID 1 as the host sees it.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the sandbox's PID 1, which forwards it to the command.
func (p *Process) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the sandbox: every process in it dies with its PID 1.
func (p *Process) Kill() { p.kill() }

func (p *Process) kill() { p.cmd.Process.Kill() }

func (p *Process) wait() {
	var m message
	var rerr error
	for {
		m = message{}
		_, rerr = recvJSON(p.ctrl, &m)
		if rerr == nil && m.Kind == "denied" {
			if p.rec != nil {
				p.rec.Record(policy.Event{Time: time.Now(), Action: policy.ActionDeny, Kind: policy.KindFilesystem,
					Op: "write", Path: m.Step, Reason: m.Error, Backend: "native"})
			}
			continue
		}
		if rerr != nil || m.Kind != "stopped" {
			break
		}
		select {
		case p.stopped <- syscall.Signal(m.Status.Signal):
		default:
		}
	}
	werr := p.cmd.Wait()
	unix.Close(p.ctrl)
	for _, l := range p.listeners {
		l.Close()
	}
	switch {
	case rerr == nil && m.Kind == "exit":
		p.status = m.Status
	case werr != nil:
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.status = Status{ExitCode: 128 + int(ws.Signal()), Signal: int(ws.Signal()), SigName: SignalName(ws.Signal())}
				p.err = fmt.Errorf("the sandbox was killed by %s", SignalName(ws.Signal()))
				break
			}
		}
		p.err = fmt.Errorf("the sandbox ended without a status: %v", werr)
	default:
		p.err = fmt.Errorf("the sandbox ended without a status")
	}
	close(p.done)
}

// Wait waits for the command and returns how it ended. An error means the sandbox itself failed or was
// killed (Kill), in which case Status says by which signal.
func (p *Process) Wait() (Status, error) {
	<-p.done
	return p.status, p.err
}

// diagnoseStart explains why the namespaces could not be created and what to do.
func diagnoseStart(err error) error {
	var why []string
	if b, e := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); e == nil && strings.TrimSpace(string(b)) == "0" {
		why = append(why, "kernel.unprivileged_userns_clone is 0 (enable it: sysctl -w kernel.unprivileged_userns_clone=1)")
	}
	if b, e := os.ReadFile("/proc/sys/user/max_user_namespaces"); e == nil && strings.TrimSpace(string(b)) == "0" {
		why = append(why, "user.max_user_namespaces is 0 (raise it: sysctl -w user.max_user_namespaces=15000)")
	}
	if b, e := os.ReadFile("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); e == nil && strings.TrimSpace(string(b)) == "1" {
		why = append(why, "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1); "+
			"allow srt with an AppArmor profile granting \"userns,\" or set the sysctl to 0")
	}
	if len(why) == 0 {
		why = append(why, "user namespaces may be blocked by a container runtime's seccomp profile or missing privileges "+
			"(in Docker: --security-opt seccomp=unconfined, or run srt outside the container); `srt doctor` shows what works")
	}
	return fmt.Errorf("cannot create the sandbox's namespaces: %v\n  %s\nsrt never runs a command unsandboxed; "+
		"`srt wasm` needs no kernel support", err, strings.Join(why, "\n  "))
}

// SignalName is "SIGKILL" for syscall.SIGKILL.
func SignalName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return fmt.Sprintf("SIG%d", int(s))
}

// Available reports whether the native sandbox can run here; Start diagnoses namespace failures itself.
func Available() error { return nil }
