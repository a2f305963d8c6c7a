//go:build !linux

package host

import (
	"os"
	"syscall"

	"github.com/srt-sandbox/srt/host/native"
	"github.com/srt-sandbox/srt/host/policy"
)

type limitState struct{ notes []string }

// applyLimits: without Linux cgroups or the in-sandbox exec stage, memory and process limits are not
// enforced; the note says so.
func applyLimits(cfg *native.Config, l policy.Limits) (*limitState, error) {
	st := &limitState{}
	if l.Memory > 0 {
		st.notes = append(st.notes, "--memory is not enforced on this platform")
	}
	if l.Pids > 0 {
		st.notes = append(st.notes, "--pids is not enforced on this platform")
	}
	return st, nil
}

func (st *limitState) Close() {}

func restoreTerminal(stdin *os.File) {}

func suspend(stdin *os.File, p *native.Process, sig syscall.Signal) {}
