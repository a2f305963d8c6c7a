package host

import (
	"fmt"
	"io"
	"sync"
)

// OutputLimit caps the bytes a sandboxed run may write to stdout and stderr together. Output beyond the cap
// is dropped, and one notice ("srt: output truncated …") goes to the real stderr. The zero cap means no
// limit.
//
//	lim := host.NewOutputLimit(max, os.Stdout, os.Stderr)
//	cmd.Stdout, cmd.Stderr = lim.Stdout(), lim.Stderr()
type OutputLimit struct {
	mu        sync.Mutex
	left      int64
	unlimited bool
	truncated bool
	stdout    io.Writer
	stderr    io.Writer
	max       int64
}

// NewOutputLimit returns a limit of max bytes (0: unlimited) shared by stdout and stderr.
func NewOutputLimit(max int64, stdout, stderr io.Writer) *OutputLimit {
	return &OutputLimit{left: max, unlimited: max <= 0, stdout: stdout, stderr: stderr, max: max}
}

// Stdout returns the writer for the run's standard output.
func (o *OutputLimit) Stdout() io.Writer { return limitedWriter{o, o.stdout} }

// Stderr returns the writer for the run's standard error.
func (o *OutputLimit) Stderr() io.Writer { return limitedWriter{o, o.stderr} }

// Truncated reports whether output was dropped.
func (o *OutputLimit) Truncated() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.truncated
}

type limitedWriter struct {
	o *OutputLimit
	w io.Writer
}

// Write always reports len(p) written, so that a program writing past the cap is not disturbed by errors;
// the excess is dropped.
func (l limitedWriter) Write(p []byte) (int, error) {
	o := l.o
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.unlimited {
		return l.w.Write(p)
	}
	n := int64(len(p))
	if n > o.left {
		n = o.left
	}
	if n > 0 {
		if _, err := l.w.Write(p[:n]); err != nil {
			return 0, err
		}
		o.left -= n
	}
	if n < int64(len(p)) && !o.truncated {
		o.truncated = true
		fmt.Fprintf(o.stderr, "\nsrt: output truncated (limit %d bytes; --max-output)\n", o.max)
	}
	return len(p), nil
}
