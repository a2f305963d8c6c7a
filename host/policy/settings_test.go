package policy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const minimalSettings = `{
  "network": {"allowedDomains": [], "deniedDomains": []},
  "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}
}`

// settingsJSON returns a complete settings file with the given raw JSON fragments substituted: net and fs are
// the members of "network" and "filesystem" after the required ones, extra the top-level members after those
// two sections. Each may be empty.
func settingsJSON(net, fs, extra string) string {
	var b strings.Builder
	b.WriteString(`{"network": {"allowedDomains": [], "deniedDomains": []`)
	if net != "" {
		b.WriteString(", " + net)
	}
	b.WriteString(`}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []`)
	if fs != "" {
		b.WriteString(", " + fs)
	}
	b.WriteString("}")
	if extra != "" {
		b.WriteString(", " + extra)
	}
	b.WriteString("}")
	return b.String()
}

// mustParse parses data and fails the test on error.
func mustParse(t *testing.T, data string) (*Settings, []string) {
	t.Helper()
	s, warnings, err := Parse("test.json", []byte(data))
	if err != nil {
		t.Fatalf("Parse(%s): %v", data, err)
	}
	if s == nil {
		t.Fatalf("Parse(%s) = nil settings and nil error", data)
	}
	return s, warnings
}

// parseProblems parses data, which must be invalid, and returns the problems as "field: message" lines.
func parseProblems(t *testing.T, data string) []string {
	t.Helper()
	s, _, err := Parse("test.json", []byte(data))
	if err == nil {
		t.Fatalf("Parse(%s) = %+v, want error", data, s)
	}
	if s != nil {
		t.Errorf("Parse(%s) returned settings %+v with an error", data, s)
	}
	var se *SettingsError
	if !errors.As(err, &se) {
		t.Fatalf("Parse error %T %v, want *SettingsError", err, err)
	}
	if got, want := se.File, "test.json"; got != want {
		t.Errorf("SettingsError.File = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), `"test.json"`) {
		t.Errorf("Error() = %q, want it to name the file", err)
	}
	if len(se.Problems) == 0 {
		t.Fatalf("SettingsError has no problems")
	}
	var lines []string
	for _, p := range se.Problems {
		lines = append(lines, p.String())
		if !strings.Contains(err.Error(), p.String()) {
			t.Errorf("Error() = %q, want it to contain problem %q", err, p)
		}
	}
	return lines
}

// hasLine reports whether some line starts with prefix.
func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestParseMinimal(t *testing.T) {
	s, warnings := mustParse(t, minimalSettings)
	if len(warnings) != 0 {
		t.Errorf("warnings = %q, want none", warnings)
	}
	want := &Settings{
		Network:    NetworkSettings{AllowedDomains: []string{}, DeniedDomains: []string{}},
		Filesystem: FilesystemSettings{DenyRead: []string{}, AllowWrite: []string{}, DenyWrite: []string{}},
		File:       "test.json",
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Parse = %+v, want %+v", s, want)
	}
}

func TestParseFull(t *testing.T) {
	data := `{
	  "network": {
	    "allowedDomains": ["example.com", "*.github.com", "[::1]:8080"],
	    "deniedDomains": ["evil.github.com"],
	    "allowUnixSockets": ["/var/run/docker.sock"],
	    "allowAllUnixSockets": true,
	    "allowLocalBinding": true,
	    "httpProxyPort": 8080,
	    "socksProxyPort": 65535
	  },
	  "filesystem": {
	    "denyRead": ["~/.ssh"],
	    "allowWrite": [".", "/tmp"],
	    "denyWrite": ["./secrets"],
	    "allowGitConfig": true
	  },
	  "mandatoryDenySearchDepth": 5,
	  "dangerouslyDisableSandbox": false,
	  "srt": {"limits": {"timeout": "2s", "memory": "512MiB", "maxOutput": "10MiB", "pids": 64}}
	}`
	s, warnings := mustParse(t, data)
	if len(warnings) != 0 {
		t.Errorf("warnings = %q, want none", warnings)
	}
	want := &Settings{
		Network: NetworkSettings{
			AllowedDomains:      []string{"example.com", "*.github.com", "[::1]:8080"},
			DeniedDomains:       []string{"evil.github.com"},
			AllowUnixSockets:    []string{"/var/run/docker.sock"},
			AllowAllUnixSockets: true,
			AllowLocalBinding:   true,
			HTTPProxyPort:       8080,
			SOCKSProxyPort:      65535,
		},
		Filesystem: FilesystemSettings{
			DenyRead:       []string{"~/.ssh"},
			AllowWrite:     []string{".", "/tmp"},
			DenyWrite:      []string{"./secrets"},
			AllowGitConfig: true,
		},
		MandatoryDenySearchDepth: 5,
		Srt:                      Extension{Limits: Limits{Timeout: 2 * time.Second, Memory: 512 << 20, MaxOutput: 10 << 20, Pids: 64}},
		File:                     "test.json",
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", s, want)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // each must be the prefix of some problem line
	}{
		{"missing network", `{"filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network: Required"}},
		{"missing filesystem", `{"network": {"allowedDomains": [], "deniedDomains": []}}`,
			[]string{"filesystem: Required"}},
		{"missing both", `{}`, []string{"network: Required", "filesystem: Required"}},
		{"missing allowedDomains", `{"network": {"deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network.allowedDomains: Required"}},
		{"missing deniedDomains", `{"network": {"allowedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network.deniedDomains: Required"}},
		{"missing filesystem arrays", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {}}`,
			[]string{"filesystem.denyRead: Required", "filesystem.allowWrite: Required", "filesystem.denyWrite: Required"}},
		{"network not an object", `{"network": [], "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network: Expected object, received array"}},
		{"filesystem null", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": null}`,
			[]string{"filesystem: Expected object, received null"}},
		{"allowedDomains a string", `{"network": {"allowedDomains": "x", "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network.allowedDomains: Expected array, received string"}},
		{"allowedDomains element a number", `{"network": {"allowedDomains": ["example.com", 5], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{"network.allowedDomains.1: Expected string, received number"}},
		{"denyWrite object", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": {}}}`,
			[]string{"filesystem.denyWrite: Expected array, received object"}},
		{"httpProxyPort string", settingsJSON(`"httpProxyPort": "80"`, "", ""),
			[]string{"network.httpProxyPort: Expected number, received string"}},
		{"httpProxyPort 0", settingsJSON(`"httpProxyPort": 0`, "", ""),
			[]string{"network.httpProxyPort: Number must be between 1 and 65535"}},
		{"httpProxyPort 70000", settingsJSON(`"httpProxyPort": 70000`, "", ""),
			[]string{"network.httpProxyPort: Number must be between 1 and 65535"}},
		{"httpProxyPort 1.5", settingsJSON(`"httpProxyPort": 1.5`, "", ""),
			[]string{"network.httpProxyPort: Expected integer, received 1.5"}},
		{"httpProxyPort -1", settingsJSON(`"httpProxyPort": -1`, "", ""),
			[]string{"network.httpProxyPort: Number must be between 1 and 65535"}},
		{"httpProxyPort huge", settingsJSON(`"httpProxyPort": 99999999999999999999999`, "", ""),
			[]string{"network.httpProxyPort: Expected integer"}},
		{"socksProxyPort null", settingsJSON(`"socksProxyPort": null`, "", ""),
			[]string{"network.socksProxyPort: Expected number, received null"}},
		{"allowLocalBinding string", settingsJSON(`"allowLocalBinding": "true"`, "", ""),
			[]string{"network.allowLocalBinding: Expected boolean, received string"}},
		{"allowAllUnixSockets number", settingsJSON(`"allowAllUnixSockets": 1`, "", ""),
			[]string{"network.allowAllUnixSockets: Expected boolean, received number"}},
		{"allowGitConfig string", settingsJSON("", `"allowGitConfig": "yes"`, ""),
			[]string{"filesystem.allowGitConfig: Expected boolean, received string"}},
		{"mandatoryDenySearchDepth 0", settingsJSON("", "", `"mandatoryDenySearchDepth": 0`),
			[]string{"mandatoryDenySearchDepth: Number must be between 1 and 10"}},
		{"mandatoryDenySearchDepth 11", settingsJSON("", "", `"mandatoryDenySearchDepth": 11`),
			[]string{"mandatoryDenySearchDepth: Number must be between 1 and 10"}},
		{"dangerouslyDisableSandbox string", settingsJSON("", "", `"dangerouslyDisableSandbox": "no"`),
			[]string{"dangerouslyDisableSandbox: Expected boolean, received string"}},

		{"invalid allowed pattern", `{"network": {"allowedDomains": ["*.com"], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{`network.allowedDomains.0: Invalid domain pattern "*.com": `}},
		{"invalid denied pattern", `{"network": {"allowedDomains": [], "deniedDomains": ["example.com", "http://x.com"]}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{`network.deniedDomains.1: Invalid domain pattern "http://x.com": `}},

		{"unknown top-level key", settingsJSON("", "", `"netwerk": {}`),
			[]string{`netwerk: Unknown key "netwerk"`}},
		{"misspelt nested key", `{"network": {"alowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`,
			[]string{`network.alowedDomains: Unknown key "alowedDomains"`, "network.allowedDomains: Required"}},
		{"unknown filesystem key", settingsJSON("", `"denyWrites": ["/x"]`, ""),
			[]string{`filesystem.denyWrites: Unknown key "denyWrites"`}},
		{"unimplemented key at the wrong level", settingsJSON("", `"ignoreViolations": {}`, ""),
			[]string{`filesystem.ignoreViolations: Unknown key "ignoreViolations"`}},
		{"unknown srt key", settingsJSON("", "", `"srt": {"limit": {}}`),
			[]string{`srt.limit: Unknown key "limit"`}},
		{"unknown limits key", settingsJSON("", "", `"srt": {"limits": {"cpu": "1"}}`),
			[]string{`srt.limits.cpu: Unknown key "cpu"`}},

		{"glob star", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": ["~/.ssh/*"], "allowWrite": [], "denyWrite": []}}`,
			[]string{"filesystem.denyRead.0: Glob patterns are not supported"}},
		{"glob question mark", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": ["/tmp/a?"], "denyWrite": []}}`,
			[]string{"filesystem.allowWrite.0: Glob patterns are not supported"}},
		{"glob class", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": ["/x/[ab]"]}}`,
			[]string{"filesystem.denyWrite.0: Glob patterns are not supported"}},
		{"NUL in path", `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": ["/a\u0000b"], "allowWrite": [], "denyWrite": []}}`,
			[]string{"filesystem.denyRead.0: Path contains a NUL byte"}},
		{"unix socket glob", settingsJSON(`"allowUnixSockets": ["/run/*.sock"]`, "", ""),
			[]string{"network.allowUnixSockets.0: Glob patterns are not supported"}},
		{"unix socket empty", settingsJSON(`"allowUnixSockets": [" "]`, "", ""),
			[]string{"network.allowUnixSockets.0: Path cannot be empty"}},

		{"limits not an object", settingsJSON("", "", `"srt": {"limits": []}`),
			[]string{"srt.limits: Expected object, received array"}},
		{"srt not an object", settingsJSON("", "", `"srt": true`),
			[]string{"srt: Expected object, received boolean"}},
		{"timeout number", settingsJSON("", "", `"srt": {"limits": {"timeout": 30}}`),
			[]string{"srt.limits.timeout: Expected a duration string"}},
		{"timeout bad", settingsJSON("", "", `"srt": {"limits": {"timeout": "30 seconds"}}`),
			[]string{`srt.limits.timeout: Invalid duration "30 seconds"`}},
		{"timeout zero", settingsJSON("", "", `"srt": {"limits": {"timeout": "0s"}}`),
			[]string{`srt.limits.timeout: Invalid duration "0s"`}},
		{"timeout negative", settingsJSON("", "", `"srt": {"limits": {"timeout": "-1m"}}`),
			[]string{`srt.limits.timeout: Invalid duration "-1m"`}},
		{"memory number", settingsJSON("", "", `"srt": {"limits": {"memory": 512}}`),
			[]string{"srt.limits.memory: Expected a size string"}},
		{"memory bad unit", settingsJSON("", "", `"srt": {"limits": {"memory": "512XB"}}`),
			[]string{`srt.limits.memory: Invalid size "512XB"`}},
		{"memory zero", settingsJSON("", "", `"srt": {"limits": {"memory": "0"}}`),
			[]string{`srt.limits.memory: Invalid size "0"`}},
		{"maxOutput negative", settingsJSON("", "", `"srt": {"limits": {"maxOutput": "-1MiB"}}`),
			[]string{`srt.limits.maxOutput: Invalid size "-1MiB"`}},
		{"pids zero", settingsJSON("", "", `"srt": {"limits": {"pids": 0}}`),
			[]string{"srt.limits.pids: Number must be between 1 and 4194304"}},
		{"pids string", settingsJSON("", "", `"srt": {"limits": {"pids": "64"}}`),
			[]string{"srt.limits.pids: Expected number, received string"}},
		{"pids fractional", settingsJSON("", "", `"srt": {"limits": {"pids": 6.4}}`),
			[]string{"srt.limits.pids: Expected integer, received 6.4"}},

		{"many problems", `{
		  "network": {"allowedDomains": ["*", "ok.example.com", "*.com"], "deniedDomains": "evil.com", "httpProxyPort": 0},
		  "filesystem": {"denyRead": [""], "allowWrite": ["/tmp/*"]},
		  "bogus": 1,
		  "srt": {"limits": {"timeout": "soon", "memory": "lots"}}
		}`, []string{
			`network.allowedDomains.0: Invalid domain pattern "*": `,
			`network.allowedDomains.2: Invalid domain pattern "*.com": `,
			"network.deniedDomains: Expected array, received string",
			"network.httpProxyPort: Number must be between 1 and 65535",
			"filesystem.denyRead.0: Path cannot be empty",
			"filesystem.allowWrite.0: Glob patterns are not supported",
			"filesystem.denyWrite: Required",
			`bogus: Unknown key "bogus"`,
			`srt.limits.timeout: Invalid duration "soon"`,
			`srt.limits.memory: Invalid size "lots"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := parseProblems(t, tt.data)
			for _, want := range tt.want {
				if !hasLine(lines, want) {
					t.Errorf("problems = %q, want a line starting with %q", lines, want)
				}
			}
			if got, want := len(lines), len(tt.want); got != want {
				t.Errorf("got %d problems %q, want %d", got, lines, want)
			}
		})
	}
}

func TestParseInvalidPatternLine(t *testing.T) {
	data := `{"network": {"allowedDomains": ["*.com"], "deniedDomains": []}, "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}}`
	_, _, err := Parse("/home/u/.srt-settings.json", []byte(data))
	var se *SettingsError
	if !errors.As(err, &se) {
		t.Fatalf("Parse error = %v, want *SettingsError", err)
	}
	if len(se.Problems) != 1 {
		t.Fatalf("problems = %q, want one", se.Problems)
	}
	_, perr := ParsePattern("*.com")
	line := se.Problems[0].String()
	if got, want := line, "network.allowedDomains.0: "+perr.Error(); got != want {
		t.Errorf("problem line = %q, want %q", got, want)
	}
	if want := `network.allowedDomains.0: Invalid domain pattern "*.com": `; !strings.HasPrefix(line, want) {
		t.Errorf("problem line = %q, want prefix %q", line, want)
	}
	if strings.Contains(line, "\n") {
		t.Errorf("problem line %q spans several lines", line)
	}
	if got, want := err.Error(), `invalid settings file "/home/u/.srt-settings.json": `+line; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseEmptyPath(t *testing.T) {
	for _, p := range []string{`""`, `"   "`, `"\t"`} {
		for _, field := range []string{"denyRead", "allowWrite", "denyWrite"} {
			fs := map[string]string{"denyRead": "[]", "allowWrite": "[]", "denyWrite": "[]"}
			fs[field] = "[" + `"/ok", ` + p + "]"
			data := `{"network": {"allowedDomains": [], "deniedDomains": []}, "filesystem": {"denyRead": ` +
				fs["denyRead"] + `, "allowWrite": ` + fs["allowWrite"] + `, "denyWrite": ` + fs["denyWrite"] + `}}`
			lines := parseProblems(t, data)
			if got, want := strings.Join(lines, "\n"), "filesystem."+field+".1: Path cannot be empty"; got != want {
				t.Errorf("%s = [\"/ok\", %s]: problems %q, want %q", field, p, got, want)
			}
		}
	}
}

func TestParseUnimplementedKeys(t *testing.T) {
	tests := []struct {
		key  string // dotted
		json string
	}{
		{"ignoreViolations", settingsJSON("", "", `"ignoreViolations": {"*": ["/usr/bin"]}`)},
		{"ripgrep", settingsJSON("", "", `"ripgrep": {"command": "rg"}`)},
		{"allowPty", settingsJSON("", "", `"allowPty": true`)},
		{"enableWeakerNestedSandbox", settingsJSON("", "", `"enableWeakerNestedSandbox": true`)},
		{"enableWeakerNetworkIsolation", settingsJSON("", "", `"enableWeakerNetworkIsolation": true`)},
		{"seccomp", settingsJSON("", "", `"seccomp": {}`)},
		{"network.mitmProxy", settingsJSON(`"mitmProxy": {"socketPath": "/tmp/m.sock", "domains": ["*.x.com"]}`, "", "")},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			s, warnings := mustParse(t, tt.json)
			if len(warnings) != 1 {
				t.Fatalf("warnings = %q, want exactly one", warnings)
			}
			w := warnings[0]
			if !strings.Contains(w, tt.key+" ") || !strings.Contains(w, "not implemented") {
				t.Errorf("warning = %q, want it to name %s and say it is not implemented", w, tt.key)
			}
			if strings.Contains(w, "\n") {
				t.Errorf("warning %q spans several lines", w)
			}
			if got, want := s.File, "test.json"; got != want {
				t.Errorf("File = %q, want %q", got, want)
			}
		})
	}

	// All at once: one warning per key, in a stable order.
	data := settingsJSON(`"mitmProxy": {}`, "", `"ripgrep": {}, "allowPty": false, "ignoreViolations": {}, "enableWeakerNestedSandbox": false`)
	_, warnings := mustParse(t, data)
	if got, want := len(warnings), 5; got != want {
		t.Fatalf("warnings = %q, want %d", warnings, want)
	}
	_, again := mustParse(t, data)
	if !reflect.DeepEqual(warnings, again) {
		t.Errorf("warnings not deterministic: %q then %q", warnings, again)
	}

	// Warnings survive alongside an error.
	_, warnings, err := Parse("test.json", []byte(`{"allowPty": true, "network": {}}`))
	if err == nil {
		t.Fatalf("Parse = nil error, want error")
	}
	if len(warnings) != 1 {
		t.Errorf("warnings with error = %q, want one", warnings)
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // substring of Error()
	}{
		{"empty", "", "file is empty"},
		{"whitespace", " \n\t\r\n ", "file is empty"},
		{"invalid JSON", `{"network": }`, "not valid JSON"},
		{"invalid JSON line", "{\n\n  \"network\": x\n}", "line 3"},
		{"truncated", `{"network": {"allowedDomains": [`, "not valid JSON: unexpected end of file"},
		{"comment", "// settings\n" + minimalSettings, "not valid JSON"},
		{"single quotes", `{'network': {}}`, "not valid JSON"},
		{"trailing comma", `{"network": {"allowedDomains": [], "deniedDomains": [],}, "filesystem": {}}`, "not valid JSON"},
		{"trailing garbage", minimalSettings + " x", "not valid JSON"},
		{"second object", minimalSettings + minimalSettings, "not valid JSON"},
		{"trailing brace", minimalSettings + "}", "not valid JSON"},
		{"trailing bracket", minimalSettings + "\n]", "not valid JSON"},
		{"trailing comma after object", minimalSettings + ",", "not valid JSON"},
		{"top-level array", "[" + minimalSettings + "]", "Expected object, received array"},
		{"top-level string", `"hello"`, "Expected object, received string"},
		{"top-level null", `null`, "Expected object, received null"},
		{"top-level number", `42`, "Expected object, received number"},
		{"BOM", "\ufeff" + minimalSettings, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := Parse("/etc/srt.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error", tt.data, s)
			}
			if s != nil {
				t.Errorf("settings = %+v with an error, want nil", s)
			}
			var se *SettingsError
			if !errors.As(err, &se) {
				t.Fatalf("error %T, want *SettingsError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, `"/etc/srt.json"`) {
				t.Errorf("Error() = %q, want it to name the file", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("Error() = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestParseTrailingWhitespace(t *testing.T) {
	mustParse(t, "\n\t "+minimalSettings+"\r\n\n  ")
}

func TestSettingsErrorFormat(t *testing.T) {
	one := &SettingsError{File: "f.json", Problems: []Problem{{Field: "a.b", Message: "bad"}}}
	if got, want := one.Error(), `invalid settings file "f.json": a.b: bad`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	two := &SettingsError{File: "f.json", Problems: []Problem{{Field: "a", Message: "x"}, {Message: "y"}}}
	if got, want := two.Error(), "invalid settings file \"f.json\":\n  a: x\n  y"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		json string
		want Limits
	}{
		{`{}`, Limits{}},
		{`{"timeout": "2s"}`, Limits{Timeout: 2 * time.Second}},
		{`{"timeout": "1h30m"}`, Limits{Timeout: 90 * time.Minute}},
		{`{"memory": "512MiB"}`, Limits{Memory: 512 << 20}},
		{`{"memory": "1G"}`, Limits{Memory: 1 << 30}},
		{`{"maxOutput": "65536"}`, Limits{MaxOutput: 65536}},
		{`{"maxOutput": "10 kb"}`, Limits{MaxOutput: 10 << 10}},
		{`{"pids": 1}`, Limits{Pids: 1}},
		{`{"pids": 4194304}`, Limits{Pids: 1 << 22}},
		{`{"timeout": "30s", "memory": "256M", "maxOutput": "1MiB", "pids": 100}`,
			Limits{Timeout: 30 * time.Second, Memory: 256 << 20, MaxOutput: 1 << 20, Pids: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			s, _ := mustParse(t, settingsJSON("", "", `"srt": {"limits": `+tt.json+`}`))
			if got, want := s.Srt.Limits, tt.want; got != want {
				t.Errorf("Limits = %+v, want %+v", got, want)
			}
		})
	}
	s, _ := mustParse(t, settingsJSON("", "", `"srt": {}`))
	if got, want := s.Srt, (Extension{}); got != want {
		t.Errorf("empty srt section = %+v, want zero", got)
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "1", want: 1},
		{in: "65536", want: 65536},
		{in: "1B", want: 1},
		{in: "1b", want: 1},
		{in: "1K", want: 1 << 10},
		{in: "1KB", want: 1 << 10},
		{in: "1KiB", want: 1 << 10},
		{in: "2kib", want: 2 << 10},
		{in: "1M", want: 1 << 20},
		{in: "1MB", want: 1 << 20},
		{in: "512MiB", want: 512 << 20},
		{in: "1G", want: 1 << 30},
		{in: "1GB", want: 1 << 30},
		{in: "4GiB", want: 4 << 30},
		{in: " 8 MiB ", want: 8 << 20},
		{in: "007", want: 7},
		{in: "999999999999999", want: 999999999999999},
		{in: "4294967296G", want: 1 << 62},
		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: "MiB", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "1.5M", wantErr: true},
		{in: "1e6", wantErr: true},
		{in: "1T", wantErr: true},
		{in: "1TiB", wantErr: true},
		{in: "1 2", wantErr: true},
		{in: "1MiBs", wantErr: true},
		{in: "1 M B", wantErr: true},
		{in: "0x10", wantErr: true},
		{in: "1000000000000000", wantErr: true}, // 16 digits
		{in: "4294967297G", wantErr: true},
		{in: "999999999999999G", wantErr: true},
		{in: "١٢", wantErr: true}, // non-ASCII digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Errorf("ParseSize(%q) = %d, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSize(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseSize(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// writeFile writes data to name in a new temporary directory and returns its path.
func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()

	missing := filepath.Join(dir, "nope.json")
	s, _, err := LoadFile(missing)
	if err == nil {
		t.Fatalf("LoadFile(missing) = %+v, want error", s)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(missing) error %v does not wrap fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("LoadFile(missing) error %q does not name %s", err, missing)
	}

	good := writeFile(t, dir, "good.json", settingsJSON("", "", `"allowPty": true`))
	s, warnings, err := LoadFile(good)
	if err != nil {
		t.Fatalf("LoadFile(good): %v", err)
	}
	if got, want := s.File, good; got != want {
		t.Errorf("File = %q, want %q", got, want)
	}
	if len(warnings) != 1 {
		t.Errorf("warnings = %q, want one", warnings)
	}

	bad := writeFile(t, dir, "bad.json", "")
	_, _, err = LoadFile(bad)
	var se *SettingsError
	if !errors.As(err, &se) || se.File != bad {
		t.Errorf("LoadFile(empty) = %v, want *SettingsError naming %s", err, bad)
	}

	_, _, err = LoadFile(dir) // a directory cannot be read
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("LoadFile(dir) = %v, want an error naming %s", err, dir)
	}
}

func TestLoadDefault(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		t.Setenv("HOME", t.TempDir())
		s, warnings, err := LoadDefault()
		if err != nil {
			t.Fatalf("LoadDefault: %v", err)
		}
		if s == nil || !reflect.DeepEqual(*s, Settings{}) {
			t.Errorf("LoadDefault = %+v, want the zero Settings", s)
		}
		if len(warnings) != 0 {
			t.Errorf("warnings = %q, want none", warnings)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		home := t.TempDir()
		t.Setenv("HOME", home)
		path := writeFile(t, home, DefaultFileName, `{"network": {}}`)
		s, _, err := LoadDefault()
		if err == nil {
			t.Fatalf("LoadDefault = %+v, want error", s)
		}
		var se *SettingsError
		if !errors.As(err, &se) || se.File != path {
			t.Errorf("LoadDefault error = %v, want *SettingsError for %s", err, path)
		}
	})
	t.Run("empty", func(t *testing.T) {
		home := t.TempDir()
		t.Setenv("HOME", home)
		writeFile(t, home, DefaultFileName, "")
		if _, _, err := LoadDefault(); err == nil {
			t.Fatalf("LoadDefault with an empty file: nil error, want error")
		}
	})
	t.Run("valid", func(t *testing.T) {
		home := t.TempDir()
		t.Setenv("HOME", home)
		path := writeFile(t, home, DefaultFileName, settingsJSON("", "", ""))
		s, _, err := LoadDefault()
		if err != nil {
			t.Fatalf("LoadDefault: %v", err)
		}
		if got, want := s.File, path; got != want {
			t.Errorf("File = %q, want %q", got, want)
		}
		if got, want := mustDefaultPath(t), path; got != want {
			t.Errorf("DefaultPath = %q, want %q", got, want)
		}
	})
}

func mustDefaultPath(t *testing.T) string {
	t.Helper()
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
