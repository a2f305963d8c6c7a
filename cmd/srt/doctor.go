package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host/native"
)

func newDoctorCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Show what this machine supports for sandboxing and which backends work",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r := native.Probe()
			for _, c := range r.Checks {
				fmt.Fprintf(g.stdout, "%-22s %-4s %s\n", c.Name+":", mark(c.OK), c.Detail)
			}
			fmt.Fprintln(g.stdout)
			for _, b := range r.Backends {
				fmt.Fprintf(g.stdout, "backend %-14s %-4s %s\n", b.Name+":", mark(b.OK), b.Detail)
			}
			return nil
		},
	}
}

func mark(ok bool) string {
	if ok {
		return "ok"
	}
	return "no"
}
