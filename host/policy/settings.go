package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultFileName is the settings file looked up in the user's home directory.
const DefaultFileName = ".srt-settings.json"

// Settings is the content of a settings file. The zero value is the built-in default: no network, no writes,
// reads allowed.
type Settings struct {
	Network                   NetworkSettings
	Filesystem                FilesystemSettings
	MandatoryDenySearchDepth  int // accepted for compatibility; srt protects mandatory paths at every depth
	DangerouslyDisableSandbox bool
	Srt                       Extension

	// File is the file the settings came from; empty for the built-in default.
	File string
}

// NetworkSettings is the "network" section.
type NetworkSettings struct {
	AllowedDomains      []string
	DeniedDomains       []string
	AllowUnixSockets    []string
	AllowAllUnixSockets bool
	AllowLocalBinding   bool
	HTTPProxyPort       int // 0: start srt's own HTTP proxy
	SOCKSProxyPort      int // 0: start srt's own SOCKS5 proxy
}

// FilesystemSettings is the "filesystem" section.
type FilesystemSettings struct {
	DenyRead       []string
	AllowWrite     []string
	DenyWrite      []string
	AllowGitConfig bool
}

// Extension is srt's own "srt" section, which sandbox-runtime does not have.
type Extension struct {
	Limits Limits
}

// Limits bounds a sandboxed run. Zero means no limit.
type Limits struct {
	Timeout   time.Duration // wall clock ("30s", "2m")
	Memory    int64         // bytes ("512MiB")
	MaxOutput int64         // bytes of stdout+stderr ("10MiB")
	Pids      int           // processes (native sandbox)
}

// SettingsError reports why a settings file was rejected.
type SettingsError struct {
	File     string
	Problems []Problem
}

// Problem is one invalid field. Field is dotted, e.g. "network.allowedDomains.0".
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

func (e *SettingsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid settings file %q:", e.File)
	if len(e.Problems) == 1 {
		b.WriteString(" " + e.Problems[0].String())
		return b.String()
	}
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// DefaultPath returns ~/.srt-settings.json.
func DefaultPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the default settings file: %w", err)
	}
	return filepath.Join(home, DefaultFileName), nil
}

// LoadDefault loads ~/.srt-settings.json. A missing file yields the built-in default; a file that exists but
// cannot be read or is invalid is an error.
func LoadDefault() (*Settings, []string, error) {
	path, err := DefaultPath()
	if err != nil {
		return nil, nil, err
	}
	s, warnings, err := LoadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Settings{}, nil, nil
	}
	return s, warnings, err
}

// LoadFile loads and validates the settings file at path. Any failure, including a missing file, is an error.
// Warnings name keys that sandbox-runtime defines and srt accepts without acting on.
func LoadFile(path string) (*Settings, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("loading settings %q: %w", path, err)
	}
	return Parse(path, data)
}

// Parse validates the settings in data; name is used in errors.
func Parse(name string, data []byte) (*Settings, []string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &SettingsError{File: name, Problems: []Problem{{Message: "file is empty"}}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, nil, &SettingsError{File: name, Problems: []Problem{{Message: "not valid JSON: " + jsonErrorText(data, err)}}}
	}
	// Not dec.More: it reports false when the next byte is '}' or ']', so "{...}}" would pass.
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, nil, &SettingsError{File: name, Problems: []Problem{{Message: "not valid JSON: unexpected data after the top-level object"}}}
	}
	v := &validator{}
	s := v.settings(root)
	if len(v.problems) > 0 {
		return nil, v.warnings, &SettingsError{File: name, Problems: v.problems}
	}
	s.File = name
	return s, v.warnings, nil
}

func jsonErrorText(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("%v (line %d)", se, line)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of file"
	}
	return err.Error()
}

// unimplemented are keys sandbox-runtime defines that srt accepts with a warning.
var unimplemented = map[string]string{
	"ignoreViolations":             "srt reports every violation",
	"enableWeakerNestedSandbox":    "srt has no weaker nested mode",
	"enableWeakerNetworkIsolation": "srt has no weaker network mode",
	"ripgrep":                      "srt does not use ripgrep",
	"allowPty":                     "srt passes a terminal through when there is one",
	"seccomp":                      "srt builds its own seccomp filter",
	"network.mitmProxy":            "srt does not chain a MITM proxy",
}

type validator struct {
	problems []Problem
	warnings []string
}

func (v *validator) fail(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func typeName(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", x)
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// object checks that x is an object whose keys are all known; it returns the object.
func (v *validator) object(field string, x any, known ...string) map[string]any {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(field, "Expected object, received %s", typeName(x))
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := join(field, k)
		if why, ok := unimplemented[f]; ok {
			v.warnings = append(v.warnings, fmt.Sprintf("settings: %s is accepted but not implemented (%s)", f, why))
			delete(m, k)
			continue
		}
		found := false
		for _, kk := range known {
			if k == kk {
				found = true
				break
			}
		}
		if !found {
			v.fail(f, "Unknown key %q (a misspelt key could silently weaken a policy)", k)
		}
	}
	return m
}

func (v *validator) required(field string, m map[string]any, key string) (any, bool) {
	x, ok := m[key]
	if !ok {
		v.fail(join(field, key), "Required")
	}
	return x, ok
}

func (v *validator) boolean(field string, x any) bool {
	b, ok := x.(bool)
	if !ok {
		v.fail(field, "Expected boolean, received %s", typeName(x))
	}
	return b
}

func (v *validator) integer(field string, x any, lo, hi int64) int64 {
	n, ok := x.(json.Number)
	if !ok {
		v.fail(field, "Expected number, received %s", typeName(x))
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		v.fail(field, "Expected integer, received %s", n)
		return 0
	}
	if i < lo || i > hi {
		v.fail(field, "Number must be between %d and %d", lo, hi)
		return 0
	}
	return i
}

func (v *validator) strings(field string, x any, check func(field, s string)) []string {
	arr, ok := x.([]any)
	if !ok {
		v.fail(field, "Expected array, received %s", typeName(x))
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		f := fmt.Sprintf("%s.%d", field, i)
		s, ok := e.(string)
		if !ok {
			v.fail(f, "Expected string, received %s", typeName(e))
			continue
		}
		if check != nil {
			check(f, s)
		}
		out = append(out, s)
	}
	return out
}

func (v *validator) domain(field, s string) {
	if _, err := ParsePattern(s); err != nil {
		v.fail(field, "%v", err)
	}
}

func (v *validator) path(field, s string) {
	if strings.TrimSpace(s) == "" {
		v.fail(field, "Path cannot be empty")
		return
	}
	if strings.ContainsRune(s, 0) {
		v.fail(field, "Path contains a NUL byte")
		return
	}
	if strings.ContainsAny(s, "*?[") {
		v.fail(field, "Glob patterns are not supported (srt would not enforce them); list the paths instead")
	}
}

func (v *validator) settings(root any) *Settings {
	s := &Settings{}
	m := v.object("", root, "network", "filesystem", "mandatoryDenySearchDepth", "dangerouslyDisableSandbox", "srt")
	if m == nil {
		return s
	}
	if x, ok := v.required("", m, "network"); ok {
		n := v.object("network", x, "allowedDomains", "deniedDomains", "allowUnixSockets", "allowAllUnixSockets",
			"allowLocalBinding", "httpProxyPort", "socksProxyPort")
		if n != nil {
			if x, ok := v.required("network", n, "allowedDomains"); ok {
				s.Network.AllowedDomains = v.strings("network.allowedDomains", x, v.domain)
			}
			if x, ok := v.required("network", n, "deniedDomains"); ok {
				s.Network.DeniedDomains = v.strings("network.deniedDomains", x, v.domain)
			}
			if x, ok := n["allowUnixSockets"]; ok {
				s.Network.AllowUnixSockets = v.strings("network.allowUnixSockets", x, v.path)
			}
			if x, ok := n["allowAllUnixSockets"]; ok {
				s.Network.AllowAllUnixSockets = v.boolean("network.allowAllUnixSockets", x)
			}
			if x, ok := n["allowLocalBinding"]; ok {
				s.Network.AllowLocalBinding = v.boolean("network.allowLocalBinding", x)
			}
			if x, ok := n["httpProxyPort"]; ok {
				s.Network.HTTPProxyPort = int(v.integer("network.httpProxyPort", x, 1, 65535))
			}
			if x, ok := n["socksProxyPort"]; ok {
				s.Network.SOCKSProxyPort = int(v.integer("network.socksProxyPort", x, 1, 65535))
			}
		}
	}
	if x, ok := v.required("", m, "filesystem"); ok {
		f := v.object("filesystem", x, "denyRead", "allowWrite", "denyWrite", "allowGitConfig")
		if f != nil {
			if x, ok := v.required("filesystem", f, "denyRead"); ok {
				s.Filesystem.DenyRead = v.strings("filesystem.denyRead", x, v.path)
			}
			if x, ok := v.required("filesystem", f, "allowWrite"); ok {
				s.Filesystem.AllowWrite = v.strings("filesystem.allowWrite", x, v.path)
			}
			if x, ok := v.required("filesystem", f, "denyWrite"); ok {
				s.Filesystem.DenyWrite = v.strings("filesystem.denyWrite", x, v.path)
			}
			if x, ok := f["allowGitConfig"]; ok {
				s.Filesystem.AllowGitConfig = v.boolean("filesystem.allowGitConfig", x)
			}
		}
	}
	if x, ok := m["mandatoryDenySearchDepth"]; ok {
		s.MandatoryDenySearchDepth = int(v.integer("mandatoryDenySearchDepth", x, 1, 10))
	}
	if x, ok := m["dangerouslyDisableSandbox"]; ok {
		s.DangerouslyDisableSandbox = v.boolean("dangerouslyDisableSandbox", x)
	}
	if x, ok := m["srt"]; ok {
		e := v.object("srt", x, "limits")
		if e != nil {
			if x, ok := e["limits"]; ok {
				s.Srt.Limits = v.limits("srt.limits", x)
			}
		}
	}
	return s
}

func (v *validator) limits(field string, x any) Limits {
	var l Limits
	m := v.object(field, x, "timeout", "memory", "maxOutput", "pids")
	if m == nil {
		return l
	}
	if x, ok := m["timeout"]; ok {
		f := join(field, "timeout")
		if s, ok := x.(string); !ok {
			v.fail(f, "Expected a duration string such as \"30s\", received %s", typeName(x))
		} else if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			v.fail(f, "Invalid duration %q (use e.g. \"30s\", \"2m\")", s)
		} else {
			l.Timeout = d
		}
	}
	for _, k := range []struct {
		key string
		dst *int64
	}{{"memory", &l.Memory}, {"maxOutput", &l.MaxOutput}} {
		x, ok := m[k.key]
		if !ok {
			continue
		}
		f := join(field, k.key)
		if s, ok := x.(string); !ok {
			v.fail(f, "Expected a size string such as \"512MiB\", received %s", typeName(x))
		} else if n, err := ParseSize(s); err != nil || n <= 0 {
			v.fail(f, "Invalid size %q (use e.g. \"512MiB\", \"1GiB\", \"65536\")", s)
		} else {
			*k.dst = n
		}
	}
	if x, ok := m["pids"]; ok {
		l.Pids = int(v.integer(join(field, "pids"), x, 1, 1<<22))
	}
	return l
}

// ParseSize parses a byte size: a decimal number with an optional unit B, K/KB/KiB, M/MB/MiB, G/GB/GiB
// (all units are powers of 1024).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && '0' <= t[i] && t[i] <= '9' {
		i++
	}
	if i == 0 || i > 15 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	var n int64
	for _, c := range t[:i] {
		n = n*10 + int64(c-'0')
	}
	mult := map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
		"mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}[strings.ToLower(strings.TrimSpace(t[i:]))]
	if mult == 0 {
		return 0, fmt.Errorf("invalid size unit in %q", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q too large", s)
	}
	return n * mult, nil
}
