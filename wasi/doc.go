// Package wasi runs WebAssembly (WASI preview 1) command modules under wazero with srt's policy: the
// guest sees host files under their own names as the policy allows, reaches the network only through a
// dialer the caller provides (srt's proxies), and is bounded in time, memory and output.
//
//	eng, err := wasi.NewEngine(ctx, python.Module(), wasi.Config{
//		CacheDir: dir,                              // compilation cache, 0700, never visible to guests
//		Snapshot: &wasi.Snapshot{Preinit: "srt_preinit", Run: "srt_run"},
//	})
//	defer eng.Close(ctx)
//	code, err := eng.Run(ctx, wasi.RunConfig{
//		Args:   []string{"python", "-c", "print(1)"},
//		Stdout: os.Stdout, Stderr: os.Stderr,
//		Policy: pol, Recorder: log, Backend: "wasm-python",
//		Dir:    cwd,                                  // guest working directory (a host path)
//		Trees:  []wasi.Tree{{Prefix: "/.srt/python", FS: stdlib}},
//		Dial:   dial,                                 // connects through the proxies
//	})
//
// Compile once per process (NewEngine), run many times (Run). Only this package tree imports wazero.
//
// # Guest file system
//
// One experimental/sys.FS is mounted at the guest's "/". A guest path names the same host path (or, under
// a Mount, the host directory mounted there). Every access is decided on the host path with every
// symlink resolved: reads are allowed except under denyRead (EACCES, never content); writes only where
// Policy.DecideWrite allows (else EROFS), and they go through an os.Root opened at the allowWrite
// directory, so a symlink cannot lead a write outside it. Paths never climb above "/" (wazero cleans them).
// /.srt is reserved: read-only Trees and srt's virtual files live there, nothing of the host.
//
// # Network
//
// The guest has no sockets; it opens virtual files below /.srt/net instead (net.go has the protocol):
// tcp/HOST:PORT read-write is a connection made by RunConfig.Dial (srt: through its proxies, so the name is
// resolved by the proxy, never in the guest); starttls/ID/NAME makes the host do the TLS handshake on
// connection ID (crypto/tls; system roots or SSL_CERT_FILE, or the roots the guest wrote to tlsroots/ID)
// and the guest keeps a plaintext stream; pair and pair/ID are the two ends of an in-memory socket pair
// (socket.socketpair, asyncio's self-pipe); poll answers readiness; error explains the last failure (e.g.
// "denied\tconnection to h:80 blocked by network allowlist"). The Python side is package wasi/pyshim.
//
// # Time
//
// clock_time_get and poll_oneoff are srt's own: CPython sleeps with an absolute clock subscription, which
// wazero v1.12 rejects, and a sleep must end when the run's context does.
//
// # Limits
//
// RunConfig.Stdout/Stderr receive the guest's output (wrap them to cap it). Memory is capped by
// Config.MemoryLimit. When ctx ends, Run returns at once with ErrTimeout (deadline) or the context's error,
// and host calls that block (sleep, poll, network) end the guest. A guest spinning in compiled code is not
// stopped, though: it keeps its goroutine and, because compiled code has no preemption points, it also
// stalls the Go garbage collector's stop-the-world until it calls the host. Either compile with
// Config.InterruptBusyLoops (wazero's WithCloseOnContextDone: measured 2-2.5× slower on a Python loop)
// or, as srt's CLI does, run the guest in a process that a supervisor kills at the deadline.
package wasi
