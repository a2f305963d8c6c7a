package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// smallBody is the fixed response of the upstream's "/" endpoint.
const smallBody = "srt-bench upstream: a small fixed response body of 64 bytes.\n\n\n\n"

// maxStreamBytes bounds what /stream may be asked for.
const maxStreamBytes = 4 << 30

// upstream is the HTTP server every measurement ends at.
type upstream struct {
	srv  *http.Server
	addr *net.TCPAddr
}

// startUpstream serves on 127.0.0.1, on any free port:
//
//	GET /                 a 64-byte body
//	GET /stream?bytes=N   N bytes (at most 4 GiB), for throughput
//
// Serving errors are written to logw.
func startUpstream(logw io.Writer) (*upstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(len(smallBody)))
		io.WriteString(w, smallBody)
	})
	mux.HandleFunc("GET /stream", serveStream)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(logw, "upstream: %v\n", err)
		}
	}()
	return &upstream{srv: srv, addr: ln.Addr().(*net.TCPAddr)}, nil
}

func serveStream(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.URL.Query().Get("bytes"), 10, 64)
	if err != nil || n < 0 || n > maxStreamBytes {
		http.Error(w, "bytes: want 0 to 4 GiB", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	chunk := make([]byte, 256<<10)
	for i := range chunk {
		chunk[i] = byte(i)
	}
	for n > 0 {
		m := min(n, int64(len(chunk)))
		if _, err := w.Write(chunk[:m]); err != nil {
			return
		}
		n -= m
	}
}

// Close stops the server and closes its connections.
func (u *upstream) Close() error { return u.srv.Close() }
