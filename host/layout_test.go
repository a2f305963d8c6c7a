package host_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/srt-sandbox/srt"

// deps returns, for every package of the module, the module packages and wazero packages it depends on
// (transitively, as `go list -deps` sees them; tests excluded).
func deps(t *testing.T) map[string][]string { return list(t, "Deps") }

// imports is like deps with direct imports only.
func imports(t *testing.T) map[string][]string { return list(t, "Imports") }

func list(t *testing.T, field string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .`+field+`}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module+"/")
		var ds []string
		for _, d := range f[1:] {
			switch {
			case strings.HasPrefix(d, module+"/"):
				ds = append(ds, strings.TrimPrefix(d, module+"/"))
			case strings.Contains(strings.SplitN(d, "/", 2)[0], "."):
				ds = append(ds, d) // a third-party package
			}
		}
		m[pkg] = ds
	}
	return m
}

func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// TestImportRules enforces the dependency direction in DEVELOPERS.md:
// cmd/srt → host → {runtimes, wasi, proxy, host/native} → host/policy, with host/policy a leaf (standard
// library only), wasi and proxy never importing each other, and wazero imported only under wasi/ (and by
// developer tools under runtimes/*/internal/).
func TestImportRules(t *testing.T) {
	all := deps(t)
	if _, ok := all["host/policy"]; !ok {
		t.Fatal("host/policy not found by go list")
	}
	for pkg, ds := range all {
		for _, d := range ds {
			var why string
			switch {
			case pkg == "host/policy":
				why = "host/policy is a leaf: standard library only"
			case under(d, "cmd"):
				why = "nothing imports a command"
			case under(pkg, "proxy") && !under(d, "proxy") && d != "host/policy" && strings.HasPrefix(d, "host"):
				why = "proxy may use only host/policy from host/"
			case under(pkg, "proxy") && (under(d, "wasi") || under(d, "runtimes")):
				why = "proxy and wasi never import each other; proxy does not embed runtimes"
			case under(pkg, "wasi") && (under(d, "proxy") || under(d, "cmd") || strings.HasPrefix(d, "host") && d != "host/policy"):
				why = "wasi may use only host/policy (and wazero)"
			case under(pkg, "runtimes") && (under(d, "proxy") || under(d, "wasi") || strings.HasPrefix(d, "host") && d != "host/policy"):
				why = "runtimes are leaves below host"
			case under(pkg, "host/native") && !under(d, "host/native") && d != "host/policy" &&
				(strings.HasPrefix(d, "host") || under(d, "wasi") || under(d, "proxy") || under(d, "runtimes")):
				why = "host/native may use only host/policy"
			}
			if why != "" && !(pkg == "host/policy" && d == "host/policy") {
				t.Errorf("%s depends on %s: %s", pkg, d, why)
			}
		}
	}
	// wazero: direct imports (host reaches wazero only through wasi).
	for pkg, ds := range imports(t) {
		for _, d := range ds {
			if strings.HasPrefix(d, "github.com/tetratelabs/wazero") && !under(pkg, "wasi") &&
				!(under(pkg, "runtimes") && strings.Contains(pkg, "/internal/")) {
				t.Errorf("%s imports %s: only wasi/ imports wazero", pkg, d)
			}
		}
	}
}
