package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proxyProc is a running proxy service: `srt proxy` or the peer's peer-proxy.mjs. Both print
// "HTTP proxy listening on ADDR" and "SOCKS5 proxy listening on ADDR" when they are ready.
type proxyProc struct {
	name      string
	cmd       *exec.Cmd
	stdin     io.Closer // the peer exits when its stdin ends
	stderr    *tailBuffer
	exited    chan struct{}
	waitErr   error // valid once exited is closed
	httpAddr  string
	socksAddr string
}

// startProxyProc starts cmd and waits up to timeout for it to print both listening addresses.
// On error the process has been stopped.
func startProxyProc(name string, cmd *exec.Cmd, timeout time.Duration) (*proxyProc, error) {
	p := &proxyProc{name: name, cmd: cmd, stderr: &tailBuffer{max: 4 << 10}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	cmd.Env = benchEnv()
	setProcAttr(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}

	addrs := make(chan [2]string, 1)
	go func() {
		var a [2]string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if s, ok := strings.CutPrefix(line, "HTTP proxy listening on "); ok {
				a[0] = s
			} else if s, ok := strings.CutPrefix(line, "SOCKS5 proxy listening on "); ok {
				a[1] = s
			}
			if a[0] != "" && a[1] != "" {
				addrs <- a
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep the pipe drained until the process exits
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	select {
	case a := <-addrs:
		p.httpAddr, p.socksAddr = a[0], a[1]
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("%s exited before listening (%v)%s", name, p.waitErr, p.stderr.suffix())
	case <-time.After(timeout):
		p.stop()
		return nil, fmt.Errorf("%s did not print its listening addresses within %v%s", name, timeout, p.stderr.suffix())
	}
}

// stop asks the process to exit (SIGTERM, end of stdin) and kills it if it has not within 5s.
func (p *proxyProc) stop() {
	p.stdin.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// alive reports an error if the process has exited.
func (p *proxyProc) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("%s exited (%v)%s", p.name, p.waitErr, p.stderr.suffix())
	default:
		return nil
	}
}

// benchEnv is this process's environment without the variables that turn on the proxies' debug
// logging or choose their ports.
func benchEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "SRT_DEBUG", "DEBUG", "ANTHROPIC_HTTP_PROXY_PORT", "ANTHROPIC_SOCKS_PROXY_PORT",
			"SRT_PROXY_AUTH_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(b), nil
}

// suffix is ": " and the most telling line the process wrote on stderr (the last with "Error" in it,
// else the last), or "" if it wrote nothing.
func (t *tailBuffer) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var last, lastErr string
	for line := range strings.Lines(string(t.buf)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		last = line
		if strings.Contains(line, "Error") {
			lastErr = line
		}
	}
	switch {
	case lastErr != "":
		return ": " + lastErr
	case last != "":
		return ": " + last
	}
	return ""
}
