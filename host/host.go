// Package host ties srt together: it loads the settings into a policy, opens the audit log and starts the
// proxies that every backend (WASM runtimes, the native sandbox, `srt proxy`) routes network traffic
// through. Commands in cmd/srt are thin layers over it.
//
//	pol, warnings, err := host.LoadPolicy(settingsPath)
//	srv, err := host.StartProxies(pol, host.ProxyOptions{Listen: "127.0.0.1", HTTPPort: 0, SOCKSPort: 0})
//	defer srv.Close()
package host

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/srt-sandbox/srt/host/policy"
)

// LoadPolicy loads the settings file at path (empty: ~/.srt-settings.json, where a missing file means the
// built-in default) and compiles it. Any problem is an error naming the file; nothing should run then.
func LoadPolicy(path string) (*policy.Policy, []string, error) {
	var (
		s        *policy.Settings
		warnings []string
		err      error
	)
	if path == "" {
		s, warnings, err = policy.LoadDefault()
	} else {
		s, warnings, err = policy.LoadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("settings file %q does not exist", path)
		}
	}
	if err != nil {
		return nil, warnings, err
	}
	p, err := policy.New(s, policy.Env{})
	if err != nil {
		name := s.File
		if name == "" {
			name = "(default settings)"
		}
		return nil, warnings, fmt.Errorf("invalid settings file %q: %w", name, err)
	}
	return p, warnings, nil
}
