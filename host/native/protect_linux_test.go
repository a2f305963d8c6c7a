package native

import (
	"testing"

	"github.com/srt-sandbox/srt/host/policy"
)

func TestProtectedPath(t *testing.T) {
	p := &protector{writable: []string{"/w", "/tmp/out"}}
	for _, n := range policy.ProtectedNames(false) {
		if a, b, ok := cutSlash(n); ok {
			p.pairs = append(p.pairs, [2]string{a, b})
		} else {
			p.names = append(p.names, n)
		}
	}
	tests := []struct {
		path string
		move bool
		want bool
	}{
		{"/w/.bashrc", false, true},
		{"/w/a/b/c/d/e/f/.zshrc", false, true},
		{"/w/.BashRC", false, true},
		{"/w/.git/hooks", false, true},
		{"/w/.git/hooks/pre-commit", false, true},
		{"/w/.git/config", false, true},
		{"/w/.git/index", false, false},
		{"/w/.git/config.lock", false, false},
		{"/w/.git/modules/m/hooks", false, true},
		{"/w/.git/modules/m/config", false, true},
		{"/w/.claude/commands", false, true},
		{"/w/.claude/settings.json", false, false},
		{"/w/.git", false, false},
		{"/w/.git", true, true},
		{"/w/sub/.claude", true, true},
		{"/w/.gitignore", true, false},
		{"/w/main.go", false, false},
		{"/w/hooks", false, false},
		{"/elsewhere/.bashrc", false, false}, // outside the writable trees the mounts already deny it
		{"/tmp/out/x/.mcp.json", false, true},
	}
	for _, tt := range tests {
		if got := p.protectedPath(tt.path, tt.move); got != tt.want {
			t.Errorf("protectedPath(%q, move=%v) = %v, want %v", tt.path, tt.move, got, tt.want)
		}
	}
}

func cutSlash(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func TestSeccompPolicyAssembles(t *testing.T) {
	for _, allow := range []bool{false, true} {
		pol, err := seccompPolicy(allow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pol.Assemble(); err != nil {
			t.Errorf("seccompPolicy(%v).Assemble: %v", allow, err)
		}
	}
}
