package native

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// Available reports whether the native sandbox can run here.
func Available() error {
	if _, err := os.Stat("/usr/bin/sandbox-exec"); err != nil {
		return fmt.Errorf("%w: /usr/bin/sandbox-exec is missing", ErrUnsupported)
	}
	return nil
}

// Process is a running sandbox-exec.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	st   Status
	err  error
}

// Start runs cfg.Args under sandbox-exec with the profile DarwinProfile generates. The command reaches
// srt's proxies directly at cfg.HostHTTPPort and cfg.HostSOCKSPort.
func Start(cfg *Config, stdio Stdio) (*Process, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	env := EnvironPorts(cfg.Env, cfg.TmpDir, cfg.HostHTTPPort, cfg.HostSOCKSPort)
	cmd := exec.Command("/usr/bin/sandbox-exec", append([]string{"-p", DarwinProfile(cfg), "--"}, cfg.Args...)...)
	cmd.Env, cmd.Dir = env, cfg.Dir
	if stdio.Stdin != nil {
		cmd.Stdin = stdio.Stdin
	}
	if stdio.Stdout != nil {
		cmd.Stdout = stdio.Stdout
	}
	if stdio.Stderr != nil {
		cmd.Stderr = stdio.Stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting sandbox-exec: %w", err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.st = Status{ExitCode: 128 + int(ws.Signal()), Signal: int(ws.Signal()), SigName: SignalName(ws.Signal())}
			} else {
				p.st = Status{ExitCode: ee.ExitCode()}
			}
		default:
			p.err = err
		}
		// Nothing the command started survives it.
		unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
		close(p.done)
	}()
	return p, nil
}

// Stopped never receives on macOS: sandbox-exec's command is srt's own child in srt's process group.
func (p *Process) Stopped() <-chan syscall.Signal { return nil }

// Listeners is empty on macOS: the command connects to the proxies directly.
func (p *Process) Listeners() []Listener { return nil }

// Notes are remarks about the run.
func (p *Process) Notes() []string { return nil }

// Pid is the sandboxed process.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal forwards sig to the command.
func (p *Process) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill kills the command's process group.
func (p *Process) Kill() { unix.Kill(-p.cmd.Process.Pid, unix.SIGKILL) }

// Wait returns how the command ended.
func (p *Process) Wait() (Status, error) {
	<-p.done
	return p.st, p.err
}

// Probe reports what macOS offers.
func Probe() Report {
	ok := Available() == nil
	d := "/usr/bin/sandbox-exec runs commands under a generated deny-by-default profile"
	if !ok {
		d = "/usr/bin/sandbox-exec is missing"
	}
	return Report{
		Checks:   []Check{{Name: "sandbox-exec", OK: ok, Detail: d}},
		Backends: []Check{{Name: "native", OK: ok, Detail: d}, {Name: "wasm", OK: true, Detail: "srt wasm needs no kernel support"}},
	}
}
