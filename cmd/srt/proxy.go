package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/srt-sandbox/srt/host"
)

func newProxyCmd(g *globals) *cobra.Command {
	var (
		listen        string
		httpPort      int
		socksPort     int
		authTokenFile string
	)
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Run the filtering HTTP and SOCKS5 proxies as a service",
		Long: `Run srt's filtering HTTP proxy (default port 8080) and SOCKS5 proxy (default port 8081) until
SIGINT or SIGTERM. SIGHUP reloads the settings file; an invalid new file is rejected and the old policy
stays. ANTHROPIC_HTTP_PROXY_PORT and ANTHROPIC_SOCKS_PROXY_PORT override the default ports; the flags
override both. Port 0 picks any free port.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			hp, err := portSetting(cmd, "http-port", httpPort, "ANTHROPIC_HTTP_PROXY_PORT")
			if err != nil {
				return err
			}
			sp, err := portSetting(cmd, "socks-port", socksPort, "ANTHROPIC_SOCKS_PROXY_PORT")
			if err != nil {
				return err
			}
			token := os.Getenv("SRT_PROXY_AUTH_TOKEN")
			if authTokenFile != "" {
				b, err := os.ReadFile(authTokenFile)
				if err != nil {
					return fmt.Errorf("reading auth token: %w", err)
				}
				token = strings.TrimSpace(string(b))
				if token == "" {
					return fmt.Errorf("auth token file %q is empty", authTokenFile)
				}
			}
			pol, err := g.load()
			if err != nil {
				return err
			}
			log, err := g.openAudit()
			if err != nil {
				return err
			}
			defer log.Close()

			// Subscribe before listening so that a signal sent as soon as the ports are printed is not lost.
			sigs := make(chan os.Signal, 4)
			signal.Notify(sigs, append([]os.Signal{os.Interrupt, syscall.SIGTERM}, reloadSignals...)...)
			defer signal.Stop(sigs)

			srv, err := host.StartProxies(pol, host.ProxyOptions{
				Listen: listen, HTTPPort: hp, SOCKSPort: sp, AuthToken: token, Recorder: log,
			})
			if err != nil {
				return err
			}
			defer srv.Close()
			if !isLoopback(listen) && token == "" {
				fmt.Fprintf(g.stderr, "srt: warning: listening on %s without authentication: anyone who can reach "+
					"it can use the proxies (set SRT_PROXY_AUTH_TOKEN or --auth-token-file)\n", listen)
			}
			fmt.Fprintf(g.stdout, "HTTP proxy listening on %s\n", srv.HTTPAddr())
			fmt.Fprintf(g.stdout, "SOCKS5 proxy listening on %s\n", srv.SOCKSAddr())

			for {
				select {
				case <-cmd.Context().Done():
					return nil
				case s := <-sigs:
					if !isReload(s) {
						fmt.Fprintf(g.stderr, "srt: %v: shutting down\n", s)
						return nil
					}
					newPol, err := g.load()
					if err != nil {
						fmt.Fprintf(g.stderr, "srt: reload failed, keeping the previous policy: %v\n", err)
						continue
					}
					srv.SetPolicy(newPol)
					fmt.Fprintf(g.stderr, "srt: settings reloaded\n")
				}
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1", "address to listen on")
	f.IntVar(&httpPort, "http-port", 8080, "HTTP proxy port (0: any free port)")
	f.IntVar(&socksPort, "socks-port", 8081, "SOCKS5 proxy port (0: any free port)")
	f.StringVar(&authTokenFile, "auth-token-file", "", "require clients to present the token in `FILE` "+
		"(HTTP: Basic Proxy-Authorization password; SOCKS5: username/password). Also SRT_PROXY_AUTH_TOKEN")
	return cmd
}

// portSetting returns the flag's value if it was given, else the environment variable's, else the default.
func portSetting(cmd *cobra.Command, flag string, val int, env string) (int, error) {
	if !cmd.Flags().Changed(flag) {
		if s, ok := os.LookupEnv(env); ok && s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 65535 {
				return 0, fmt.Errorf("%s=%q: not a port number (0-65535)", env, s)
			}
			return n, nil
		}
	}
	if val < 0 || val > 65535 {
		return 0, fmt.Errorf("--%s %d: not a port number (0-65535)", flag, val)
	}
	return val, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}
