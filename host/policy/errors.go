package policy

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// ErrDenied is matched (with errors.Is) by every error that reports a policy denial.
var ErrDenied = errors.New("denied by policy")

// DenialError describes one denied request. Kind is KindNetwork or KindFilesystem.
type DenialError struct {
	Kind   Kind
	Host   string // network
	Port   int    // network
	Path   string // filesystem
	Op     string // filesystem: "read", "write"
	Rule   string // the rule that decided, if any
	Reason string
}

func (e *DenialError) Error() string {
	if e.Kind == KindFilesystem {
		return fmt.Sprintf("%s %s blocked by filesystem policy (%s)", e.Op, e.Path, e.Reason)
	}
	return fmt.Sprintf("connection to %s blocked by network allowlist (%s)",
		net.JoinHostPort(e.Host, strconv.Itoa(e.Port)), e.Reason)
}

// Is reports whether target is ErrDenied.
func (e *DenialError) Is(target error) bool { return target == ErrDenied }
