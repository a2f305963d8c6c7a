package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host"
	"github.com/srt-sandbox/srt/host/policy"
)

const wasmPythonUsage = `Usage: srt [srt flags] wasm python [run flags] [python args...]

Runs CPython 3.11 compiled to WebAssembly inside srt: the program sees the host's files as the settings
allow (reads except denyRead, writes only under allowWrite), reaches the network only through srt's
proxies (HTTPS is done by srt), and is bounded by the limits. Python arguments are those of python3:
-c CODE, -m MODULE, SCRIPT [ARGS...], - (stdin), -u, -I, -E; no arguments on a terminal starts the REPL.

Run flags (right after "python", before the first Python argument):
  --timeout DURATION   wall-clock limit, e.g. 30s (exit 124)
  --memory SIZE        cap on the interpreter's memory, e.g. 256MiB (MemoryError, or exit 137)
  --max-output SIZE    cap on stdout+stderr bytes, e.g. 10MiB
  --env K=V | --env K  set a variable in the guest (K alone copies srt's value); repeatable
  --mount HOST:GUEST[:ro]  show a host directory at GUEST (still subject to the settings); repeatable
  --keep-tmp           keep the run's TMPDIR (printed on stderr)

The guest's environment is only: --env values, SANDBOX_RUNTIME=1, HOME and TMPDIR (a fresh writable
directory, removed after the run) and PYTHONHASHSEED if set.
`

const wasmJSUsage = `Usage: srt [srt flags] wasm js [run flags] [SCRIPT [ARGS...] | -e CODE [ARGS...] | -p CODE | - [ARGS...]]
       srt [srt flags] wasm node …   (the same)

Runs JavaScript in QuickJS-NG compiled to WebAssembly inside srt, with a Node-like environment: console,
timers, process, Buffer (subset), fs and fs/promises (subset), path, require() and import (relative files,
pure-JS packages in node_modules, node: built-ins), fetch with Headers/Request/Response/AbortController.
Files are seen as the settings allow (reads except denyRead, writes only under allowWrite), fetch goes
through srt's proxies (TLS verified by srt), and the run is bounded by the limits. .mjs is an ES module,
.cjs CommonJS, .js follows the nearest package.json "type" or else its import/export syntax; -e CODE and
stdin may mix import, top-level await and require(). Without arguments the program is read from stdin.

Run flags (right after "js", before the script):
  --timeout DURATION   wall-clock limit, e.g. 30s (exit 124)
  --memory SIZE        cap on the engine's memory, e.g. 256MiB (out-of-memory error, exit 137)
  --max-output SIZE    cap on stdout+stderr bytes, e.g. 10MiB
  --env K=V | --env K  set a variable in process.env (K alone copies srt's value); repeatable
  --mount HOST:GUEST[:ro]  show a host directory at GUEST (still subject to the settings); repeatable
  --keep-tmp           keep the run's TMPDIR (printed on stderr)

process.env is only: --env values, SANDBOX_RUNTIME=1, HOME and TMPDIR (a fresh writable directory,
removed after the run).
`

func newWasmCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wasm RUNTIME [run flags] [args...]",
		Short: "Run a program in a WebAssembly runtime under the policy (python, js)",
		Long: `Run a program in an interpreter compiled to WebAssembly, on any OS, with the settings file's
filesystem and network policy, the proxies and the audit log. Runtimes: python, js (alias node).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("wasm: name a runtime, e.g. `srt wasm python -c 'print(1)'`")
		},
	}
	py := &cobra.Command{
		Use:                "python [run flags] [python args...]",
		Short:              "Run CPython 3.11 (WASI) under the policy",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWasm(cmd.Context(), g, "python", args)
		},
	}
	js := &cobra.Command{
		Use:                "js [run flags] [SCRIPT [args...] | -e CODE | -p CODE | -]",
		Aliases:            []string{"node"},
		Short:              "Run JavaScript (QuickJS-NG, WASI) under the policy",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWasm(cmd.Context(), g, "js", args)
		},
	}
	cmd.AddCommand(py, js)
	return cmd
}

// wasmSupervisedEnv marks the srt process that a supervising srt started to run the guest under a time
// limit (see superviseWasm).
const wasmSupervisedEnv = "SRT_WASM_SUPERVISED"

// superviseWasm runs the guest in a child srt and kills it at the time limit. Compiled WebAssembly cannot
// be stopped from inside the process without instrumenting every loop (wazero's WithCloseOnContextDone,
// 2-2.5× slower here), and a guest spinning in compiled code also blocks the Go garbage collector's
// stop-the-world; a child process costs one exec and is killed at once.
func superviseWasm(ctx context.Context, g *globals, runtime string, lim policy.Limits, rf wasmRunFlags, progArgs []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var args []string
	if g.settings != "" {
		args = append(args, "--settings", g.settings)
	}
	if g.debug {
		args = append(args, "--debug")
	}
	if g.logFile != "" {
		args = append(args, "--log-file", g.logFile)
	}
	if lim.Memory > 0 {
		args = append(args, "--memory", strconv.FormatInt(lim.Memory, 10))
	}
	if lim.MaxOutput > 0 {
		args = append(args, "--max-output", strconv.FormatInt(lim.MaxOutput, 10))
	}
	args = append(args, "wasm", runtime)
	for _, e := range rf.env {
		args = append(args, "--env", e)
	}
	for _, m := range rf.mounts {
		v := m.Host + ":" + m.Guest
		if m.ReadOnly {
			v += ":ro"
		}
		args = append(args, "--mount", v)
	}
	if rf.keepTmp {
		args = append(args, "--keep-tmp")
	}
	args = append(args, progArgs...)

	// The child makes the guest's TMPDIR below a directory the supervisor owns, so that a child killed at the
	// time limit leaves nothing behind.
	tmpRoot, err := os.MkdirTemp("", "srt-wasm-run-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory: %w", err)
	}
	if !rf.keepTmp {
		defer os.RemoveAll(tmpRoot)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), wasmSupervisedEnv+"=1", "TMPDIR="+tmpRoot)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = g.stdin, g.stdout, g.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(lim.Timeout)
	defer timer.Stop()
	for {
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if code := ee.ExitCode(); code >= 0 {
					return exitError{code}
				}
				fmt.Fprintf(g.stderr, "Process killed by signal: %v\n", ee.ProcessState)
				return exitError{137}
			}
			return err
		case <-timer.C:
			cmd.Process.Kill()
			<-done
			fmt.Fprintf(g.stderr, "srt: time limit %v exceeded\n", lim.Timeout)
			return exitError{124}
		case <-ctx.Done():
			cmd.Process.Kill()
			<-done
			return ctx.Err()
		case s := <-sigs:
			cmd.Process.Signal(s)
		}
	}
}

// wasmRunFlags are the run flags given after the runtime name.
type wasmRunFlags struct {
	env     []string
	mounts  []host.WasmMount
	keepTmp bool
	help    bool
}

// parseWasmRunFlags consumes run flags from the front of args and returns the rest (the program's
// arguments, exactly as typed).
func parseWasmRunFlags(g *globals, args []string) (wasmRunFlags, []string, error) {
	var f wasmRunFlags
	for len(args) > 0 {
		a := args[0]
		name, val, hasVal := strings.Cut(a, "=")
		takesValue := true
		switch name {
		case "--timeout", "--memory", "--max-output", "--env", "--mount":
		case "--keep-tmp", "--help":
			takesValue = false
		default:
			return f, args, nil
		}
		args = args[1:]
		if takesValue && !hasVal {
			if len(args) == 0 {
				return f, nil, fmt.Errorf("flag needs an argument: %s", name)
			}
			val, args = args[0], args[1:]
		}
		if !takesValue && hasVal {
			return f, nil, fmt.Errorf("flag %s takes no value", name)
		}
		switch name {
		case "--timeout":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return f, nil, fmt.Errorf("--timeout %q: want a duration such as 30s", val)
			}
			g.timeout = d
		case "--memory":
			g.memory = val
		case "--max-output":
			g.maxOutput = val
		case "--env":
			if val == "" || strings.HasPrefix(val, "=") {
				return f, nil, fmt.Errorf("--env %q: want K=V or K", val)
			}
			if !strings.Contains(val, "=") {
				if v, ok := os.LookupEnv(val); ok {
					val += "=" + v
				} else {
					continue
				}
			}
			f.env = append(f.env, val)
		case "--mount":
			m, err := parseMount(val)
			if err != nil {
				return f, nil, err
			}
			f.mounts = append(f.mounts, m)
		case "--keep-tmp":
			f.keepTmp = true
		case "--help":
			f.help = true
		}
	}
	return f, args, nil
}

func parseMount(v string) (host.WasmMount, error) {
	var m host.WasmMount
	parts := strings.Split(v, ":")
	if len(parts) == 3 && parts[2] == "ro" {
		m.ReadOnly = true
		parts = parts[:2]
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return m, fmt.Errorf("--mount %q: want HOST:GUEST or HOST:GUEST:ro", v)
	}
	h, err := filepath.Abs(parts[0])
	if err != nil {
		return m, err
	}
	if h, err = filepath.EvalSymlinks(h); err != nil {
		return m, fmt.Errorf("--mount %q: %w", v, err)
	}
	guest := filepath.ToSlash(filepath.Clean(parts[1]))
	if !strings.HasPrefix(guest, "/") {
		return m, fmt.Errorf("--mount %q: the guest path must be absolute", v)
	}
	if guest == "/" || guest == "/.srt" || strings.HasPrefix(guest, "/.srt/") {
		return m, fmt.Errorf("--mount %q: %s is reserved", v, guest)
	}
	m.Host, m.Guest = h, guest
	return m, nil
}

func wasmIsTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// wasmJSGrace is how long after the time limit a JavaScript run that the interrupt handler has not stopped
// (a long native operation such as a huge JSON.stringify) is ended by exiting the process.
const wasmJSGrace = 2 * time.Second

// runWasm runs the python or js runtime with its arguments (run flags first).
func runWasm(ctx context.Context, g *globals, runtime string, args []string) error {
	rf, progArgs, err := parseWasmRunFlags(g, args)
	if err != nil {
		return err
	}
	if rf.help {
		if runtime == "js" {
			fmt.Fprint(g.stdout, wasmJSUsage)
		} else {
			fmt.Fprint(g.stdout, wasmPythonUsage)
		}
		return nil
	}
	pol, err := g.load()
	if err != nil {
		return err
	}
	lim, err := g.limits(pol.Settings().Srt.Limits)
	if err != nil {
		return err
	}
	switch {
	case runtime == "js":
		// QuickJS's interrupt handler stops JavaScript at the deadline in-process (no supervisor); a
		// native operation that never polls it is ended by exiting after a grace period.
		if lim.Timeout > 0 {
			t := time.AfterFunc(lim.Timeout+wasmJSGrace, func() {
				fmt.Fprintf(g.stderr, "srt: time limit %v exceeded\n", lim.Timeout)
				os.Exit(124)
			})
			defer t.Stop()
		}
	case os.Getenv(wasmSupervisedEnv) == "1":
		lim.Timeout = 0 // the supervising srt enforces it
	case lim.Timeout > 0:
		return superviseWasm(ctx, g, runtime, lim, rf, progArgs)
	}
	log, err := g.openAudit()
	if err != nil {
		return err
	}
	defer log.Close()

	stdout, stderr := g.stdout, g.stderr
	var outLim *host.OutputLimit
	if lim.MaxOutput > 0 {
		outLim = host.NewOutputLimit(lim.MaxOutput, g.stdout, g.stderr)
		stdout, stderr = outLim.Stdout(), outLim.Stderr()
	}
	var progress io.Writer
	if g.debugOn() || wasmIsTerminal(g.stderr) {
		progress = g.stderr
	}
	opts := host.WasmPythonOptions{
		Policy: pol, Recorder: log, Limits: lim,
		Args: progArgs, Env: rf.env, Mounts: rf.mounts, KeepTmp: rf.keepTmp,
		Stdin: g.stdin, Stdout: stdout, Stderr: stderr, Progress: progress, Notices: g.stderr,
		StopByExit: true, // srt exits when run returns (its supervisor kills it at the deadline)
	}
	run := host.RunWasmPython
	if runtime == "js" {
		run = host.RunWasmJS
	}
	code, err := run(ctx, opts)
	if err != nil {
		var me *host.WasmMemoryError
		switch {
		case errors.Is(err, host.ErrWasmTimeout):
			fmt.Fprintf(g.stderr, "srt: time limit %v exceeded\n", lim.Timeout)
			return exitError{124}
		case errors.As(err, &me):
			fmt.Fprintf(g.stderr, "srt: %v\n", err)
			return exitError{137}
		}
		return err
	}
	if code != 0 {
		return exitError{code}
	}
	return nil
}
