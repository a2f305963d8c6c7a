//go:build !windows

package main

import (
	"os"
	"syscall"
)

// reloadSignals are the signals that make `srt proxy` reload its settings.
var reloadSignals = []os.Signal{syscall.SIGHUP}

func isReload(s os.Signal) bool { return s == syscall.SIGHUP }
