package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host/native"
)

// newSandboxInitCmd is the hidden subcommand srt re-executes itself as, to be the native sandbox's PID 1.
func newSandboxInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:                native.InitCommand,
		Hidden:             true,
		DisableFlagParsing: true,
		Run: func(cmd *cobra.Command, args []string) {
			os.Exit(native.Init())
		},
	}
}

// newSandboxExecCmd is the hidden subcommand that applies resource limits inside the sandbox and executes
// the command.
func newSandboxExecCmd() *cobra.Command {
	return &cobra.Command{
		Use:                native.ExecCommand,
		Hidden:             true,
		DisableFlagParsing: true,
		Run: func(cmd *cobra.Command, args []string) {
			os.Exit(native.ExecMain(args))
		},
	}
}
