package policy

import (
	"log/slog"
	"time"
)

// Kind says what a decision was about.
type Kind string

const (
	KindNetwork    Kind = "network"
	KindFilesystem Kind = "filesystem"
)

// Action is the outcome of a decision.
type Action string

const (
	ActionAllow Action = "allow"
	ActionDeny  Action = "deny"
)

// Event is one audited decision. Backend names who asked ("http-proxy", "socks-proxy", "wasm-python", …).
type Event struct {
	Time    time.Time
	Action  Action
	Kind    Kind
	Host    string
	Port    int
	Path    string
	Op      string
	Rule    string
	Reason  string
	Backend string
}

// Attrs returns the event's fields as slog attributes, omitting empty ones. Time is left to the handler.
func (e Event) Attrs() []slog.Attr {
	a := []slog.Attr{slog.String("action", string(e.Action)), slog.String("kind", string(e.Kind))}
	if e.Host != "" {
		a = append(a, slog.String("host", e.Host), slog.Int("port", e.Port))
	}
	if e.Path != "" {
		a = append(a, slog.String("path", e.Path))
	}
	if e.Op != "" {
		a = append(a, slog.String("op", e.Op))
	}
	if e.Rule != "" {
		a = append(a, slog.String("rule", e.Rule))
	}
	if e.Reason != "" {
		a = append(a, slog.String("reason", e.Reason))
	}
	if e.Backend != "" {
		a = append(a, slog.String("backend", e.Backend))
	}
	return a
}

// Recorder receives audit events. Implementations must be safe for concurrent use.
type Recorder interface {
	Record(Event)
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(Event)

// Record calls f(e).
func (f RecorderFunc) Record(e Event) { f(e) }

// Discard is a Recorder that drops every event.
var Discard Recorder = RecorderFunc(func(Event) {})
