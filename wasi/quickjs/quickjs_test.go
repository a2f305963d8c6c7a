package quickjs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testRT *Runtime

func TestMain(m *testing.M) {
	ctx := context.Background()
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "srt-test", "wazero-js")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testRT, err = New(ctx, Config{CacheDir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testRT.Close(ctx)
	os.Exit(code)
}

type result struct {
	code           int
	err            error
	stdout, stderr string
}

func runJS(t *testing.T, opts RunOptions) result {
	t.Helper()
	return runJSTimeout(t, opts, 30*time.Second)
}

func runJSTimeout(t *testing.T, opts RunOptions, d time.Duration) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out, errb bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &errb
	if opts.Filename == "" {
		opts.Filename = "/app/main.js"
	}
	code, err := testRT.Run(ctx, opts)
	return result{code, err, out.String(), errb.String()}
}

func TestHello(t *testing.T) {
	r := runJS(t, RunOptions{Code: `console.log("hello, world")`})
	if r.err != nil || r.code != 0 || r.stdout != "hello, world\n" || r.stderr != "" {
		t.Fatalf("got %+v", r)
	}
}

func TestConsoleFormat(t *testing.T) {
	// want values are what Node 20 prints for the same console.log call.
	cases := []struct{ code, want string }{
		{`"str"`, "str"},
		{`1, -0, 1.5, NaN, 10n`, "1 -0 1.5 NaN 10n"},
		{`undefined, null, true`, "undefined null true"},
		{`["a", 'it\'s', "q\"t", 1]`, `[ 'a', "it's", 'q"t', 1 ]`},
		{`{}`, "{}"},
		{`[]`, "[]"},
		{`{a: 1, b: 'x', c: [1, 2, 3]}`, "{ a: 1, b: 'x', c: [ 1, 2, 3 ] }"},
		{`{a: {b: {c: {d: 1}}}}`, "{ a: { b: { c: [Object] } } }"},
		{`[[[[1]]]]`, "[ [ [ [Array] ] ] ]"},
		{`{'a-b': 1, [Symbol('s')]: 2}`, "{ 'a-b': 1, [Symbol(s)]: 2 }"},
		{`[1,2,3,4,5,6,7,8,9,10]`, "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]"},
		{`{a: 'x'.repeat(70)}`, "{\n  a: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n}"},
		{`new Map([[1, {a: 2}]]), new Set(['x'])`, "Map(1) { 1 => { a: 2 } } Set(1) { 'x' }"},
		{`function foo() {}, class A {}, () => 1`, "[Function: foo] [class A] [Function (anonymous)]"},
		{`new Uint8Array([1, 2]), new Date(0), /x/g`, "Uint8Array(2) [ 1, 2 ] 1970-01-01T00:00:00.000Z /x/g"},
		{`Promise.resolve(4), new Promise(() => {})`, "Promise { 4 } Promise { <pending> }"},
		{`(() => { const o = {a: 1}; o.self = o; return o })()`, "<ref *1> { a: 1, self: [Circular *1] }"},
		{`'%s is %d years and %i', 'Bob', 42.5, 7.9, 'extra'`, "Bob is 42.5 years and 7 extra"},
		{`'%j %o %%', {a: [1]}, 'x'`, `{"a":[1]} 'x' %`},
		{`[undefined, , 3]`, "[ undefined, <1 empty item>, 3 ]"},
		{`new (class Foo { constructor() { this.x = 1 } })()`, "Foo { x: 1 }"},
		{`Object.create(null)`, "[Object: null prototype] {}"},
		{`{u: new URLSearchParams('a=1&b=2')}, new URLSearchParams()`, "{ u: URLSearchParams { 'a' => '1', 'b' => '2' } } URLSearchParams {}"},
		{`{ [Symbol.for('nodejs.util.inspect.custom')]() { return 'custom!' } }`, "custom!"},
		{`new URL('https://example.com/a?b=1')`, "URL {\n  href: 'https://example.com/a?b=1',\n  origin: 'https://example.com',\n" +
			"  protocol: 'https:',\n  username: '',\n  password: '',\n  host: 'example.com',\n  hostname: 'example.com',\n" +
			"  port: '',\n  pathname: '/a',\n  search: '?b=1',\n  searchParams: URLSearchParams { 'b' => '1' },\n  hash: ''\n}"},
		{`{ e: (() => { const e = new RangeError('r'); e.stack = 'RangeError: r\n    at x (f.js:1:1)'; return e })() }`,
			"{\n  e: RangeError: r\n      at x (f.js:1:1)\n}"},
	}
	var code strings.Builder
	for _, c := range cases {
		code.WriteString("console.log(" + c.code + ");\nconsole.log('\\x00');\n")
	}
	r := runJS(t, RunOptions{Code: code.String()})
	if r.err != nil || r.code != 0 {
		t.Fatalf("run: %+v", r)
	}
	got := strings.Split(r.stdout, "\n\x00\n")
	if len(got) != len(cases)+1 {
		t.Fatalf("got %d outputs, want %d:\n%s", len(got), len(cases)+1, r.stdout)
	}
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("console.log(%s):\n got %q\nwant %q", c.code, got[i], c.want)
		}
	}
}

func TestConsoleErrorAndStreams(t *testing.T) {
	r := runJS(t, RunOptions{Code: `
		console.error("to stderr", 1); console.warn("warn"); console.info("info"); console.debug("debug");
		process.stdout.write("raw "); process.stderr.write(new TextEncoder().encode("bytes\n"));
		console.log(new Error("boom"));
		console.table([{a: 1, b: 'x'}, {a: 2}]);`})
	if r.err != nil || r.code != 0 {
		t.Fatalf("run: %+v", r)
	}
	if r.stderr != "to stderr 1\nwarn\nbytes\n" {
		t.Errorf("stderr %q", r.stderr)
	}
	wantTable := "┌─────────┬───┬─────┐\n" +
		"│ (index) │ a │  b  │\n" +
		"├─────────┼───┼─────┤\n" +
		"│    0    │ 1 │ 'x' │\n" +
		"│    1    │ 2 │     │\n" +
		"└─────────┴───┴─────┘\n"
	if !strings.HasPrefix(r.stdout, "info\ndebug\nraw Error: boom\n    at <eval> (/app/main.js:4:") || !strings.HasSuffix(r.stdout, wantTable) {
		t.Errorf("stdout %q", r.stdout)
	}
}

func TestEventLoopOrder(t *testing.T) {
	// Node 20 prints exactly this.
	r := runJS(t, RunOptions{Code: `
		setTimeout(() => console.log('timeout 0'), 0);
		setTimeout(() => {
			console.log('timeout 20');
			Promise.resolve().then(() => console.log('micro in timeout 20'));
			process.nextTick(() => console.log('tick in timeout 20'));
		}, 20);
		setTimeout(() => console.log('timeout 10'), 10);
		Promise.resolve().then(() => console.log('promise 1')).then(() => console.log('promise 2'));
		queueMicrotask(() => console.log('microtask'));
		process.nextTick(() => console.log('nextTick'));
		(async () => { console.log('async start'); await null; console.log('after await'); })();
		console.log('sync end');`})
	want := "async start\nsync end\nnextTick\npromise 1\nmicrotask\nafter await\npromise 2\n" +
		"timeout 0\ntimeout 10\ntimeout 20\ntick in timeout 20\nmicro in timeout 20\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant stdout %q", r, want)
	}
}

func TestInterval(t *testing.T) {
	r := runJS(t, RunOptions{Code: `
		let n = 0;
		const iv = setInterval((a) => { console.log(a, ++n); if (n === 3) clearInterval(iv); }, 2, 'tick');
		const never = setTimeout(() => console.log('cleared timeout ran'), 1);
		clearTimeout(never);`})
	if r.err != nil || r.code != 0 || r.stdout != "tick 1\ntick 2\ntick 3\n" {
		t.Fatalf("got %+v", r)
	}
}

func loader(files map[string]string) func(spec, ref string) (string, string, error) {
	return func(spec, ref string) (string, string, error) {
		p := spec
		if strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") {
			p = path.Join(path.Dir(ref), spec)
		}
		src, ok := files[p]
		if !ok {
			return "", "", &Error{Message: fmt.Sprintf("Cannot find module '%s' imported from %s", p, ref), Code: "ERR_MODULE_NOT_FOUND"}
		}
		return src, p, nil
	}
}

func TestModules(t *testing.T) {
	files := map[string]string{
		"/app/lib/math.mjs": `import { twice } from '../util.mjs'; export const add = (a, b) => twice(a + b) / 2; export default 'math';`,
		"/app/util.mjs":     `export const twice = (x) => 2 * x; export const meta = import.meta.url;`,
		"/app/dyn.mjs":      `export const x = 'dynamic';`,
	}
	r := runJS(t, RunOptions{IsModule: true, Filename: "/app/main.mjs", ModuleLoader: loader(files), Code: `
		import math, { add } from './lib/math.mjs';
		import { meta } from './util.mjs';
		console.log(add(2, 3), math, import.meta.url, meta);
		const v = await new Promise((r) => setTimeout(() => r(42), 5));
		console.log('top-level await', v);
		const m = await import('./dyn.mjs');
		console.log('dynamic', m.x);
		try { await import('./missing.mjs'); } catch (e) { console.log(e.code, e.message); }`})
	want := "5 math file:///app/main.mjs file:///app/util.mjs\ntop-level await 42\ndynamic dynamic\n" +
		"ERR_MODULE_NOT_FOUND Cannot find module '/app/missing.mjs' imported from /app/main.mjs\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant stdout %q", r, want)
	}
}

func TestDynamicImportFromScript(t *testing.T) {
	files := map[string]string{"/app/dyn.mjs": `export default 7;`}
	r := runJS(t, RunOptions{ModuleLoader: loader(files), Code: `import('./dyn.mjs').then((m) => console.log(m.default));`})
	if r.err != nil || r.code != 0 || r.stdout != "7\n" {
		t.Fatalf("got %+v", r)
	}
}

func TestModuleErrors(t *testing.T) {
	r := runJS(t, RunOptions{IsModule: true, Filename: "/app/main.mjs", Code: `import './nope.mjs';`})
	if r.err != nil || r.code != 1 || !strings.Contains(r.stderr, "Cannot find module") {
		t.Errorf("missing import: %+v", r)
	}
	r = runJS(t, RunOptions{IsModule: true, Filename: "/app/main.mjs", Code: `await 1; throw new Error('late');`})
	if r.err != nil || r.code != 1 || !strings.HasPrefix(r.stderr, "Error: late\n    at ") {
		t.Errorf("throw after await: %+v", r)
	}
	r = runJS(t, RunOptions{IsModule: true, Filename: "/app/main.mjs", Code: `await new Promise(() => {});`})
	if r.err != nil || r.code != 13 || !strings.Contains(r.stderr, "unsettled top-level await") {
		t.Errorf("unsettled await: %+v", r)
	}
}

func TestUncaughtError(t *testing.T) {
	r := runJS(t, RunOptions{Code: "function f() { throw new TypeError('bad thing'); }\nconsole.log('before');\nf();\nconsole.log('after');"})
	want := "TypeError: bad thing\n    at f (/app/main.js:1:"
	if r.err != nil || r.code != 1 || r.stdout != "before\n" || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "(/app/main.js:3:") {
		t.Fatalf("got %+v", r)
	}
	r = runJS(t, RunOptions{Code: `setTimeout(() => { throw 'str' }, 1); setTimeout(() => console.log('not reached'), 5);`})
	if r.err != nil || r.code != 1 || r.stdout != "" || r.stderr != "Uncaught 'str'\n" {
		t.Fatalf("throw in timer: %+v", r)
	}
	r = runJS(t, RunOptions{Code: `syntax error here`})
	if r.err != nil || r.code != 1 || !strings.HasPrefix(r.stderr, "SyntaxError") {
		t.Fatalf("syntax error: %+v", r)
	}
}

func TestUnhandledRejection(t *testing.T) {
	r := runJS(t, RunOptions{Code: `Promise.reject(new Error('rejected!')); setTimeout(() => console.log('not reached'), 5);`})
	if r.err != nil || r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "Error: rejected!\n    at ") {
		t.Fatalf("got %+v", r)
	}
	r = runJS(t, RunOptions{Code: `(async () => { throw 42 })()`})
	if r.err != nil || r.code != 1 || !strings.Contains(r.stderr, `The promise rejected with the reason "42".`) {
		t.Fatalf("non-error reason: %+v", r)
	}
	r = runJS(t, RunOptions{Code: `const p = Promise.reject(new Error('x')); p.catch(() => console.log('handled'));`})
	if r.err != nil || r.code != 0 || r.stdout != "handled\n" || r.stderr != "" {
		t.Fatalf("handled rejection: %+v", r)
	}
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		code, stdout string
		want         int
	}{
		{`console.log('a'); process.exit(3); console.log('b')`, "a\n", 3},
		{`process.exitCode = 4; setTimeout(() => console.log('later'), 1)`, "later\n", 4},
		{`setTimeout(() => { process.exit() }, 1); process.exitCode = 5`, "", 5},
		{`queueMicrotask(() => process.exit(7)); setTimeout(() => console.log('no'), 1)`, "", 7},
		{`console.log(process.argv.length, process.env.FOO, process.env.HOME)`, "2 bar undefined\n", 0},
	} {
		r := runJS(t, RunOptions{Code: c.code, Env: map[string]string{"FOO": "bar"}})
		if r.err != nil || r.code != c.want || r.stdout != c.stdout {
			t.Errorf("%s: got %+v, want code %d stdout %q", c.code, r, c.want, c.stdout)
		}
	}
	r := runJS(t, RunOptions{Code: `console.log(JSON.stringify(process.argv))`, Args: []string{"node", "/app/x.js", "--flag"}})
	if r.stdout != `["node","/app/x.js","--flag"]`+"\n" {
		t.Errorf("argv: %+v", r)
	}
}

func TestTimeout(t *testing.T) {
	for name, code := range map[string]string{
		"busy loop":      `console.log('start'); while (true) {}`,
		"interval":       `setInterval(() => {}, 5)`,
		"microtask loop": `(async () => { for (;;) await null })()`,
		"busy in timer":  `setTimeout(() => { for (;;) {} }, 1)`,
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			r := runJSTimeout(t, RunOptions{Code: code}, 300*time.Millisecond)
			took := time.Since(start)
			if !errors.Is(r.err, ErrTimeout) || !errors.Is(r.err, context.DeadlineExceeded) {
				t.Fatalf("got %+v, want ErrTimeout", r)
			}
			if took > 30*time.Second { // not a timing assertion: the code runs forever unless stopped
				t.Errorf("took %v after a 300ms deadline", took)
			}
		})
	}
}

func TestMemoryLimit(t *testing.T) {
	// QuickJS-NG makes its out-of-memory InternalError uncatchable (the package's own JS driver behaves the
	// same), so going over the limit ends the run cleanly with ErrOutOfMemory.
	const limit = 16 << 20
	for name, code := range map[string]string{
		"many arrays": `let a = []; try { for (;;) a.push(new Array(10000).fill(1)); } catch (e) { console.log('caught') }`,
		"strings":     `const a = []; for (let i = 0; ; i++) a.push('x'.repeat(100000) + i);`,
		"one buffer":  `new ArrayBuffer(64 << 20)`,
		"in a timer":  `setTimeout(() => { const a = []; for (;;) a.push(new Float64Array(1 << 16)); }, 1)`,
	} {
		t.Run(name, func(t *testing.T) {
			r := runJS(t, RunOptions{MemoryLimit: limit, Code: code})
			if !errors.Is(r.err, ErrOutOfMemory) || r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "InternalError: out of memory") {
				t.Fatalf("got %+v", r)
			}
		})
	}
	// Under the limit, allocation works, and the host is fine afterwards.
	r := runJS(t, RunOptions{MemoryLimit: limit, Code: `const a = new Array(100000).fill(1); console.log(a.length)`})
	if r.err != nil || r.code != 0 || r.stdout != "100000\n" {
		t.Fatalf("under the limit: %+v", r)
	}
	TestHello(t)
}

func TestEncodingAndCrypto(t *testing.T) {
	r := runJS(t, RunOptions{Code: `
		const s = 'héllo wörld € 😀';
		const b = new TextEncoder().encode(s);
		console.log(b.length, new TextDecoder().decode(b) === s, new TextDecoder().decode(new Uint8Array([0xff, 0x41])));
		try { new TextDecoder('utf-8', {fatal: true}).decode(new Uint8Array([0xff])) } catch (e) { console.log(e.name) }
		console.log(new TextEncoder().encode('\ud800').join(','));
		console.log(btoa('hello'), atob('aGVsbG8='));
		const id = crypto.randomUUID();
		console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id), id !== crypto.randomUUID());
		const r = crypto.getRandomValues(new Uint8Array(32));
		console.log(r.length, r.some((x) => x !== 0));
		const c = structuredClone({a: [1, {b: 2}], d: new Date(0), m: new Map([[1, 2]])});
		console.log(c.a[1].b, c.d.getTime(), c.m.get(1));
		try { structuredClone(() => 1) } catch (e) { console.log(e.name) }
		console.log(typeof performance.now(), performance.now() >= 0);
		const u = new URL('../x/y?q=1&r=a+b#frag', 'https://User@Example.COM:8080/a/b/c');
		console.log(u.href, u.host, u.pathname, u.searchParams.get('r'), u.origin);
		for (const f of ['file:///tmp/a b/../c.js', 'file:/tmp/x', 'file://localhost/etc/hosts', 'file://srv/share/x'])
			{ const v = new URL(f); console.log(v.href, JSON.stringify(v.host), v.pathname); }
		console.log(new URL('./y.mjs', 'file:///app/lib/x.mjs').href, new URL('file:///').href);
		const p = new URLSearchParams({a: '1 2', b: 'é'}); p.append('c', '&');
		console.log(p.toString());`})
	want := "22 true \uFFFDA\nTypeError\n239,191,189\naGVsbG8= hello\ntrue true\n32 true\n2 0 2\nDataCloneError\nnumber true\n" +
		"https://User@example.com:8080/a/x/y?q=1&r=a+b#frag example.com:8080 /a/x/y a b https://example.com:8080\n" +
		"file:///tmp/c.js \"\" /tmp/c.js\nfile:///tmp/x \"\" /tmp/x\nfile:///etc/hosts \"\" /etc/hosts\n" +
		"file://srv/share/x \"srv\" /share/x\nfile:///app/lib/y.mjs file:///\n" +
		"a=1+2&b=%C3%A9&c=%26\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant %q", r, want)
	}
}

func TestHostFuncs(t *testing.T) {
	funcs := map[string]Func{
		"__sum": {Call: func(ctx context.Context, args []any) (any, error) {
			s := 0.0
			for _, a := range args {
				s += a.(float64)
			}
			return s, nil
		}},
		"__echo": {Call: func(ctx context.Context, args []any) (any, error) {
			return map[string]any{"args": args}, nil
		}},
		"__bytes": {Call: func(ctx context.Context, args []any) (any, error) {
			return map[string]any{"body": append(args[0].([]byte), '!'), "status": 200, "list": []any{"a", nil}}, nil
		}},
		"__fail": {Call: func(ctx context.Context, args []any) (any, error) {
			return nil, &Error{Name: "TypeError", Message: "blocked by network allowlist: example.com:443", Code: "EACCES"}
		}},
		"__slowFail": {Async: true, Call: func(ctx context.Context, args []any) (any, error) {
			return nil, &Error{Name: "TypeError", Message: "fetch failed", Code: "ECONNREFUSED"}
		}},
		"__slow": {Async: true, Call: func(ctx context.Context, args []any) (any, error) {
			select {
			case <-time.After(20 * time.Millisecond):
				return "slow " + args[0].(string), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}},
	}
	r := runJS(t, RunOptions{Funcs: funcs, Setup: []Script{{Name: "setup.js", Code: `globalThis.sum = __sum;
		globalThis.util = globalThis[Symbol.for('srt.util')];`}}, Code: `
		console.log(util.format('%s=%d', 'x', 1), util.inspect({a: [1]}));
		console.log(sum(1, 2, 3), JSON.stringify(__echo('a', null, [1, {b: true}])));
		const res = __bytes(new TextEncoder().encode('hi'));
		console.log(new TextDecoder().decode(res.body), res.status, res.list);
		try { __fail() } catch (e) { console.log(e instanceof TypeError, e.code, e.message) }
		__slow('call').then((v) => console.log(v));
		__slowFail().catch((e) => console.log(e instanceof TypeError, e.code, e.message));
		console.log('sync end');`})
	want := "x=1 { a: [ 1 ] }\n" + `6 {"args":["a",null,[1,{"b":true}]]}` + "\nhi! 200 [ 'a', undefined ]\ntrue EACCES blocked by network allowlist: example.com:443\nsync end\n" +
		"true ECONNREFUSED fetch failed\nslow call\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant %q", r, want)
	}
	// Host functions re-enter the engine (converting an object argument calls back into it): that also
	// works from callbacks the event loop calls, such as timers and event listeners, at any depth. (This
	// once crashed the whole process: the re-entered wazero function's call stack was overwritten.)
	r = runJS(t, RunOptions{Funcs: funcs, Code: `
		setTimeout(() => {
			console.log(JSON.stringify(__echo({ a: [1] })));
			setTimeout(() => __slow(JSON.stringify(__echo({ b: 2 }))).then((v) => console.log(v)), 0);
		}, 0);
		[3].forEach((x) => setTimeout(() => console.log(JSON.stringify(__echo([x, { c: [__echo(x)] }]))), 1));`})
	want = `{"args":[{"a":[1]}]}` + "\n" + `{"args":[[3,{"c":[{"args":[3]}]}]]}` + "\n" + `slow {"args":[{"b":2}]}` + "\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("host functions called from timers: got %+v\nwant %q", r, want)
	}
	// An outstanding async call does not hold up process.exit, and its context ends with the run.
	start := time.Now()
	r = runJS(t, RunOptions{Funcs: funcs, Code: `__slow('x').then(() => console.log('no')); process.exit(2)`})
	if r.err != nil || r.code != 2 || r.stdout != "" || time.Since(start) > 5*time.Second {
		t.Fatalf("exit with a pending call: %+v", r)
	}
}

func TestConcurrentRuns(t *testing.T) {
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			var out bytes.Buffer
			code, err := testRT.Run(context.Background(), RunOptions{Code: fmt.Sprintf(`setTimeout(() => console.log(%d), %d)`, i, 5*(4-i)), Stdout: &out})
			if err == nil && (code != 0 || out.String() != fmt.Sprintf("%d\n", i)) {
				err = fmt.Errorf("run %d: code %d out %q", i, code, out.String())
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkStartup(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		code, err := testRT.Run(ctx, RunOptions{Code: "1"})
		if err != nil || code != 0 {
			b.Fatal(code, err)
		}
	}
}

type capWriter struct {
	bytes.Buffer
	max int
}

var errCap = errors.New("output cap reached")

func (w *capWriter) Write(p []byte) (int, error) {
	if w.Len()+len(p) > w.max {
		return 0, errCap
	}
	return w.Buffer.Write(p)
}

func TestOutputError(t *testing.T) {
	w := &capWriter{max: 1000}
	code, err := testRT.Run(context.Background(), RunOptions{Code: `for (;;) console.log('flood')`, Stdout: w})
	if !errors.Is(err, errCap) || code != -1 || w.Len() > 1000 || w.Len() < 900 {
		t.Fatalf("code %d err %v, %d bytes written", code, err, w.Len())
	}
}

func TestTimeZone(t *testing.T) {
	r := runJS(t, RunOptions{Code: `const d = new Date(Date.UTC(2024, 0, 1, 12)); console.log(d.getHours(), d.getTimezoneOffset())`})
	if r.stdout != "12 0\n" {
		t.Errorf("UTC default: %+v", r)
	}
	loc := time.FixedZone("X", 2*3600)
	r = runJS(t, RunOptions{Location: loc, Code: `const d = new Date(Date.UTC(2024, 0, 1, 12)); console.log(d.getHours(), d.getTimezoneOffset())`})
	if r.stdout != "14 -120\n" {
		t.Errorf("UTC+2: %+v", r)
	}
}

func TestDeepRecursion(t *testing.T) {
	r := runJS(t, RunOptions{Code: `function f(n) { return f(n + 1) + 1 } try { f(0) } catch (e) { console.log(e.name, e.message) }`})
	if r.err != nil || r.code != 0 || r.stdout != "RangeError Maximum call stack size exceeded\n" {
		t.Fatalf("got %+v", r)
	}
}

// TestEnsureTermination checks the backstop for native operations that never poll the interrupt handler.
func TestEnsureTermination(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the engine a second time")
	}
	ctx := context.Background()
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	rt, err := New(ctx, Config{CacheDir: filepath.Join(dir, "srt-test", "wazero-js"), EnsureTermination: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	// JSON.stringify of a deeply nested array is quadratic inside QuickJS and does not poll the interrupt
	// handler.
	tctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = rt.Run(tctx, RunOptions{Code: `
		const deep = []; let cur = deep; for (let i = 0; i < 100000; i++) { const n = []; cur.push(n); cur = n; }
		JSON.stringify(deep);`})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v after a 1.5s deadline", took)
	}
}

func TestEvalScript(t *testing.T) {
	// Nested evaluations (a script evaluating a script), each named in stack traces; errors propagate.
	r := runJS(t, RunOptions{Code: `const ev = globalThis[Symbol.for('srt.evalScript')];
		console.log(ev('1 + 1', 'a.js'));
		const f = ev('(function () {\n  return ev("(function () {\\n  return new Error(\\"x\\").stack;\\n})", "/m/b.js")();\n})', '/m/a.js');
		console.log(f().split('\n').slice(0, 3).join('|'));
		try { ev('syntax error(', '/m/c.js') } catch (e) { console.log(e.name, e.stack.includes('/m/c.js:1')) }
		try { ev('throw new RangeError("r")', '/m/d.js') } catch (e) { console.log(e.name, e.message) }`})
	want := "2\n    at <anonymous> (/m/b.js:2:14)|    at <anonymous> (/m/a.js:2:69)|    at <eval> (/app/main.js:4:15)\n" +
		"SyntaxError true\nRangeError r\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant %q", r, want)
	}
}

func TestPreludeCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	hello := func() {
		t.Helper()
		rt, err := New(ctx, Config{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close(ctx)
		var out bytes.Buffer
		code, err := rt.Run(ctx, RunOptions{Code: `console.log([1, {a: "x"}])`, Stdout: &out})
		if got, want := out.String(), "[ 1, { a: 'x' } ]\n"; err != nil || code != 0 || got != want {
			t.Fatalf("run: code %d, err %v, stdout %q, want %q", code, err, got, want)
		}
	}
	// An older srt's entry, unused for long: saving a new prelude prunes it.
	stale := filepath.Join(dir, "quickjs-prelude-000000000000000000000000.bc")
	os.WriteFile(stale, []byte("x"), 0o600)
	longAgo := time.Now().Add(-365 * 24 * time.Hour)
	os.Chtimes(stale, longAgo, longAgo)
	hello()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale prelude file not pruned (%v)", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "quickjs-prelude-*.bc"))
	if len(files) != 1 {
		t.Fatalf("prelude files after the first runtime: %q, want one", files)
	}
	saved, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(files[0])
	hello() // loads the saved bytecode: the file is not written again
	if after, err := os.Stat(files[0]); err != nil || !os.SameFile(before, after) {
		t.Fatalf("the second runtime rewrote the prelude file (%v)", err)
	}

	// A damaged file is recompiled, not loaded, and replaced.
	damaged := bytes.Clone(saved)
	damaged[len(damaged)/2] ^= 0xff
	for _, b := range [][]byte{damaged, saved[:len(saved)/2], nil} {
		if err := os.WriteFile(files[0], b, 0o600); err != nil {
			t.Fatal(err)
		}
		hello()
		if got, _ := os.ReadFile(files[0]); !bytes.Equal(got, saved) {
			t.Fatalf("the damaged prelude file (%d bytes) was not replaced", len(b))
		}
	}
}

func TestParses(t *testing.T) {
	ctx := context.Background()
	wrap := func(src string) string { return "(function (exports, require) {" + src + "\n})" }
	for _, tc := range []struct {
		code   string
		module bool
		want   bool
	}{
		{"var a = 1; console.log(a)", false, true},
		{wrap("return module.exports"), false, true},
		{wrap("/* c */ export const a = 1"), false, false},
		{wrap("import x from 'y'"), false, false},
		{wrap("console.log(import.meta.url)"), false, false},
		{wrap("await 1"), false, false},
		{"/* c */ export const a = 1", true, true},
		{"import x from 'not-resolved-when-only-compiling'; x()", true, true},
		{"import x from 'y';\nlet z = 1 +;", true, false}, // parsed in full before imports load
		{"await Promise.resolve(1)", true, true},
		{"console.log(import.meta.url)", true, true},
		{"return 1", true, false},
		{"let x = 1 +;", true, false},
		{"let x = 1 +;", false, false},
		{strings.Repeat("(", 200000), false, false},           // deeper than the parser's stack: a SyntaxError or a trap
		{"var ok = 1", false, true},                           // the checker still works after that
		{strings.Repeat(" ", maxCheckSource+1), false, false}, // too long to check
	} {
		if got := testRT.Parses(ctx, tc.code, "/app/x.js", tc.module); got != tc.want {
			c := tc.code
			if len(c) > 60 {
				c = c[:60] + "…"
			}
			t.Errorf("Parses(%q, module=%v) = %v, want %v", c, tc.module, got, tc.want)
		}
	}
}

// TestProcessEvents: 'exit' listeners run once with the exit code, for every way a program ends, and
// 'uncaughtException'/'unhandledRejection' listeners replace the report and exit (the outputs and codes are
// Node 20's for the same programs).
func TestProcessEvents(t *testing.T) {
	for _, tc := range []struct {
		name, code, stdout string
		exit               int
	}{
		{"end of the event loop", `process.on('exit', (c) => console.log('exit', c, process.exitCode)); process.once('exit', () => console.log('once'));
			setTimeout(() => { process.exitCode = 3 }, 1)`, "exit 3 3\nonce\n", 3},
		{"process.exit", `process.on('exit', (c) => { console.log('bye', c); process.exit(9) }); process.exit(4); console.log('never')`, "bye 4\n", 9},
		{"uncaught error", `process.on('exit', (c) => console.log('bye', c)); null.x`, "bye 1\n", 1},
		{"uncaughtException and unhandledRejection listeners", `process.on('uncaughtException', (e, o) => console.log('caught', e.message, o));
			process.on('unhandledRejection', (r) => console.log('rejected', r instanceof Error ? r.message : r));
			process.on('exit', (c) => console.log('exit', c));
			setTimeout(() => { throw new Error('in timer') }, 1); setTimeout(() => console.log('loop goes on'), 5);
			Promise.reject(new Error('nobody catches')); Promise.reject('plain'); throw new Error('top level')`,
			"caught top level uncaughtException\nrejected nobody catches\nrejected plain\ncaught in timer uncaughtException\nloop goes on\nexit 0\n", 0},
		{"throwing uncaughtException listener", `process.on('uncaughtException', () => { throw new Error('listener broke') }); throw new Error('x')`, "", 7},
		{"removed listener", `const f = () => console.log('no'); process.on('exit', f); process.off('exit', f); console.log(process.listenerCount('exit'))`, "0\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runJS(t, RunOptions{Code: tc.code})
			if r.err != nil || r.code != tc.exit || r.stdout != tc.stdout {
				t.Errorf("got %+v, want exit %d stdout %q", r, tc.exit, tc.stdout)
			}
		})
	}
}
