package native

import (
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Messages on the control socket (SOCK_SEQPACKET: one message per sendmsg).
//
//	outer → inner: Config
//	inner → outer: message{Kind: "ready", Notes} with the listener fds, or message{Kind: "error"}
//	inner → outer: message{Kind: "exit", Status}
type message struct {
	Kind   string   `json:"kind"`
	Step   string   `json:"step,omitempty"`
	Error  string   `json:"error,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	Status Status   `json:"status"`
}

const maxMessage = 1 << 20

func sendJSON(fd int, v any, fds []int) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	return unix.Sendmsg(fd, b, oob, nil, 0)
}

func recvJSON(fd int, v any) (fds []int, err error) {
	buf := make([]byte, maxMessage)
	oob := make([]byte, unix.CmsgSpace(16*4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("control socket closed")
		}
		if oobn > 0 {
			msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
			if err != nil {
				return nil, fmt.Errorf("parsing control message: %w", err)
			}
			for _, m := range msgs {
				got, err := unix.ParseUnixRights(&m)
				if err == nil {
					fds = append(fds, got...)
				}
			}
		}
		if err := json.Unmarshal(buf[:n], v); err != nil {
			for _, f := range fds {
				unix.Close(f)
			}
			return nil, fmt.Errorf("decoding message: %w", err)
		}
		return fds, nil
	}
}

// fdFile wraps fd for os/exec and friends.
func fdFile(fd int, name string) *os.File { return os.NewFile(uintptr(fd), name) }
