// qjs-peer.mjs: the peer for testdata/bench/wasm-js.sh. It runs the same quickjs.wasm that srt embeds, driven
// by its own npm package (quickjs-wasi, installed by the bench script into .bench/node-qjs) on Node, through the
// package's documented API: QuickJS.create({wasm}), newFunction/setProp for a minimal console.log, evalCode,
// executePendingJobs. No interrupt handler and no memory limit (the package's defaults).
//
//   node testdata/bench/qjs-peer.mjs PREFIX -e CODE     (PREFIX: the npm --prefix, e.g. .bench/node-qjs)
//   node testdata/bench/qjs-peer.mjs PREFIX FILE.js
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [prefix, mode, arg] = process.argv.slice(2);
if (!prefix || !mode) {
  process.stderr.write('usage: qjs-peer.mjs PREFIX (-e CODE | FILE)\n');
  process.exit(2);
}
const require = createRequire(path.resolve(prefix, "noop.js"));
const { QuickJS } = await import(require.resolve('quickjs-wasi'));
const wasm = readFileSync(require.resolve('quickjs-wasi/quickjs.wasm'));

const [code, filename] = mode === '-e' ? [arg, '<eval>'] : [readFileSync(mode, 'utf8'), mode];

const vm = await QuickJS.create({ wasm });
const consoleObj = vm.newObject();
const log = vm.newFunction('log', (...args) => {
  process.stdout.write(args.map((a) => a.toString()).join(' ') + '\n');
  return vm.undefined;
});
vm.setProp(consoleObj, 'log', log);
vm.setProp(vm.global, 'console', consoleObj);
log.dispose();
consoleObj.dispose();
try {
  vm.evalCode(code, filename).dispose();
  vm.executePendingJobs();
} catch (e) {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exitCode = 1;
}
vm.dispose();
