package proxy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/proxy"
)

func TestClients(t *testing.T) {
	f := start(t, proxy.Options{})
	for _, tc := range []struct {
		name string
		dial func(ctx context.Context, host string, port int) (net.Conn, error)
	}{
		{"CONNECT", func(ctx context.Context, h string, p int) (net.Conn, error) {
			return proxy.DialConnect(ctx, f.httpAddr, h, p, "")
		}},
		{"SOCKS5", func(ctx context.Context, h string, p int) (net.Conn, error) {
			return proxy.DialSOCKS5(ctx, f.socksAddr, h, p, "")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := tc.dial(ctx, "localhost", f.upPort)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(c, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
			b, _ := io.ReadAll(c)
			c.Close()
			if !strings.HasSuffix(string(b), "hello from upstream") {
				t.Errorf("response %q", b)
			}
			_, err = tc.dial(ctx, "evil.localhost.test", 80)
			var de *policy.DenialError
			if !errors.As(err, &de) || de.Host != "evil.localhost.test" || de.Port != 80 ||
				!strings.Contains(err.Error(), "blocked by network allowlist") {
				t.Errorf("denied host: %v", err)
			}
		})
	}
}
