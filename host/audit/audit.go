// Package audit writes srt's audit log: every policy decision as a structured event.
//
//	log, err := audit.Open(audit.Options{Debug: os.Stderr, File: "/var/log/srt.jsonl"})
//	defer log.Close()
//	gate := proxy.NewGate(pol, proxy.GateOptions{Recorder: log})
//
// Debug output is human-readable text, one line per event; the file gets JSON lines with the fields time,
// action (allow|deny), kind (network|filesystem), host, port, path, op, rule, reason and backend. Both use
// log/slog. A Log with neither destination drops events cheaply.
package audit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/srt-sandbox/srt/host/policy"
)

// Options says where events go. Empty fields are off.
type Options struct {
	Debug io.Writer // human-readable lines, e.g. os.Stderr for --debug
	File  string    // JSON lines, appended
}

// Log records policy events. It implements policy.Recorder and is safe for concurrent use.
type Log struct {
	handlers []slog.Handler
	file     *os.File
}

// Open opens the destinations in opts. The file is created with mode 0600 if it does not exist.
func Open(opts Options) (*Log, error) {
	l := &Log{}
	if opts.Debug != nil {
		l.handlers = append(l.handlers, slog.NewTextHandler(prefixWriter{opts.Debug}, &slog.HandlerOptions{
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				switch a.Key {
				case slog.TimeKey:
					return slog.Attr{} // the terminal does not need it; the file has it
				case slog.LevelKey, slog.MessageKey:
					return slog.Attr{}
				}
				return a
			},
		}))
	}
	if opts.File != "" {
		f, err := os.OpenFile(opts.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("opening log file %q: %w", opts.File, err)
		}
		l.file = f
		l.handlers = append(l.handlers, slog.NewJSONHandler(f, &slog.HandlerOptions{
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.LevelKey || a.Key == slog.MessageKey {
					return slog.Attr{}
				}
				return a
			},
		}))
	}
	return l, nil
}

// Enabled reports whether events go anywhere.
func (l *Log) Enabled() bool { return l != nil && len(l.handlers) > 0 }

// Record writes e to every destination.
func (l *Log) Record(e policy.Event) {
	if !l.Enabled() {
		return
	}
	r := slog.NewRecord(e.Time, slog.LevelInfo, "decision", 0)
	r.AddAttrs(e.Attrs()...)
	for _, h := range l.handlers {
		_ = h.Handle(context.Background(), r.Clone())
	}
}

// Close closes the log file, if any.
func (l *Log) Close() error {
	if l == nil || l.file == nil {
		return nil
	}
	return l.file.Close()
}

// prefixWriter starts each line (the text handler writes one line per call) with "srt: ".
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := p.w.Write(append([]byte("srt: "), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}
