//go:build !windows

package host

import (
	"os"
	"syscall"
)

// forwardSignals are passed on to the sandboxed command.
var forwardSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
