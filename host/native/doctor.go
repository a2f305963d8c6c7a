package native

// Check is one line of `srt doctor`.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// Report is what this machine supports for sandboxing, and which backends work.
type Report struct {
	Checks   []Check
	Backends []Check
}
