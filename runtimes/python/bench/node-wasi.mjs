// Runs python.wasm under Node's node:wasi (for runtimes/python/bench.sh).
// usage: node --no-wasm-trap-handler node-wasi.mjs python.wasm PREFIX_DIR [python args...]
// PREFIX_DIR must contain lib/python311.zip; it is pre-opened at /.srt/python.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv } from 'node:process';

const [wasmPath, prefixDir, ...args] = argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args: ['python', ...args],
  env: {},
  preopens: { '/.srt/python': prefixDir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
