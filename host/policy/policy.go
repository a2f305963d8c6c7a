package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Policy is a compiled Settings. It is immutable and safe for concurrent use. The zero Policy, and a nil
// *Policy, deny every network request and every write.
type Policy struct {
	settings Settings
	allowed  []Pattern
	denied   []Pattern

	denyRead   []string // absolute, cleaned, symlinks resolved
	allowWrite []string
	denyWrite  []string
}

// Env supplies what path expansion needs. A zero field means the current process's value.
type Env struct {
	Home    string // for "~"
	WorkDir string // relative paths resolve against it
}

// New compiles s. Paths are expanded ("~" to Env.Home, relative paths against Env.WorkDir) and symlinks in
// their existing prefix resolved, so that a rule names the file the kernel will open.
func New(s *Settings, env Env) (*Policy, error) {
	if s == nil {
		s = &Settings{}
	}
	if env.Home == "" {
		env.Home, _ = os.UserHomeDir()
	}
	if env.WorkDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
		env.WorkDir = wd
	}
	p := &Policy{settings: *s}
	for i, raw := range s.Network.AllowedDomains {
		pat, err := ParsePattern(raw)
		if err != nil {
			return nil, fmt.Errorf("network.allowedDomains.%d: %w", i, err)
		}
		p.allowed = append(p.allowed, pat)
	}
	for i, raw := range s.Network.DeniedDomains {
		pat, err := ParsePattern(raw)
		if err != nil {
			return nil, fmt.Errorf("network.deniedDomains.%d: %w", i, err)
		}
		p.denied = append(p.denied, pat)
	}
	var err error
	if p.denyRead, err = expandAll("filesystem.denyRead", s.Filesystem.DenyRead, env); err != nil {
		return nil, err
	}
	if p.allowWrite, err = expandAll("filesystem.allowWrite", s.Filesystem.AllowWrite, env); err != nil {
		return nil, err
	}
	if p.denyWrite, err = expandAll("filesystem.denyWrite", s.Filesystem.DenyWrite, env); err != nil {
		return nil, err
	}
	return p, nil
}

// Settings returns a copy of the settings the policy was compiled from.
func (p *Policy) Settings() Settings {
	if p == nil {
		return Settings{}
	}
	return p.settings
}

func expandAll(field string, paths []string, env Env) ([]string, error) {
	out := make([]string, 0, len(paths))
	for i, raw := range paths {
		abs, err := ExpandPath(raw, env)
		if err != nil {
			return nil, fmt.Errorf("%s.%d: %w", field, i, err)
		}
		out = append(out, abs)
	}
	return out, nil
}

// ExpandPath makes raw absolute: "~" and "~/…" expand to env.Home, relative paths resolve against
// env.WorkDir, and symlinks in the longest existing prefix are resolved.
func ExpandPath(raw string, env Env) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", fmt.Errorf("Path cannot be empty")
	}
	p := raw
	if p == "~" || strings.HasPrefix(p, "~/") {
		if env.Home == "" {
			return "", fmt.Errorf("cannot expand %q: no home directory", raw)
		}
		p = filepath.Join(env.Home, p[1:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(env.WorkDir, p)
	}
	return ResolveExisting(filepath.Clean(p)), nil
}

// ResolveExisting resolves symlinks in the longest prefix of the absolute path p that exists and appends the
// rest unchanged.
func ResolveExisting(p string) string {
	rest := ""
	cur := p
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// FilesystemPaths are the filesystem rules with every path expanded: absolute, "~" replaced, symlinks in the
// existing prefix resolved. Enforcers (mount tables, sandbox profiles) use these rather than expanding the
// raw settings again, so that one expansion decides.
type FilesystemPaths struct {
	DenyRead   []string
	AllowWrite []string
	DenyWrite  []string
}

// Paths returns copies of the expanded filesystem rules. A nil Policy has none.
func (p *Policy) Paths() FilesystemPaths {
	if p == nil {
		return FilesystemPaths{}
	}
	return FilesystemPaths{
		DenyRead:   append([]string(nil), p.denyRead...),
		AllowWrite: append([]string(nil), p.allowWrite...),
		DenyWrite:  append([]string(nil), p.denyWrite...),
	}
}
