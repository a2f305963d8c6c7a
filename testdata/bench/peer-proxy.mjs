// peer-proxy.mjs starts the HTTP and SOCKS5 proxies of Anthropic's sandbox-runtime
// (@anthropic-ai/sandbox-runtime) standalone, for cmd/srt-bench to measure next to srt's.
//
//   node peer-proxy.mjs --pkg DIR --settings FILE [--mux]
//
// DIR is the installed package (…/node_modules/@anthropic-ai/sandbox-runtime); FILE is an srt/sandbox-runtime
// settings file, of which network.allowedDomains and network.deniedDomains are used. The proxies get the same
// filter sandbox-manager gives them (host validation, canonicalisation, deny list, then allow list, no ask
// callback) and the same resolved-address guard for direct dials.
//
// By default each proxy has its own listener on 127.0.0.1. With --mux they share one port behind the
// package's first-byte multiplexer, as sandbox-manager runs them (HTTP then takes an extra unix-socket hop).
//
// It prints, like `srt proxy`:
//   HTTP proxy listening on 127.0.0.1:PORT
//   SOCKS5 proxy listening on 127.0.0.1:PORT
// and runs until SIGINT, SIGTERM or the end of stdin (so it dies with the process that started it).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values: opts } = parseArgs({
  options: {
    pkg: { type: 'string' },
    settings: { type: 'string' },
    mux: { type: 'boolean', default: false },
  },
});
if (!opts.pkg || !opts.settings) {
  console.error('usage: node peer-proxy.mjs --pkg DIR --settings FILE [--mux]');
  process.exit(2);
}

const load = (rel) => import(pathToFileURL(join(opts.pkg, 'dist', rel)).href);
const { createHttpProxyServer } = await load('sandbox/http-proxy.js');
const { createSocksProxyServer } = await load('sandbox/socks-proxy.js');
const { createMuxProxyServer } = await load('sandbox/mux-proxy.js');
const { createResolvedAddressGuard } = await load('sandbox/resolved-address-guard.js');
const { matchesDomainPatternWithPort } = await load('sandbox/domain-pattern.js');
const { canonicalizeHost, isValidHost } = await load('sandbox/parent-proxy.js');

const network = JSON.parse(readFileSync(opts.settings, 'utf8')).network ?? {};
const allowed = network.allowedDomains ?? [];
const denied = network.deniedDomains ?? [];

// The decision sandbox-manager's filterNetworkRequest makes for a config with no ask callback.
function filter(port, host) {
  if (!isValidHost(host)) return false;
  const canonical = canonicalizeHost(host) ?? host;
  if (denied.some((d) => matchesDomainPatternWithPort(canonical, port, d))) return false;
  return allowed.some((a) => matchesDomainPatternWithPort(canonical, port, a));
}

const guard = createResolvedAddressGuard({ allowedDomains: allowed, deniedDomains: denied });
const lookupFor = (port) => guard.lookupFor(port);

const http = createHttpProxyServer({ filter: async (port, host) => filter(port, host), lookupFor });
const socks = createSocksProxyServer({ filter: async (port, host) => filter(port, host), lookupFor });

const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });

let httpPort;
let socksPort;
let closers;
if (opts.mux) {
  const mux = createMuxProxyServer({ httpServer: http, handleSocksConnection: (s) => socks.handleConnection(s) });
  await mux.listenHttpBackend();
  httpPort = socksPort = await listen(mux.server);
  closers = [() => mux.close()];
} else {
  const socksListener = createServer((s) => socks.handleConnection(s));
  httpPort = await listen(http);
  socksPort = await listen(socksListener);
  closers = [
    () => socks.close(),
    () => new Promise((resolve) => socksListener.close(() => resolve())),
    () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  ];
}

console.log(`HTTP proxy listening on 127.0.0.1:${httpPort}`);
console.log(`SOCKS5 proxy listening on 127.0.0.1:${socksPort}`);

let stopping = false;
async function stop(why) {
  if (stopping) return;
  stopping = true;
  console.error(`peer-proxy: ${why}: shutting down`);
  const timer = setTimeout(() => process.exit(0), 2000);
  timer.unref();
  await Promise.allSettled(closers.map((c) => c()));
  process.exit(0);
}
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();
