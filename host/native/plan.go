package native

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/srt-sandbox/srt/host/policy"
)

// PlanOptions says what to run and where.
type PlanOptions struct {
	Args   []string
	Env    []string // base environment; nil: os.Environ()
	Dir    string   // working directory; "": the current one
	TmpDir string   // an existing empty directory for TMPDIR ("": none)

	// MaxProtectedEntries bounds the directory entries examined while looking for existing protected paths
	// in each allowWrite tree (0: 50000).
	MaxProtectedEntries int
}

// DefaultSearchDepth is how deep below each allowWrite root existing protected paths are looked for when the
// settings do not say (sandbox-runtime's mandatoryDenySearchDepth default).
const DefaultSearchDepth = 3

// Plan turns the policy into a Config for Start. Notes describe where the mount layer is weaker than the
// policy (for example, protected paths beyond the search depth); they are for the user, not errors.
func Plan(pol *policy.Policy, opts PlanOptions) (*Config, []string, error) {
	if len(opts.Args) == 0 {
		return nil, nil, fmt.Errorf("no command")
	}
	s := pol.Settings()
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, fmt.Errorf("finding the working directory: %w", err)
		}
		dir = wd
	}
	cfg := &Config{
		Args:             opts.Args,
		Env:              Environ(env, opts.TmpDir),
		Dir:              dir,
		TmpDir:           opts.TmpDir,
		AllowUnixSockets: s.Network.AllowAllUnixSockets,
		Landlock:         true,
		Protected:        policy.ProtectedNames(s.Filesystem.AllowGitConfig),
		ProxyPorts:       []int{HTTPProxyPort, SOCKSProxyPort},

		AllowLocalBinding:    s.Network.AllowLocalBinding,
		AllowUnixSocketPaths: s.Network.AllowUnixSockets,
	}
	var notes []string
	if len(s.Network.AllowUnixSockets) > 0 && !s.Network.AllowAllUnixSockets && runtime.GOOS == "linux" {
		notes = append(notes, "network.allowUnixSockets (paths) applies on macOS only; on Linux every "+
			"socket(AF_UNIX) is denied unless network.allowAllUnixSockets is true")
	}
	// The policy expanded the paths once (home, working directory, symlinks); the mount plan uses exactly those.
	paths := pol.Paths()
	allow, denyW, denyR := paths.AllowWrite, paths.DenyWrite, paths.DenyRead
	for _, p := range allow {
		if _, err := os.Lstat(p); err != nil {
			notes = append(notes, fmt.Sprintf("allowWrite %s does not exist; nothing is mounted writable there", p))
			continue
		}
		cfg.Writable = append(cfg.Writable, p)
	}
	for _, p := range denyW {
		if _, err := os.Lstat(p); err == nil && insideAny(p, cfg.Writable) {
			cfg.ReadOnly = append(cfg.ReadOnly, p)
		}
	}
	depth := s.MandatoryDenySearchDepth
	if depth <= 0 {
		depth = DefaultSearchDepth
	}
	maxEntries := opts.MaxProtectedEntries
	if maxEntries <= 0 {
		maxEntries = 50000
	}
	for _, root := range cfg.Writable {
		found, truncated := findProtected(pol, root, depth, maxEntries)
		cfg.ReadOnly = append(cfg.ReadOnly, found...)
		if truncated {
			notes = append(notes, fmt.Sprintf("stopped looking for protected paths in %s after %d entries", root, maxEntries))
		}
	}
	for _, p := range denyR {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			continue // nothing to hide
		case fi.IsDir():
			cfg.HideDirs = append(cfg.HideDirs, p)
		default:
			cfg.HideFiles = append(cfg.HideFiles, p)
		}
	}
	for _, l := range []*[]string{&cfg.Writable, &cfg.ReadOnly, &cfg.HideDirs, &cfg.HideFiles} {
		*l = sortUnique(*l)
	}
	return cfg, notes, nil
}

// findProtected returns the existing paths below root, to depth levels, that the policy write-protects as
// mandatory protected paths (.bashrc, .git/hooks, …). It does not descend into them.
func findProtected(pol *policy.Policy, root string, depth, maxEntries int) (found []string, truncated bool) {
	if d := pol.DecideWrite(root); !d.Allowed() && d.Reason == "mandatory protected path" {
		return []string{root}, false
	}
	n := 0
	rootDepth := strings.Count(root, string(filepath.Separator))
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if n++; n > maxEntries {
			truncated = true
			return filepath.SkipAll
		}
		if p == root {
			return nil
		}
		if d.IsDir() && (p == "/proc" || p == "/sys" || p == "/dev") {
			return filepath.SkipDir // replaced or read-only in the sandbox; nothing of the user's
		}
		if dec := pol.DecideWrite(p); !dec.Allowed() && dec.Reason == "mandatory protected path" {
			found = append(found, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() && strings.Count(p, string(filepath.Separator))-rootDepth >= depth {
			// Below the search depth only a .git directory's own hooks and config are still looked at.
			if !strings.EqualFold(d.Name(), ".git") {
				return filepath.SkipDir
			}
		}
		return nil
	})
	return found, truncated
}

func insideAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || d == "/" || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// sortUnique sorts paths so that a parent comes before anything inside it, and drops duplicates.
func sortUnique(ps []string) []string {
	slices.SortFunc(ps, func(a, b string) int {
		if c := strings.Count(a, "/") - strings.Count(b, "/"); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(ps)
}
