package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// jsRun runs `srt -s settings [srt flags] wasm js ARGS` in dir.
func jsRun(t *testing.T, dir, settings, stdin string, env []string, args ...string) wasmResult {
	t.Helper()
	return wasmRun(t, dir, env, stdin, append([]string{"-s", settings, "wasm", "js"}, args...)...)
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWasmJSBasics(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"script.js":  "console.log('args', process.argv.slice(2), process.argv[1].endsWith('/script.js'))\n",
		"shebang.js": "#!/usr/bin/env node\nconsole.log('shebang ok')\n",
		"throw.js":   "function f() {\n  throw new TypeError('bad thing');\n}\nf();\n",
	})
	settings := wasmSettings(t, nil, nil, nil)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string // regexp
		wantErr  string // regexp
	}{
		{"hello", "", []string{"-e", "console.log('hello world')"}, 0, `^hello world\n$`, `^$`},
		{"node alias", "", []string{"-e", "console.log(typeof require, typeof fetch)"}, 0, `^function function\n$`, `^$`},
		{"formatting", "", []string{"-e", "console.log({a: [1, 'x'], b: null}, 1.5, [undefined])"}, 0, `^\{ a: \[ 1, 'x' \], b: null \} 1\.5 \[ undefined \]\n$`, `^$`},
		{"Buffer formatting", "", []string{"-e", "console.log(Buffer.from('hi'), [Buffer.alloc(0)], Buffer.alloc(51))"}, 0, `^<Buffer 68 69> \[ <Buffer > \] <Buffer (00 ){49}00 \.\.\. 1 more bytes>\n$`, `^$`},
		{"script with args", "", []string{"script.js", "a b", "--c"}, 0, `^args \[ 'a b', '--c' \] true\n$`, `^$`},
		{"shebang", "", []string{"shebang.js"}, 0, `^shebang ok\n$`, `^$`},
		{"stdin", "console.log(6*7)\n", nil, 0, `^42\n$`, `^$`},
		{"dash stdin", "console.log(process.argv.slice(1))\n", []string{"-", "x"}, 0, `^\[ '-', 'x' \]\n$`, `^$`},
		{"print", "", []string{"-p", "[1 + 2, require('path').sep]"}, 0, `^\[ 3, '/' \]\n$`, `^$`},
		{"eval args", "", []string{"-e", "console.log(process.argv.slice(1))", "p", "q"}, 0, `^\[ 'p', 'q' \]\n$`, `^$`},
		{"exit code", "", []string{"-e", "process.exit(3)"}, 3, `^$`, `^$`},
		{"exitCode", "", []string{"-e", "process.exitCode = 4; console.log('after')"}, 4, `^after\n$`, `^$`},
		{"uncaught", "", []string{"throw.js"}, 1, `^$`, `(?s)TypeError: bad thing\n\s+at f \(.*throw\.js:2.*\n`},
		{"unhandled rejection", "", []string{"-e", "Promise.reject(new Error('nope'))"}, 1, `^$`, `Error: nope`},
		{"mixed -e", "", []string{"-e", "import path from 'node:path'; const fs = require('fs'); const v = await Promise.resolve(path.join('a', 'b')); console.log(v, typeof fs.readFileSync)"}, 0, `^a/b function\n$`, `^$`},
		{"mixed stdin", "import { basename } from 'path'\nconsole.log(basename(await Promise.resolve('/x/y.js')), require('os').EOL === '\\n')\n", []string{"-"}, 0, `^y\.js true\n$`, `^$`},
		{"timers vs microtasks", "", []string{"-e", `setTimeout(() => console.log('timeout'), 0); Promise.resolve().then(() => console.log('micro')); process.nextTick(() => console.log('tick')); queueMicrotask(() => console.log('qm')); console.log('sync')`}, 0, `^sync\ntick\nmicro\nqm\ntimeout\n$`, `^$`},
		{"interval", "", []string{"-e", "let n = 0; const i = setInterval(() => { if (++n === 3) { clearInterval(i); console.log('n', n) } }, 5)"}, 0, `^n 3\n$`, `^$`},
		{"cwd", "", []string{"-e", "console.log(process.cwd())"}, 0, "^" + regexp.QuoteMeta(resolved(t, dir)) + `\n$`, `^$`},
		{"env only --env", "", []string{"--env", "A=1", "-e", "console.log(Object.keys(process.env).sort().join(','), process.env.A)"}, 0, `^A,HOME,SANDBOX_RUNTIME,TMPDIR 1\n$`, `^$`},
		{"program flags stay", "", []string{"-e", "console.log(process.argv.slice(1))", "--timeout", "1s"}, 0, `^\[ '--timeout', '1s' \]\n$`, `^$`},
		{"missing script", "", []string{"nope.js"}, 1, `^$`, `cannot run nope\.js: ENOENT`},
		{"help", "", []string{"--help"}, 0, `--max-output`, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := "js"
			if tt.name == "node alias" {
				rt = "node"
			}
			r := wasmRun(t, dir, []string{"SECRET_TOKEN=nope"}, tt.stdin, append([]string{"-s", settings, "wasm", rt}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d (stdout %q stderr %q)", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if !regexp.MustCompile(tt.wantOut).MatchString(r.stdout) {
				t.Errorf("stdout %q does not match %q", r.stdout, tt.wantOut)
			}
			if !regexp.MustCompile(tt.wantErr).MatchString(r.stderr) {
				t.Errorf("stderr %q does not match %q", r.stderr, tt.wantErr)
			}
		})
	}
}

func TestWasmJSStdin(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	for name, code := range map[string]string{
		"readFileSync(0)":  `console.log(JSON.stringify(require('fs').readFileSync(0, 'utf8')))`,
		"async iteration":  `let s = ''; for await (const c of process.stdin) s += c; console.log(JSON.stringify(s))`,
		"data/end events":  `let s = ''; process.stdin.setEncoding('utf8'); process.stdin.on('data', (c) => s += c); process.stdin.on('end', () => console.log(JSON.stringify(s)))`,
		"readFileSync buf": `console.log(JSON.stringify(require('fs').readFileSync('/dev/stdin').toString()))`,
	} {
		t.Run(name, func(t *testing.T) {
			r := jsRun(t, "", settings, "line 1\nline 2\n", nil, "-e", code)
			if r.code != 0 || r.stdout != `"line 1\nline 2\n"`+"\n" {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestWasmJSReadline checks the readline subset on piped input; want is what Node 20 prints for the same
// programs and input (including a question left unanswered when input ends).
func TestWasmJSReadline(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	for _, tc := range []struct {
		name, code, want string
		wantCode         int
	}{
		{"line events", `const rl = require('readline').createInterface({ input: process.stdin }); let n = 0;
rl.on('line', (l) => { n += Number(l); }); rl.on('close', () => console.log('sum', n));`, "sum 6\n", 0},
		{"for await", `import * as readline from 'node:readline';
const lines = []; for await (const l of readline.createInterface({ input: process.stdin })) lines.push(l);
console.log(lines.join(','));`, "1,2,3\n", 0},
		{"question callbacks", `const rl = require('readline').createInterface({ input: process.stdin, output: process.stdout });
rl.question('x? ', (x) => { rl.question('y? ', (y) => { console.log('\n' + x * y); rl.close(); }); });`, "x? y? \n2\n", 0},
		{"promises", `const rl = require('readline/promises').createInterface({ input: process.stdin, output: process.stdout });
const a = await rl.question('a? '); const b = await rl.question('b? '); console.log('never', a, b);`, "a? b? ", 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := jsRun(t, "", settings, "1\n2\n3\n", nil, "-e", tc.code)
			if r.code != tc.wantCode || r.stdout != tc.want {
				t.Errorf("exit %d stdout %q (want %q) stderr %q", r.code, r.stdout, tc.want, r.stderr)
			}
		})
	}
}

func TestWasmJSModules(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		// a pure-JS CommonJS package with main, one with exports (string and conditions), a scoped one
		"node_modules/leftpad/package.json":    `{"name": "leftpad", "main": "lib/index.js"}`,
		"node_modules/leftpad/lib/index.js":    "const rep = require('./rep');\nexports.pad = (s, n) => rep(' ', n - s.length) + s;\nexports.version = require('../package.json').name;\n",
		"node_modules/leftpad/lib/rep.js":      "module.exports = (c, n) => (n > 0 ? c.repeat(n) : '');\n",
		"node_modules/cond/package.json":       `{"name": "cond", "exports": {".": {"import": "./esm.mjs", "require": "./cjs.cjs"}, "./extra": "./extra.js"}}`,
		"node_modules/cond/esm.mjs":            "export const kind = 'esm';\nexport default 'cond-esm';\n",
		"node_modules/cond/cjs.cjs":            "module.exports = { kind: 'cjs' };\n",
		"node_modules/cond/extra.js":           "module.exports = 'extra';\n",
		"node_modules/@scope/str/package.json": `{"name": "@scope/str", "exports": "./main.js"}`,
		"node_modules/@scope/str/main.js":      "exports.upper = (s) => s.toUpperCase();\n",
		"app/main.cjs":                         "const { pad, version } = require('leftpad');\nconst m = require('./lib/math');\nconsole.log(pad('x', 3) + '|', version, m.add(2, 3), require('./data.json').n);\nconsole.log(__filename.endsWith('/app/main.cjs'), __dirname.endsWith('/app'), require('cond').kind, require('cond/extra'));\nconsole.log(require('@scope/str').upper('ok'), typeof require('node:fs').readFileSync, require('path') === require('node:path'), module.exports === exports);\n",
		"app/lib/math.js":                      "exports.add = (a, b) => a + b;\n",
		"app/data.json":                        `{"n": 42}`,
		"app/main.mjs":                         "import { pad } from 'leftpad';\nimport cond, { kind } from 'cond';\nimport { sub } from './esm/sub.js';\nimport data from './data.json';\nimport { readFileSync } from 'node:fs';\nimport * as path from 'path';\nconsole.log(pad('y', 2) + '|', cond, kind, sub(5, 3), data.n, typeof readFileSync, path.sep);\nconsole.log(import.meta.url.startsWith('file:///'), import.meta.url.endsWith('/app/main.mjs'));\nconst dyn = await import('./lib/math.js');\nconsole.log(dyn.add(1, 1), dyn.default.add(2, 2));\n",
		"app/esm/package.json":                 `{"type": "module"}`,
		"app/esm/sub.js":                       "export const sub = (a, b) => a - b;\n",
		"app/detect.js":                        "import { upper } from '@scope/str';\nconsole.log(upper('detected'));\n",
		"app/meta.js":                          "console.log(import.meta.url.endsWith('/app/meta.js'));\n",
		"app/comment-export.js":                "/* licence */ export const v = 'esm';\nconsole.log(v, typeof require);\n",
		"app/template.js":                      "const gen = `\nimport x from 'y'\n`;\nconsole.log(typeof require, gen.trim());\n",
		"app/tla.js":                           "const v = await Promise.resolve(7);\nconsole.log('tla', v);\n",
		"app/missing.js":                       "require('./nope');\n",
		"app/throws.js":                        "function boom() {\n  throw new Error('boom');\n}\nmodule.exports = boom;\n",
		"typed/package.json":                   `{"type": "module"}`,
		"typed/t.js":                           "console.log(typeof require, typeof module);\n",
	})
	settings := wasmSettings(t, nil, nil, nil)
	for _, tc := range []struct {
		script, want string
	}{
		{"app/main.cjs", "  x| leftpad 5 42\ntrue true cjs extra\nOK function true true\n"},
		{"app/main.mjs", " y| cond-esm esm 2 42 function /\ntrue true\n2 4\n"},
		{"app/detect.js", "DETECTED\n"},
		// Node's detection: CommonJS unless the file only parses as an ES module.
		{"app/meta.js", "true\n"},
		{"app/comment-export.js", "esm undefined\n"},
		{"app/template.js", "function import x from 'y'\n"},
		{"app/tla.js", "tla 7\n"},
		{"typed/t.js", "undefined undefined\n"},
	} {
		t.Run(tc.script, func(t *testing.T) {
			r := jsRun(t, dir, settings, "", nil, tc.script)
			if r.code != 0 || r.stdout != tc.want {
				t.Errorf("exit %d stdout %q (want %q) stderr %q", r.code, r.stdout, tc.want, r.stderr)
			}
		})
	}
	r := jsRun(t, dir, settings, "", nil, "app/missing.js")
	if r.code != 1 || !strings.Contains(r.stderr, "Cannot find module './nope'") {
		t.Errorf("missing module: exit %d stderr %q", r.code, r.stderr)
	}
	// A CommonJS main script: its frames keep their lines and no frame points past its end; a syntax error
	// on its first line is reported at the column of its own text (the wrapper shares that line).
	writeTree(t, dir, map[string]string{
		"app/err.js":    "function f() {\n  throw new Error('boom');\n}\nf();\n",
		"app/syntax.js": "let x = 1 +;\n",
	})
	r = jsRun(t, dir, settings, "", nil, "app/err.js")
	errJS := filepath.Join(dir, "app/err.js")
	if r.code != 1 || !strings.Contains(r.stderr, "at f ("+errJS+":2:") || !strings.Contains(r.stderr, "("+errJS+":4:1)") ||
		regexp.MustCompile(regexp.QuoteMeta(errJS)+`:[5-9]:`).MatchString(r.stderr) {
		t.Errorf("stack of a CommonJS main script: exit %d stderr %q", r.code, r.stderr)
	}
	r = jsRun(t, dir, settings, "", nil, "app/syntax.js")
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(dir, "app/syntax.js")+":1:12") {
		t.Errorf("first-line syntax error: exit %d stderr %q", r.code, r.stderr)
	}
	// Stack traces name the require()d file (not <input>), with its own line numbers.
	r = jsRun(t, dir, settings, "", nil, "-e", "require('./app/throws.js')()")
	if r.code != 1 || !strings.Contains(r.stderr, "at boom ("+filepath.Join(dir, "app/throws.js")+":2:") {
		t.Errorf("stack of a required file: exit %d stderr %q", r.code, r.stderr)
	}
	r = jsRun(t, dir, settings, "", nil, "-e", "try { require('nope') } catch (e) { console.log(e.code) } import('nope').catch((e) => console.log(e.code))")
	if r.code != 0 || r.stdout != "MODULE_NOT_FOUND\nERR_MODULE_NOT_FOUND\n" {
		t.Errorf("missing package: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWasmJSCrypto checks node:crypto's subset (digests and HMACs by the host; the expected values are
// Node 20's for the same calls) from CommonJS and an ES module.
func TestWasmJSCrypto(t *testing.T) {
	dir := resolved(t, t.TempDir())
	writeTree(t, dir, map[string]string{
		"c.js": `const crypto = require('crypto');
console.log(crypto.createHash('sha256').update('abc').digest('hex'));
console.log(crypto.createHash('md5').update('a').update(Buffer.from('bc')).digest('base64'));
console.log(crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'));
console.log(crypto.createHash('SHA1').update('616263', 'hex').digest().length);
try { crypto.createHash('nope'); } catch (e) { console.log('bad', e.message); }
try { crypto.createHmac('nope', 'k'); } catch (e) { console.log('bad', e.name, e.code); }
console.log(crypto.randomBytes(70000).length, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
const r = crypto.randomInt(5, 10); console.log(r >= 5 && r < 10, crypto.timingSafeEqual(Buffer.from('ab'), Buffer.from('ab')));
const h = crypto.createHash('sha512'); h.update('x'); const h2 = h.copy(); h.update('y');
console.log(h.digest('hex') === crypto.createHash('sha512').update('xy').digest('hex'), h2.digest('hex') === crypto.createHash('sha512').update('x').digest('hex'));
console.log(crypto.createHash('sha3-256').update('').digest('hex'), crypto.createHash('sha256').update('').digest('base64url'));
`,
		"m.mjs": "import { createHash } from 'node:crypto';\nimport crypto from 'crypto';\nconsole.log(createHash('sha1').update('abc').digest('hex'), crypto.createHash === createHash);\n",
	})
	settings := wasmSettings(t, nil, nil, nil)
	r := jsRun(t, dir, settings, "", nil, "c.js")
	want := `ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
kAFQmDzST7DWlj99KOF/cg==
f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8
20
bad Digest method not supported
bad TypeError ERR_CRYPTO_INVALID_DIGEST
70000 true
true true
true true
a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a 47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU
`
	if r.code != 0 || r.stdout != want {
		t.Errorf("c.js: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	r = jsRun(t, dir, settings, "", nil, "m.mjs")
	if want := "a9993e364706816aba3e25717850c26c9cd0d89d true\n"; r.code != 0 || r.stdout != want {
		t.Errorf("m.mjs: exit %d stdout %q (want %q) stderr %q", r.code, r.stdout, want, r.stderr)
	}
}

// TestWasmJSStreams checks fs.createReadStream/createWriteStream and readline over a file (want: what
// Node 20 prints for the same script), with writes outside allowWrite failing as 'error' events.
func TestWasmJSStreams(t *testing.T) {
	dir := resolved(t, t.TempDir())
	writeTree(t, dir, map[string]string{
		"w/in.txt": "alpha\nbeta\ngamma\n",
		"st.js": `const fs = require('fs'), readline = require('readline');
(async () => {
  const lines = [];
  for await (const l of readline.createInterface({ input: fs.createReadStream('w/in.txt'), crlfDelay: Infinity })) lines.push(l);
  console.log('lines', lines.join(','));
  const out = fs.createWriteStream('w/out.txt');
  out.write('x=1\n'); out.write(Buffer.from('y=2\n'));
  out.end('z=3\n', () => {
    console.log('written', JSON.stringify(fs.readFileSync('w/out.txt', 'utf8')), out.bytesWritten);
    let s = '';
    fs.createReadStream('w/out.txt', { encoding: 'utf8', start: 4 }).on('data', (c) => s += c).on('end', () => {
      console.log('read', JSON.stringify(s));
      fs.createReadStream('w/in.txt').pipe(fs.createWriteStream('w/copy.txt')).on('finish', () => {
        console.log('copy', fs.readFileSync('w/copy.txt', 'utf8') === fs.readFileSync('w/in.txt', 'utf8'));
        fs.createReadStream('w/missing').on('error', (e) => console.log('missing', e.code));
        fs.createWriteStream('outside.txt').on('error', (e) => console.log('outside', e.code));
      });
    });
  });
})();
`,
	})
	settings := wasmSettings(t, nil, nil, []string{"w"})
	r := jsRun(t, dir, settings, "", nil, "st.js")
	want := "lines alpha,beta,gamma\nwritten \"x=1\\ny=2\\nz=3\\n\" 12\nread \"y=2\\nz=3\\n\"\ncopy true\nmissing ENOENT\noutside EROFS\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "outside.txt")); !os.IsNotExist(err) {
		t.Errorf("outside.txt was created (%v)", err)
	}
}

// TestWasmJSSmallModules checks querystring and string_decoder (want: Node 20's output for the same code).
func TestWasmJSSmallModules(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	r := jsRun(t, "", settings, "", nil, "-e", `const qs = require('querystring');
console.log(qs.stringify({a: [1, 2], b: 'x y', c: '', d: true}), JSON.stringify(qs.parse('a=1&a=2&b=x%20y&c&d=%E2%9C%93+z')), qs.escape('a b&'), qs.unescape('a%20b'));
const { StringDecoder } = require('node:string_decoder');
const d = new StringDecoder('utf8'), b = Buffer.from('héllo✓');
console.log(JSON.stringify(d.write(b.subarray(0, 2)) + '|' + d.write(b.subarray(2, 8)) + '|' + d.end(b.subarray(8))));
const b64 = new StringDecoder('base64'); console.log(b64.write(Buffer.from('ab')) + '|' + b64.write(Buffer.from('cd')) + '|' + b64.end());`)
	want := `a=1&a=2&b=x%20y&c=&d=true {"a":["1","2"],"b":"x y","c":"","d":"✓ z"} a%20b%26 a b` + "\n" +
		`"h|éllo|✓"` + "\n|YWJj|ZA==\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
}

// TestWasmJSStreamModule checks the stream subset (want: Node 20's output for the same program), a package
// built on it, createRequire from an ES module, and the modules that load but cannot be used here.
func TestWasmJSStreamModule(t *testing.T) {
	dir := resolved(t, t.TempDir())
	writeTree(t, dir, map[string]string{
		"node_modules/upper/package.json": `{"name": "upper", "main": "index.js"}`,
		"node_modules/upper/index.js": "const { Transform } = require('stream');\n" +
			"module.exports = () => new Transform({ transform(c, e, cb) { cb(null, c.toString().toUpperCase()); } });\n",
		"s.js": `const { Readable, Writable, PassThrough, pipeline } = require('stream');
const { pipeline: pp } = require('stream/promises');
const upper = require('upper');
(async () => {
  const out = [];
  await pp(Readable.from(['a', 'b', 'c']), upper(), new Writable({ write(c, e, cb) { out.push(c.toString()); cb(); } }));
  console.log('pipeline', out.join(''));
  let n = 0;
  const src = new Readable({ read() { n++; this.push(n <= 3 ? String(n) : null); } });
  src.setEncoding('utf8');
  let got = '';
  for await (const c of src) got += c;
  console.log('read()', got);
  const pt = new PassThrough(); let s = ''; pt.on('data', (c) => s += c); pt.on('end', () => console.log('passthrough', s));
  pt.write('x'); pt.end('y');
  pipeline(Readable.from(['q']), new Writable({ write(c, e, cb) { cb(new Error('sink failed')); } }), (err) => console.log('pipeline err', err && err.message));
})();
`,
		"m.mjs": `import { createRequire } from 'node:module';
import { isMainThread } from 'worker_threads';
import { execSync } from 'child_process';
const require = createRequire(import.meta.url);
console.log(require('upper')().constructor.name, isMainThread);
try { execSync('ls'); } catch (e) { console.log(e.code, /not available in the WASM sandbox/.test(e.message)); }
`,
	})
	settings := wasmSettings(t, nil, nil, nil)
	r := jsRun(t, dir, settings, "", nil, "s.js")
	if want := "pipeline ABC\nread() 123\npassthrough xy\npipeline err sink failed\n"; r.code != 0 || r.stdout != want {
		t.Errorf("s.js: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	r = jsRun(t, dir, settings, "", nil, "m.mjs")
	if want := "Transform true\nERR_SRT_UNSUPPORTED true\n"; r.code != 0 || r.stdout != want {
		t.Errorf("m.mjs: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
}

func TestWasmJSFS(t *testing.T) {
	dir := resolved(t, t.TempDir())
	writeTree(t, dir, map[string]string{
		"w/existing.txt": "old",
		"ro.txt":         "read-only",
		"secret/key":     canary,
	})
	settings := wasmSettings(t, nil, []string{"secret"}, []string{"w"})
	script := `
const fs = require('fs'), fsp = require('fs/promises'), path = require('path');
const code = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
fs.writeFileSync('w/a.txt', 'hello');
fs.appendFileSync('w/a.txt', ' world');
console.log(fs.readFileSync('w/a.txt', 'utf8'), fs.readFileSync('w/a.txt').length, fs.readFileSync('ro.txt', {encoding: 'utf8'}));
console.log(fs.mkdirSync('w/d/e/f', { recursive: true }) === path.join(process.cwd(), 'w/d'), fs.existsSync('w/d/e/f'), fs.statSync('w/d').isDirectory());
fs.writeFileSync('w/d/e/f/g.bin', new Uint8Array([1, 2, 3]));
console.log(fs.readdirSync('w').join(','), fs.readdirSync('w', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).join(','));
console.log(fs.statSync('w/d/e/f/g.bin').size, fs.statSync('w/a.txt').isFile(), fs.statSync('w/a.txt').mtime instanceof Date);
fs.rmSync('w/d', { recursive: true });
console.log(fs.existsSync('w/d'), code(() => fs.rmSync('w/none')), code(() => fs.rmSync('w/none', { force: true })), code(() => fs.mkdirSync('w/existing.txt')));
console.log(code(() => fs.writeFileSync('ro.txt', 'x')), code(() => fs.writeFileSync('new.txt', 'x')), code(() => fs.readFileSync('secret/key')),
  code(() => fs.readdirSync('secret')), code(() => fs.readFileSync('w/nope')), code(() => fs.mkdirSync('outside')), code(() => fs.rmSync('ro.txt')));
try { fs.readFileSync('w/nope') } catch (e) { console.log(e.message, e.path === path.resolve('w/nope'), e instanceof Error) }
(async () => {
  await fsp.writeFile('w/p.txt', 'promised');
  await fsp.appendFile('w/p.txt', '!');
  console.log(await fsp.readFile('w/p.txt', 'utf8'), (await fsp.readdir('w')).length, (await fsp.stat('w/p.txt')).size);
  await fsp.mkdir('w/x/y', { recursive: true });
  await fsp.rm('w/x', { recursive: true });
  for (const f of [() => fsp.readFile('secret/key'), () => fsp.writeFile('ro.txt', 'x'), () => fsp.stat('w/nope')]) {
    await f().then(() => console.log('ok'), (e) => console.log(e.code));
  }
  fs.readFile('w/p.txt', 'utf8', (err, d) => console.log('cb', err, d));
  console.log(path.join('/a/b', '../c', './d'), path.resolve('w', 'z') === process.cwd() + '/w/z', path.dirname('/a/b/c.txt'),
    path.basename('/a/b/c.txt', '.txt'), path.extname('x.tar.gz'), path.relative('/a/b/c', '/a/d'), path.sep, path.isAbsolute('a'),
    path.normalize('a//b/../c/'), path.parse('/h/u/f.txt').name);
})();
`
	r := jsRun(t, dir, settings, "", nil, "-e", script)
	want := `hello world 11 read-only
true true true
a.txt,d,existing.txt d
3 true true
false ENOENT ok EEXIST
EROFS EROFS EACCES EACCES ENOENT EROFS EROFS
ENOENT: no such file or directory, open '` + dir + `/w/nope' true true
promised! 3 9
EACCES
EROFS
ENOENT
/a/c/d true /a/b c .gz ../../d / false a/c/ f
cb null promised!
`
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d stderr %q\nstdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, want)
	}
	if strings.Contains(r.stdout+r.stderr, canary) {
		t.Error("denyRead content disclosed")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ro.txt")); string(b) != "read-only" {
		t.Errorf("ro.txt changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.txt")); err == nil {
		t.Error("new.txt created outside allowWrite")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "w/a.txt")); string(b) != "hello world" {
		t.Errorf("w/a.txt: %q", b)
	}
	// A denyRead script cannot be run, and its content is not shown.
	r = jsRun(t, dir, settings, "", nil, "secret/key")
	if r.code != 1 || !strings.Contains(r.stderr, "EACCES") || strings.Contains(r.stderr, canary) {
		t.Errorf("denyRead script: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestWasmJSMount(t *testing.T) {
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "in.txt"), []byte("mounted"), 0o644)
	settings := wasmSettings(t, nil, nil, []string{data})
	r := jsRun(t, "", settings, "", nil, "--mount", data+":/data:ro", "-e",
		`const fs = require('fs'); console.log(fs.readFileSync('/data/in.txt', 'utf8')); try { fs.writeFileSync('/data/out.txt', 'w') } catch (e) { console.log(e.code) }`)
	if r.code != 0 || r.stdout != "mounted\nEROFS\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// jsonEcho is a loopback server answering JSON: the method, path, a header and the body it received.
func jsonEcho(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/final", http.StatusFound)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Reply", "yes")
		if r.URL.Path == "/missing" {
			w.WriteHeader(404)
		}
		json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "x": r.Header.Get("X-Test"),
			"ct": r.Header.Get("Content-Type"), "body": string(b)})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWasmJSFetch(t *testing.T) {
	srv := jsonEcho(t)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
const base = 'http://localhost:%d';
const r = await fetch(base + '/get', { headers: { 'X-Test': 'h1' } });
console.log(r.status, r.ok, r.headers.get('x-reply'), r.headers.get('Content-Type'), JSON.stringify(await r.json()));
const p = await fetch(new Request(base + '/post', { method: 'POST', headers: new Headers({ 'content-type': 'application/json' }), body: JSON.stringify({ a: 1 }) }));
console.log(JSON.stringify(await p.json()));
const m = await fetch(base + '/missing');
console.log(m.status, m.ok, (await m.text()).length > 0);
const b = await fetch(base + '/bytes', { method: 'PUT', body: new Uint8Array([104, 105]) });
console.log(new Uint8Array(await b.arrayBuffer()).length > 0, (await fetch(base + '/redirect')).url.endsWith('/final'));
for (const u of ['http://example.com/', 'https://example.com/', 'http://denied.invalid:8080/x']) {
  try { await fetch(u); console.log('allowed?!', u) } catch (e) { console.log(e instanceof TypeError, e.message) }
}
`, port)
	logFile := filepath.Join(t.TempDir(), "audit.jsonl")
	r := wasmRun(t, "", nil, "", "-s", settings, "--log-file", logFile, "wasm", "js", "-e", script)
	if r.code != 0 {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`200 true yes application/json {"body":"","ct":"","method":"GET","path":"/get","x":"h1"}` + "\n",
		`{"body":"{\"a\":1}","ct":"application/json","method":"POST","path":"/post","x":""}` + "\n",
		"404 false true\n", "true true\n",
		"true fetch failed: connection to example.com:80 blocked by network allowlist",
		"true fetch failed: connection to example.com:443 blocked by network allowlist",
		"true fetch failed: connection to denied.invalid:8080 blocked by network allowlist",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	log, _ := os.ReadFile(logFile)
	if !regexp.MustCompile(`"action":"deny","kind":"network","host":"example.com","port":443.*"backend":"wasm-js"`).Match(log) ||
		!regexp.MustCompile(`"action":"allow","kind":"network","host":"localhost".*"backend":"wasm-js"`).Match(log) {
		t.Errorf("audit log:\n%s", log)
	}
}

func TestWasmJSFetchAbort(t *testing.T) {
	srv := jsonEcho(t)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
const url = 'http://localhost:%d/slow';
const c = new AbortController();
setTimeout(() => c.abort(), 100);
const t0 = Date.now();
try { await fetch(url, { signal: c.signal }); console.log('not aborted') } catch (e) { console.log(e.name, Date.now() - t0 < 5000) }
try { await fetch(url, { signal: AbortSignal.timeout(100) }); console.log('not aborted') } catch (e) { console.log(e.name) }
try { await fetch(url, { signal: AbortSignal.abort() }); console.log('not aborted') } catch (e) { console.log(e.name) }
const ok = await fetch('http://localhost:%d/fast', { signal: AbortSignal.timeout(20000) });
console.log(ok.status);
`, port, port)
	start := time.Now()
	r := jsRun(t, "", settings, "", nil, "-e", script)
	if r.code != 0 || r.stdout != "AbortError true\nTimeoutError\nAbortError\n200\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 15*time.Second { // the timeout signal is 20 s: this asks only whether it held the run
		t.Errorf("took %v: an abort did not end its request, or a finished timeout signal kept the run alive", d)
	}
}

// TestWasmJSHTTPModule checks the http/https client subset: the same host path as fetch (srt's proxies,
// Go's TLS), Node's callback and event shapes, no redirect following, denials as request errors.
func TestWasmJSHTTPModule(t *testing.T) {
	port := jsonEcho(t).Listener.Addr().(*net.TCPAddr).Port
	caFile, cert := testCA(t)
	tlsPort := tlsUpstream(t, cert)
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
const http = require('http'), https = require('node:https');
const body = (res) => new Promise((resolve) => { let s = ''; res.setEncoding('utf8'); res.on('data', (c) => s += c); res.on('end', () => resolve(s)); });
await new Promise((done) => http.get('http://localhost:%d/get', { headers: { 'X-Test': 'h1' } }, async (res) => {
  console.log('get', res.statusCode, res.headers['x-reply'], JSON.parse(await body(res)).x); done();
}));
await new Promise((done) => {
  const req = http.request({ hostname: 'localhost', port: %d, path: '/post', method: 'POST', headers: { 'Content-Type': 'text/plain' } }, async (res) => {
    const j = JSON.parse(await body(res)); console.log('post', j.method, j.ct, j.body); done();
  });
  req.write('a'); req.write(Buffer.from('b')); req.end('c');
});
await new Promise((done) => http.get('http://localhost:%d/redirect', (res) => { console.log('redirect', res.statusCode, res.headers.location); res.resume(); res.on('end', done); }));
await new Promise((done) => https.get('https://localhost:%d/s', async (res) => { console.log('https', res.statusCode, await body(res)); done(); }));
await new Promise((done) => http.get('http://example.com/', () => console.log('allowed?!')).on('error', (e) => { console.log('denied', e.code, /blocked by network allowlist/.test(e.message)); done(); }));
try { http.get('https://localhost/'); } catch (e) { console.log(e.code); }
try { http.createServer(); } catch (e) { console.log(e.code); }
`, port, port, port, tlsPort)
	r := jsRun(t, "", settings, "", []string{"SSL_CERT_FILE=" + caFile}, "-e", script)
	want := "get 200 yes h1\npost POST text/plain abc\nredirect 302 /final\nhttps 200 TLS GET /s \n" +
		"denied ECONNREFUSED true\nERR_INVALID_PROTOCOL\nERR_SRT_UNSUPPORTED\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
}

func TestWasmJSHTTPS(t *testing.T) {
	caFile, cert := testCA(t)
	port := tlsUpstream(t, cert)
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
const r = await fetch('https://localhost:%d/x', { method: 'POST', body: 'sec' });
console.log(r.status, await r.text());
`, port)
	r := jsRun(t, "", settings, "", []string{"SSL_CERT_FILE=" + caFile}, "-e", script)
	if r.code != 0 || r.stdout != "200 TLS POST /x sec\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Without the test CA the certificate is not trusted.
	r = jsRun(t, "", settings, "", []string{"SSL_CERT_FILE=" + writeFile(t, "empty.pem", "")}, "-e", fmt.Sprintf(`
try { await fetch('https://localhost:%d/x'); console.log('trusted?!') } catch (e) { console.log(e.name, e.message) }`, port))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "TypeError fetch failed") || !strings.Contains(r.stdout, "certificate") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestWasmJSLimits(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	for _, tc := range []struct{ name, code string }{
		{"busy loop", "while (true) {}"},
		{"setInterval", "setInterval(() => {}, 10)"},
		{"pending timer", "setTimeout(() => {}, 100000)"},
		{"microtask loop", "(async () => { for (;;) await null })()"},
		// A program cannot catch the interruption to keep running.
		{"busy loop under an uncaughtException listener", "process.on('uncaughtException', () => {}); setInterval(() => { for (;;) {} }, 1)"},
		{"try/catch around a busy loop", "for (;;) { try { for (;;) {} } catch {} }"},
	} {
		t.Run("timeout "+tc.name, func(t *testing.T) {
			r := jsRun(t, "", settings, "", nil, "--timeout", "1s", "-e", tc.code)
			if r.code != 124 || r.stderr != "srt: time limit 1s exceeded\n" {
				t.Errorf("exit %d stderr %q", r.code, r.stderr)
			}
			if r.elapsed > stopBound { // the program itself runs forever
				t.Errorf("took %v for a 1s limit: the run was not stopped", r.elapsed)
			}
		})
	}
	t.Run("timeout native operation", func(t *testing.T) {
		// JSON.stringify of a deeply nested array never polls the interrupt handler: srt exits after a
		// grace period instead.
		r := jsRun(t, "", settings, "", nil, "--timeout", "1s", "-e",
			"let a = []; for (let i = 0; i < 300000; i++) a = [a]; JSON.stringify(a).length")
		if r.code != 124 || r.stderr != "srt: time limit 1s exceeded\n" {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
		if r.elapsed > stopBound {
			t.Errorf("took %v for a 1s limit (+2s grace): the run was not stopped", r.elapsed)
		}
	})
	t.Run("timeout as srt flag keeps output", func(t *testing.T) {
		r := wasmRun(t, "", nil, "", "-s", settings, "--timeout", "500ms", "wasm", "js", "-e", "console.log('before'); for (;;) {}")
		if r.code != 124 || r.stdout != "before\n" || !strings.Contains(r.stderr, "srt: time limit 500ms exceeded") {
			t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	for _, tc := range []struct{ name, code string }{
		{"huge array", "const a = []; for (;;) a.push(new Array(100000).fill(1.5))"},
		{"huge array under an uncaughtException listener", "process.on('uncaughtException', () => {}); const a = []; for (;;) a.push(new Array(100000).fill(1.5))"},
		{"one buffer", "new ArrayBuffer(1 << 30)"},
		{"strings", "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1 << 20) + i)"},
	} {
		t.Run("memory "+tc.name, func(t *testing.T) {
			r := jsRun(t, "", settings, "", nil, "--memory", "64MiB", "-e", tc.code)
			if r.code != 137 || !strings.Contains(r.stderr, "out of memory") || !strings.Contains(r.stderr, "srt: javascript ran out of memory (limit 64 MiB; --memory)") {
				t.Errorf("exit %d stderr %q", r.code, r.stderr)
			}
		})
	}
	t.Run("memory caught RangeError", func(t *testing.T) {
		r := jsRun(t, "", settings, "", nil, "--memory", "64MiB", "-e", "try { new Array(2 ** 32) } catch (e) { console.log(e.name) }")
		if r.code != 0 || r.stdout != "RangeError\n" {
			t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("max-output", func(t *testing.T) {
		r := jsRun(t, "", settings, "", nil, "--max-output", "1KiB", "-e", "for (let i = 0; i < 100000; i++) console.log('flood', i)")
		if r.code != 0 || len(r.stdout) != 1024 || strings.Count(r.stderr, "srt: output truncated") != 1 {
			t.Errorf("exit %d, %d bytes stdout, stderr %q", r.code, len(r.stdout), r.stderr)
		}
	})
	t.Run("run flag errors", func(t *testing.T) {
		r := jsRun(t, "", settings, "", nil, "--timeout")
		if r.code != 1 || !strings.Contains(r.stderr, "flag needs an argument: --timeout") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
		r = jsRun(t, "", settings, "", nil, "--inspect", "x.js")
		if r.code != 1 || !strings.Contains(r.stderr, "unsupported node option --inspect") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
}

// TestWasmJSAttacks runs testdata/attacks/js with the Python attack harness; the JS guest cannot create
// symlinks, so the layout gets a few more pre-existing ones.
func TestWasmJSAttacks(t *testing.T) {
	runWasmAttacks(t, "js", ".js", func(root string) {
		os.Symlink("..", filepath.Join(root, "w/rootlink"))
		os.Symlink("/etc", filepath.Join(root, "w/etclink"))
		os.Symlink("../ro.txt", filepath.Join(root, "w/rolink"))
		os.Symlink("../new.txt", filepath.Join(root, "w/dang"))
	})
}

// TestWasmJSREPL starts the REPL on a pseudo-terminal (util-linux script(1)).
func TestWasmJSREPL(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("skipping: needs script(1) from util-linux for a pseudo-terminal")
	}
	settings := wasmSettings(t, nil, nil, nil)
	cmd := exec.Command(scriptBin, "-qec", srtBin+" -s "+settings+" wasm js", "/dev/null")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+wasmCacheHome(t))
	cmd.Stdin = strings.NewReader("let x = 2\nfunction f(a) {\n  return a * 3\n}\nf(x)\nnope()\n.exit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"> 6\r\n", "Uncaught ReferenceError: nope is not defined"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
}
