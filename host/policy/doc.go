// Package policy decides what sandboxed code may touch.
//
// Load a settings file, compile it, and ask:
//
//	s, warnings, err := policy.LoadFile(path)
//	p, err := policy.New(s)
//	d := p.DecideNetwork("example.com", 443)
//	if !d.Allowed() { return d.Err() }
//
// The settings format is that of Anthropic's sandbox-runtime (~/.srt-settings.json) plus srt's own "srt"
// section. Loading fails closed: an empty, unreadable or invalid file is an error that names the file and the
// dotted field, and keys that nobody defines are errors too, so a typo can never silently weaken a policy.
//
// The zero Policy denies everything. Decisions are values; callers turn them into audit events with
// [Decision.Event] and into errors with [Decision.Err]. Denials are reported as [*DenialError], which matches
// [ErrDenied] under errors.Is, and each boundary (errno for a guest, 403 for HTTP, a rule failure for SOCKS)
// maps them once.
//
// policy is a leaf: it imports the standard library only.
package policy
