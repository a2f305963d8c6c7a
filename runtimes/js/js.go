// Package js embeds the QuickJS-NG JavaScript engine built as a WASI reactor
// (quickjs.wasm from the npm package quickjs-wasi 3.7.0, MIT).
//
// Usage:
//
//	wasm := js.Module() // hand to a host driver, e.g. wasi/quickjs
//
// The module is a reactor, not a command: the host instantiates it, calls
// _initialize and qjs_init, and then drives the engine through the exported
// qjs_* functions, supplying six imports in the "env" module (host_call,
// host_interrupt, host_module_normalize, host_module_load,
// host_promise_rejection, host_get_timezone_offset) plus a few
// wasi_snapshot_preview1 functions. See README.md for the ABI and for how
// quickjs.wasm is fetched and verified (fetch.sh, SHA256SUMS).
//
// This package does not depend on any WebAssembly runtime; the driver lives in
// wasi/quickjs.
package js

import _ "embed"

//go:embed quickjs.wasm
var module []byte

// Module returns the WebAssembly binary of the engine. The returned slice is
// shared: callers must not modify it.
func Module() []byte { return module }
