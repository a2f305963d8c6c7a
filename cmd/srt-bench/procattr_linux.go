package main

import (
	"os/exec"
	"syscall"
)

// setProcAttr has the kernel send the child SIGTERM if srt-bench dies without stopping it.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
