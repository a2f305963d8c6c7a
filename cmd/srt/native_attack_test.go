//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srt-sandbox/srt/host/policy"
)

// TestNativeAttacks runs each script in testdata/attacks/native (see its README.md) in the sandbox and
// checks that every attempt was blocked and that the host's files show it.
func TestNativeAttacks(t *testing.T) {
	needSandbox(t)
	needTool(t, "perl")
	dir, err := filepath.Abs("../../testdata/attacks/native")
	if err != nil {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.sh"))
	if len(scripts) < 10 {
		t.Fatalf("found %d attack scripts in %s", len(scripts), dir)
	}
	for _, script := range scripts {
		if filepath.Base(script) == "lib.sh" {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(script), ".sh"), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			before := snapshot(t, f.root)
			r := srtRun{dir: f.work, settings: f.settings(false), env: []string{
				"ATTACKS=" + dir, "OUTSIDE=" + f.outside, "HIDDEN=" + f.hidden,
			}}.run(t, "--timeout", "60s", "bash", script)
			rule := ""
			if b, err := os.ReadFile(script); err == nil {
				rule, _, _ = strings.Cut(strings.TrimPrefix(string(b), "# rule: "), "\n")
			}
			if r.code != 0 || strings.Contains(r.stdout, "ESCAPED") || !strings.HasSuffix(r.stdout, "blocked\n") {
				t.Errorf("rule %q broken:\n%s", rule, r)
			}
			if strings.Contains(r.stdout+r.stderr, "SECRET-") {
				t.Errorf("denyRead content disclosed:\n%s", r)
			}
			pol, err := policy.New(&policy.Settings{Filesystem: policy.FilesystemSettings{
				AllowWrite: []string{f.work}, DenyWrite: []string{filepath.Join(f.work, "secrets")},
			}}, policy.Env{WorkDir: f.work})
			if err != nil {
				t.Fatal(err)
			}
			after := snapshot(t, f.root)
			for p, v := range after {
				old, existed := before[p]
				if existed && old == v || p == filepath.Join(f.work, ".git/index") {
					continue
				}
				if d := pol.DecideWrite(p); !d.Allowed() {
					t.Errorf("%s changed on the host (%q → %q), which the policy denies: %s", p, old, v, d)
				}
			}
			for p := range before {
				if _, ok := after[p]; !ok {
					if d := pol.DecideWrite(p); !d.Allowed() {
						t.Errorf("%s was removed on the host, which the policy denies: %s", p, d)
					}
				}
			}
		})
	}
}
