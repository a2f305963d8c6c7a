package policy

import (
	"path/filepath"
	"strings"
)

// Files and directories that are write-protected wherever they appear, even inside allowWrite: a sandboxed
// process must not plant code that runs later outside the sandbox (shell start-up files, git hooks, editor
// and agent configuration). sandbox-runtime protects them only near the working directory; srt protects them
// at every depth.
var (
	protectedNames = []string{".gitconfig", ".gitmodules", ".bashrc", ".bash_profile", ".zshrc", ".zprofile",
		".profile", ".ripgreprc", ".mcp.json", ".vscode", ".idea"}
	protectedPairs = [][2]string{{".claude", "commands"}, {".claude", "agents"}, {".git", "hooks"}}
)

// ProtectedNames lists the mandatory write-protected names, for documentation and sandbox set-up.
func ProtectedNames(allowGitConfig bool) []string {
	out := append([]string(nil), protectedNames...)
	for _, p := range protectedPairs {
		out = append(out, p[0]+"/"+p[1])
	}
	if !allowGitConfig {
		out = append(out, ".git/config")
	}
	return out
}

func fsDecision(a Action, op, path, rule, reason string) Decision {
	return Decision{Action: a, Kind: KindFilesystem, Op: op, Path: path, Rule: rule, Reason: reason}
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir) && p[len(dir)] == filepath.Separator
}

// DecideRead decides a read of path, which must be absolute with symlinks already resolved. Reads are
// allowed except under denyRead.
func (p *Policy) DecideRead(path string) Decision {
	path = filepath.Clean(path)
	if p != nil {
		for _, d := range p.denyRead {
			if within(path, d) {
				return fsDecision(ActionDeny, "read", path, d, "matches filesystem.denyRead")
			}
		}
	}
	return fsDecision(ActionAllow, "read", path, "", "")
}

// DecideWrite decides creating, changing or removing path, which must be absolute with symlinks already
// resolved (for a file that does not exist yet: its parent resolved). Writes are allowed only under
// allowWrite, never under denyWrite, and never to a mandatory protected path.
func (p *Policy) DecideWrite(path string) Decision {
	path = filepath.Clean(path)
	if p == nil {
		return fsDecision(ActionDeny, "write", path, "", "no policy")
	}
	for _, d := range p.denyWrite {
		if within(path, d) {
			return fsDecision(ActionDeny, "write", path, d, "matches filesystem.denyWrite")
		}
	}
	root := ""
	for _, a := range p.allowWrite {
		if within(path, a) && len(a) > len(root) {
			root = a
		}
	}
	if root == "" {
		return fsDecision(ActionDeny, "write", path, "", "not in filesystem.allowWrite")
	}
	if rule := protectedRule(path, p.settings.Filesystem.AllowGitConfig); rule != "" {
		return fsDecision(ActionDeny, "write", path, rule, "mandatory protected path")
	}
	return fsDecision(ActionAllow, "write", path, root, "matches filesystem.allowWrite")
}

// protectedRule returns the protected name that path contains, or "". Comparison ignores case, so the rule
// also holds on case-insensitive filesystems.
func protectedRule(path string, allowGitConfig bool) string {
	parts := strings.Split(strings.ToLower(filepath.ToSlash(path)), "/")
	for i, c := range parts {
		for _, n := range protectedNames {
			if c == n {
				return n
			}
		}
		if i+1 < len(parts) {
			next := parts[i+1]
			for _, pr := range protectedPairs {
				if c == pr[0] && next == pr[1] {
					return pr[0] + "/" + pr[1]
				}
			}
			if !allowGitConfig && c == ".git" && next == "config" {
				return ".git/config"
			}
			// A submodule's git directory is .git/modules/NAME (NAME may contain slashes): its hooks and
			// config run outside the sandbox just the same.
			if c == ".git" && next == "modules" {
				for _, d := range parts[i+2:] {
					if d == "hooks" {
						return ".git/modules/*/hooks"
					}
					if d == "config" && !allowGitConfig {
						return ".git/modules/*/config"
					}
				}
			}
		}
	}
	return ""
}
