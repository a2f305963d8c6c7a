// Shared helpers for srt's WASM JavaScript attack scripts (run by cmd/srt/wasmjs_test.go through the
// same harness as testdata/attacks/python). Layout prepared by the test, in the working directory:
//   secret/key, secretfile        denyRead (content: the canary; must never be printed)
//   w/                            allowWrite; w/.git/hooks/ and w/.git/config exist
//   w/link -> ../secret/key       a pre-existing symlink into denyRead
//   w/rootlink -> ..              a directory symlink climbing out of allowWrite
//   w/etclink -> /etc, w/rolink -> ../ro.txt, w/dang -> ../new.txt (dangling)
//   ro.txt                        readable, not writable
// process.argv[2] is srt's compilation cache directory (must stay invisible).
'use strict';
const ROOT = process.cwd();

// attempt runs fn (sync or async); a thrown error or rejection means the sandbox blocked it. Anything
// returned is an escape.
async function attempt(name, fn) {
  let r;
  try {
    r = await fn();
  } catch (e) {
    console.log('BLOCKED', name, e && e.name, e && e.code);
    return;
  }
  let s;
  try { s = typeof r === 'string' ? r : JSON.stringify(r); } catch { s = String(r); }
  console.log('ESCAPED', name, String(s).slice(0, 200));
}

// allowed runs fn, which the sandbox may allow.
async function allowed(name, fn) {
  try {
    await fn();
    console.log('ALLOWED', name);
  } catch (e) {
    console.log('BLOCKED', name, e && e.name, e && e.code);
  }
}

module.exports = { ROOT, attempt, allowed };
