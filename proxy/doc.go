// Package proxy implements srt's two filtering proxies: an HTTP proxy (absolute-form requests and CONNECT,
// on github.com/elazarl/goproxy) and a SOCKS5 proxy (CONNECT only, on github.com/armon/go-socks5). Both ask
// a [Gate] before they resolve or dial anything.
//
//	gate := proxy.NewGate(pol, proxy.GateOptions{Recorder: rec})
//	h := proxy.NewHTTP(gate, proxy.Options{})
//	go h.Serve(httpListener)
//	s := proxy.NewSOCKS(gate, proxy.Options{})
//	go s.Serve(socksListener)
//	...
//	gate.SetPolicy(newPolicy) // e.g. on SIGHUP; takes effect for new requests
//
// Denials use sandbox-runtime's exact bytes, so clients written for it behave the same: HTTP 403 with
// "X-Proxy-Error: blocked-by-allowlist" and the body "Connection blocked by network allowlist"; SOCKS reply
// 05 02. The libraries' allow-by-default behaviour (go-socks5's PermitAll and DNS-before-rules, goproxy's
// environment proxy and unverified TLS transport) is replaced, never relied on.
package proxy
