//go:build !linux

package native

import (
	"net"
	"os"
	"syscall"
)

// Stdio are the command's standard files. A nil field is /dev/null.
type Stdio struct {
	Stdin, Stdout, Stderr *os.File
}

// Listener is a listening socket inside the sandbox (Linux only).
type Listener struct {
	Port int
	net.Listener
}

// Init is the Linux sandbox's PID 1; elsewhere it fails.
func Init() int {
	os.Stderr.WriteString("srt: " + InitCommand + " exists only on Linux\n")
	return 1
}

// ExecMain is Linux-only.
func ExecMain(args []string) int { return Init() }

// SignalName is "SIGKILL" for syscall.SIGKILL.
func SignalName(s syscall.Signal) string { return "SIG" + s.String() }
