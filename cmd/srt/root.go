package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host"
	"github.com/srt-sandbox/srt/host/audit"
	"github.com/srt-sandbox/srt/host/policy"
)

// globals are the srt flags that may stand before or after the subcommand.
type globals struct {
	settings string
	debug    bool
	logFile  string

	// Limits given as srt flags; zero means "as the settings say".
	timeout   time.Duration
	memory    string
	maxOutput string
	pids      int

	stdin          io.Reader
	stdout, stderr io.Writer
}

// exitError carries an exit code other than 1; its message, if any, has been printed already.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run is the whole program: it parses args, runs the command and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "srt: %v\n", err)
	return 1
}

func newRoot(g *globals) *cobra.Command {
	nf := &nativeFlags{}
	root := &cobra.Command{
		Use:   "srt [flags] COMMAND [ARGS...]",
		Short: "srt runs untrusted code with only the file and network access a policy allows",
		Long: `srt runs untrusted code — most of it written by AI agents — so that it touches only the files and
network hosts its settings file allows (~/.srt-settings.json, compatible with Anthropic's sandbox-runtime).

Network access goes through srt's filtering HTTP and SOCKS5 proxies; every decision is audited
(--debug prints them, --log-file appends them as JSON lines).`,
		Version:           version(),
		SilenceUsage:      true,
		SilenceErrors:     true,
		TraverseChildren:  true,
		Args:              cobra.ArbitraryArgs,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNative(g, cmd, nf, args)
		},
	}
	root.SetVersionTemplate("srt {{.Version}}\n")
	root.Flags().SetInterspersed(false)
	pf := root.PersistentFlags()
	pf.StringVarP(&g.settings, "settings", "s", "", "settings file (default ~/.srt-settings.json)")
	pf.BoolVarP(&g.debug, "debug", "d", false, "print every policy decision on stderr (also SRT_DEBUG=1)")
	pf.StringVar(&g.logFile, "log-file", "", "append every policy decision to `PATH` as JSON lines")
	pf.DurationVar(&g.timeout, "timeout", 0, "wall-clock limit for the sandboxed run, e.g. 30s (exit 124)")
	pf.StringVar(&g.memory, "memory", "", "memory limit for the sandboxed run, e.g. 512MiB")
	pf.StringVar(&g.maxOutput, "max-output", "", "cap on stdout+stderr bytes of the sandboxed run, e.g. 10MiB")
	pf.IntVar(&g.pids, "pids", 0, "process limit for the native sandbox")
	addNativeFlags(root, nf)
	root.AddCommand(newProxyCmd(g))
	root.AddCommand(newWasmCmd(g))
	root.AddCommand(newSandboxInitCmd(), newSandboxExecCmd(), newDoctorCmd(g))
	return root
}

// version reports the module version and VCS revision from the build info.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && !strings.Contains(v, rev) {
		v += " " + rev + dirty
	}
	return v + " " + bi.GoVersion
}

func (g *globals) debugOn() bool {
	if g.debug {
		return true
	}
	v := strings.ToLower(os.Getenv("SRT_DEBUG"))
	return v != "" && v != "0" && v != "false"
}

// load loads the policy named by the flags and prints the settings warnings.
func (g *globals) load() (*policy.Policy, error) {
	pol, warnings, err := host.LoadPolicy(g.settings)
	for _, w := range warnings {
		fmt.Fprintf(g.stderr, "srt: warning: %s\n", w)
	}
	return pol, err
}

// limits merges the limit flags over the settings' srt.limits: a flag that was given wins.
func (g *globals) limits(fromSettings policy.Limits) (policy.Limits, error) {
	l := fromSettings
	if g.timeout < 0 {
		return l, fmt.Errorf("--timeout %v: must be positive", g.timeout)
	}
	if g.timeout > 0 {
		l.Timeout = g.timeout
	}
	for _, f := range []struct {
		name, val string
		dst       *int64
	}{{"--memory", g.memory, &l.Memory}, {"--max-output", g.maxOutput, &l.MaxOutput}} {
		if f.val == "" {
			continue
		}
		n, err := policy.ParseSize(f.val)
		if err != nil || n <= 0 {
			return l, fmt.Errorf("%s %q: want a size such as 512MiB", f.name, f.val)
		}
		*f.dst = n
	}
	if g.pids < 0 {
		return l, fmt.Errorf("--pids %d: must be positive", g.pids)
	}
	if g.pids > 0 {
		l.Pids = g.pids
	}
	return l, nil
}

// openAudit opens the audit log the flags ask for.
func (g *globals) openAudit() (*audit.Log, error) {
	opts := audit.Options{File: g.logFile}
	if g.debugOn() {
		opts.Debug = g.stderr
	}
	return audit.Open(opts)
}
