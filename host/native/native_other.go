//go:build !linux && !darwin

package native

import (
	"fmt"
	"runtime"
	"syscall"
)

// Available reports whether the native sandbox can run here: not on this platform.
func Available() error {
	return fmt.Errorf("%w (%s): `srt wasm` runs Python and JavaScript sandboxed here", ErrUnsupported, runtime.GOOS)
}

// Process is never created on this platform.
type Process struct{}

// Start fails: there is no native sandbox on this platform, and srt never runs a command unsandboxed.
func Start(cfg *Config, stdio Stdio) (*Process, error) { return nil, Available() }

func (p *Process) Listeners() []Listener           { return nil }
func (p *Process) Stopped() <-chan syscall.Signal  { return nil }
func (p *Process) Notes() []string                 { return nil }
func (p *Process) Pid() int                        { return 0 }
func (p *Process) Signal(sig syscall.Signal) error { return Available() }
func (p *Process) Kill()                           {}
func (p *Process) Wait() (Status, error)           { return Status{}, Available() }

// Probe reports that only the WASM backend works here.
func Probe() Report {
	return Report{Backends: []Check{
		{Name: "native", OK: false, Detail: Available().Error()},
		{Name: "wasm", OK: true, Detail: "srt wasm needs no kernel support"},
	}}
}
