package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host"
	"github.com/srt-sandbox/srt/host/native"
	"github.com/srt-sandbox/srt/host/policy"
)

// nativeFlags are the root command's flags for running a command in the native sandbox.
type nativeFlags struct {
	command string // -c
	disable bool   // --dangerously-disable-sandbox
	yes     bool   // --yes
}

func addNativeFlags(root *cobra.Command, nf *nativeFlags) {
	f := root.Flags()
	f.StringVarP(&nf.command, "command", "c", "", "run `STRING` with bash -c in the sandbox")
	f.BoolVar(&nf.disable, "dangerously-disable-sandbox", false, "run the command WITHOUT any sandbox (asks for a terminal, or --yes)")
	f.BoolVar(&nf.yes, "yes", false, "confirm --dangerously-disable-sandbox when stdin is not a terminal")
}

// runNative is the root command: srt [flags] COMMAND [ARGS…] or srt -c STRING.
func runNative(g *globals, cmd *cobra.Command, nf *nativeFlags, args []string) error {
	if cmd.Flags().Changed("command") {
		// As with bash -c, further arguments become $0, $1, ….
		args = append([]string{"bash", "-c", nf.command}, args...)
	}
	if len(args) == 0 {
		return errors.New("No command specified. Use -c <command> or provide command arguments.")
	}
	if err := native.Available(); err != nil && !nf.disable {
		return fmt.Errorf("cannot run %q: %v", args[0], err)
	}
	pol, err := g.load()
	if err != nil {
		return err
	}
	s := pol.Settings()
	lim, err := g.limits(s.Srt.Limits)
	if err != nil {
		return err
	}
	log, err := g.openAudit()
	if err != nil {
		return err
	}
	defer log.Close()
	stdin, stdout, stderr := stdFiles(g)
	if nf.disable || s.DangerouslyDisableSandbox {
		return runUnsandboxed(g, nf, args, lim, log)
	}
	res, err := host.RunSandboxed(cmd.Context(), pol, host.SandboxOptions{
		Args: args, Limits: lim, Stdin: stdin, Stdout: stdout, Stderr: stderr, Recorder: log, Debug: debugWriter(g),
	})
	if err != nil {
		return err
	}
	switch {
	case res.TimedOut:
		fmt.Fprintf(g.stderr, "srt: time limit %v exceeded\n", lim.Timeout)
	case res.Signal != "":
		fmt.Fprintf(g.stderr, "Process killed by signal: %s\n", res.Signal)
	}
	if res.ExitCode != 0 {
		return exitError{res.ExitCode}
	}
	return nil
}

func debugWriter(g *globals) io.Writer {
	if g.debugOn() {
		return g.stderr
	}
	return nil
}

// stdFiles returns the files to hand to the sandbox: the process's own when the CLI writes to them.
func stdFiles(g *globals) (stdin, stdout, stderr *os.File) {
	pick := func(v any, def *os.File) *os.File {
		if f, ok := v.(*os.File); ok {
			return f
		}
		return def
	}
	return pick(g.stdin, os.Stdin), pick(g.stdout, os.Stdout), pick(g.stderr, os.Stderr)
}

// runUnsandboxed runs the command with no sandbox at all, loudly, and only when a person confirmed it:
// stdin is a terminal, or --yes was given.
func runUnsandboxed(g *globals, nf *nativeFlags, args []string, lim policy.Limits, rec policy.Recorder) error {
	stdin, stdout, stderr := stdFiles(g)
	why := "--dangerously-disable-sandbox"
	if !nf.disable {
		why = "dangerouslyDisableSandbox in the settings"
	}
	if !isTerminal(stdin) && !nf.yes {
		rec.Record(policy.Event{Time: time.Now(), Action: policy.ActionDeny, Kind: host.KindSandbox, Op: "disable",
			Reason: why + " refused: stdin is not a terminal and --yes was not given", Backend: "none"})
		return fmt.Errorf("refusing to run %q without a sandbox (%s): stdin is not a terminal; add --yes to confirm", args[0], why)
	}
	fmt.Fprintf(g.stderr, "srt: WARNING: the sandbox is DISABLED (%s): %q runs with all of your files and "+
		"network access, and nothing is filtered or audited\n", why, args[0])
	rec.Record(policy.Event{Time: time.Now(), Action: policy.ActionAllow, Kind: host.KindSandbox, Op: "disable",
		Reason: why, Backend: "none"})
	return runDirect(args, lim, stdin, stdout, stderr, g)
}

// runDirect runs args with no sandbox, with the time and output limits.
func runDirect(args []string, lim policy.Limits, stdin, stdout, stderr *os.File, g *globals) error {
	c := exec.Command(args[0], args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = stdin, stdout, stderr
	if lim.MaxOutput > 0 {
		out := host.NewOutputLimit(lim.MaxOutput, stdout, stderr)
		c.Stdout, c.Stderr = out.Stdout(), out.Stderr()
	}
	if err := c.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var timeout <-chan time.Time
	if lim.Timeout > 0 {
		t := time.NewTimer(lim.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var err error
	select {
	case err = <-done:
	case <-timeout:
		c.Process.Kill()
		<-done
		fmt.Fprintf(g.stderr, "srt: time limit %v exceeded\n", lim.Timeout)
		return exitError{124}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			fmt.Fprintf(g.stderr, "Process killed by signal: %s\n", native.SignalName(ws.Signal()))
			return exitError{128 + int(ws.Signal())}
		}
		return exitError{ee.ExitCode()}
	}
	return err
}
