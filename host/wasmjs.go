package host

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/wasi"
	"github.com/srt-sandbox/srt/wasi/quickjs"
)

// WasmJSBackend is the audit backend name of WASM JavaScript runs.
const WasmJSBackend = "wasm-js"

//go:embed wasmjs_setup.js
var wasmJSSetup string

//go:embed wasmjs_repl.js
var jsREPL string

// isTerminal reports whether r is a terminal (the REPL starts when there are no arguments).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

var (
	jsMu       sync.Mutex
	jsRuntimes = map[string]*quickjs.Runtime{}
)

// jsRuntime compiles quickjs.wasm once per process and cache directory.
func jsRuntime(ctx context.Context, cacheDir string) (*quickjs.Runtime, error) {
	jsMu.Lock()
	defer jsMu.Unlock()
	if rt, ok := jsRuntimes[cacheDir]; ok {
		return rt, nil
	}
	rt, err := quickjs.New(ctx, quickjs.Config{CacheDir: cacheDir})
	if err != nil {
		return nil, err
	}
	jsRuntimes[cacheDir] = rt
	return rt, nil
}

// jsProgram is what the node-style arguments ask to run.
type jsProgram struct {
	code     string
	filename string
	evalName string // names code in stack traces when it is not the file's own source ("": filename)
	module   bool
	eval     bool // -e or stdin: a global require as well
	argv     []string
}

// RunWasmJS runs JavaScript (QuickJS-NG) under the policy, with the same file system, proxies, limits and
// audit log as RunWasmPython. o.Args are node's: SCRIPT [ARGS...], -e CODE [ARGS...], - [ARGS...] (or no
// arguments: the program is read from stdin). It returns the guest's exit code; an error means the run
// did not end by itself (ErrWasmTimeout, *WasmMemoryError for an uncaught out-of-memory error, set-up
// failure).
func RunWasmJS(ctx context.Context, o WasmOptions) (int, error) {
	ws, err := prepareWasm(&o, WasmJSBackend)
	if err != nil {
		return 0, err
	}
	defer ws.cleanup()
	rt, err := jsRuntime(ctx, ws.cacheDir)
	if err != nil {
		return 0, err
	}
	var mounts []wasi.Mount
	for _, m := range o.Mounts {
		mounts = append(mounts, wasi.Mount{Host: m.Host, Guest: m.Guest, ReadOnly: m.ReadOnly})
	}
	var hidden []string
	if ws.cacheDir != "" {
		hidden = append(hidden, ws.cacheDir)
	}
	pfs := wasi.NewPolicyFS(wasi.PolicyFSConfig{Policy: ws.pol, Recorder: ws.rec, Backend: WasmJSBackend,
		Mounts: mounts, Hidden: hidden})
	defer pfs.Close()

	h := &jsHost{fs: pfs, dir: ws.dir, stdin: o.Stdin, dial: ws.dial, aborts: map[float64]context.CancelFunc{},
		maxBody: maxFetchBody, parses: func(code, file string, module bool) bool {
			return rt.Parses(ctx, code, file, module)
		}}
	if o.Limits.Memory > 0 && o.Limits.Memory < h.maxBody {
		h.maxBody = o.Limits.Memory // the guest could not hold more
	}
	defer h.closeHTTP()
	prog, err := h.program(o.Args)
	if err != nil {
		return 0, err
	}
	env := map[string]string{}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["SANDBOX_RUNTIME"], env["HOME"], env["TMPDIR"] = "1", ws.tmp, ws.tmp

	runCtx := ctx
	if o.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Limits.Timeout)
		defer cancel()
	}
	cfg, _ := json.Marshal(map[string]any{"cwd": ws.dir, "eval": prog.eval})
	code, err := rt.Run(runCtx, quickjs.RunOptions{
		Code:         prog.code,
		Filename:     cmp.Or(prog.evalName, prog.filename),
		IsModule:     prog.module,
		Stdout:       o.Stdout,
		Stderr:       o.Stderr,
		Args:         prog.argv,
		Env:          env,
		MemoryLimit:  o.Limits.Memory,
		ModuleLoader: h.loadModule,
		Funcs:        h.funcs(),
		Setup:        []quickjs.Script{{Name: "<srt:node>", Code: "(" + wasmJSSetup + ")(" + string(cfg) + ")"}},
		Location:     time.Local,
	})
	if err != nil {
		switch {
		case errors.Is(err, quickjs.ErrTimeout) && ctx.Err() == nil:
			return 0, fmt.Errorf("%w: time limit %v exceeded", wasi.ErrTimeout, o.Limits.Timeout)
		case errors.Is(err, quickjs.ErrTimeout):
			return 0, ctx.Err()
		case errors.Is(err, quickjs.ErrOutOfMemory):
			return 0, &WasmMemoryError{Runtime: "javascript", Limit: o.Limits.Memory, Err: err}
		}
		return 0, err
	}
	return code, nil
}

// jsHost holds one run's host side: the policy file system, standard input, fetch.
type jsHost struct {
	fs    *wasi.PolicyFS
	dir   string
	stdin io.Reader
	dial  wasi.Dialer
	// parses reports whether code compiles as a script or an ES module (module detection).
	parses func(code, file string, module bool) bool

	lines *bufio.Reader // the REPL's line reader

	stdinOnce sync.Once
	stdinData []byte
	stdinErr  error

	httpOnce sync.Once
	client   *http.Client
	tr       *http.Transport

	mu      sync.Mutex
	aborts  map[float64]context.CancelFunc
	maxBody int64
}

var (
	esmSyntax = regexp.MustCompile(`(?m)^[ \t]*(import[ \t]*[\w{*'"]|import[ \t]*\n|export[ \t]+(default|const|let|var|function|async|class|\{|\*))|\bimport\.meta\b`)
	awaitWord = regexp.MustCompile(`\bawait\b`)
)

// program interprets node-style arguments.
func (h *jsHost) program(args []string) (*jsProgram, error) {
	p := &jsProgram{}
	if len(args) == 0 {
		if isTerminal(h.stdin) {
			p.code, p.filename, p.eval, p.argv = jsREPL, path.Join(h.dir, "[repl]"), true, []string{"node"}
			return p, nil
		}
		args = []string{"-"}
	}
	switch a := args[0]; {
	case a == "-e" || a == "--eval":
		if len(args) < 2 {
			return nil, fmt.Errorf("%s requires an argument", a)
		}
		p.code, p.filename, p.eval = args[1], path.Join(h.dir, "[eval]"), true
		p.argv = append([]string{"node"}, args[2:]...)
	case a == "-p" || a == "--print":
		if len(args) < 2 {
			return nil, fmt.Errorf("%s requires an argument", a)
		}
		q, _ := json.Marshal(args[1])
		p.code = "process.stdout.write(globalThis[Symbol.for('srt.util')].inspect((0, eval)(" + string(q) + ")) + '\\n');"
		p.filename, p.eval = path.Join(h.dir, "[eval]"), true
		p.argv = append([]string{"node"}, args[2:]...)
		return p, nil
	case strings.HasPrefix(a, "--eval="):
		p.code, p.filename, p.eval = strings.TrimPrefix(a, "--eval="), path.Join(h.dir, "[eval]"), true
		p.argv = append([]string{"node"}, args[1:]...)
	case a == "-":
		b, err := h.readStdin()
		if err != nil {
			return nil, err
		}
		h.stdinData = nil // the program was standard input
		p.code, p.filename, p.eval = string(b), path.Join(h.dir, "[stdin]"), true
		p.argv = append([]string{"node", "-"}, args[1:]...)
	case a == "--":
		if len(args) < 2 {
			return h.program(nil)
		}
		return h.program(args[1:])
	case strings.HasPrefix(a, "-") && a != "-":
		return nil, fmt.Errorf("unsupported node option %s (supported: -e CODE, -p CODE, SCRIPT, -)", a)
	default:
		file := a
		if !path.IsAbs(file) {
			file = path.Join(h.dir, file)
		}
		b, err := h.fs.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("cannot run %s: %w", a, err)
		}
		p.code, p.filename = string(b), path.Clean(file)
		p.argv = append([]string{"node", p.filename}, args[1:]...)
		p.module = h.isESM(p.filename, p.code)
		if !p.module {
			p.code, p.evalName = cjsMain(p.filename, p.code), "node:internal/main"
		}
		return p, nil
	}
	p.module = esmSyntax.MatchString(p.code) || awaitWord.MatchString(p.code)
	return p, nil
}

// cjsMain is the program that runs a CommonJS main script (through runMain in wasmjs_setup.js, which
// evaluates src in the CommonJS wrapper under the file's name).
func cjsMain(file, src string) string {
	q, _ := json.Marshal(file)
	s, _ := json.Marshal(src)
	return "globalThis[Symbol.for('srt.runMain')](" + string(q) + ", " + string(s) + ");"
}

func (h *jsHost) readStdin() ([]byte, error) {
	h.stdinOnce.Do(func() {
		if h.stdin == nil {
			return
		}
		h.stdinData, h.stdinErr = io.ReadAll(h.stdin)
	})
	return h.stdinData, h.stdinErr
}

// isESM decides a file's module system as Node does: .mjs and .cjs by extension, otherwise the "type"
// of the nearest package.json that has one, otherwise by syntax (detectESM).
func (h *jsHost) isESM(file, src string) bool {
	switch path.Ext(file) {
	case ".mjs":
		return true
	case ".cjs", ".json":
		return false
	}
	for d := path.Dir(file); ; d = path.Dir(d) {
		if b, err := h.fs.ReadFile(path.Join(d, "package.json")); err == nil {
			var pj struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(b, &pj) == nil && pj.Type != "" {
				return pj.Type == "module"
			}
		}
		if d == "/" || d == "." {
			break
		}
	}
	return h.detectESM(file, src)
}

// detectESM is Node's module detection for a file with no marker: CommonJS, unless the source does not
// parse as CommonJS but does as an ES module (import or export statements, import.meta, top-level await).
// A source that parses as neither stays CommonJS, whose error the run then reports.
func (h *jsHost) detectESM(file, src string) bool {
	// Every piece of ESM-only syntax has one of these words: without them, the source is CommonJS, and the
	// two parses (in an engine instance of their own) are not needed.
	if !strings.Contains(src, "import") && !strings.Contains(src, "export") && !strings.Contains(src, "await") {
		return false
	}
	if strings.HasPrefix(src, "#!") {
		src = "//" + src[2:]
	}
	if h.parses(cjsWrapper+src+"\n})", file, false) {
		return false
	}
	return h.parses(src, file, true)
}

// cjsWrapper opens the function a CommonJS file runs in (as in host/wasmjs_setup.js: loadFile, runMain).
const cjsWrapper = "(function (exports, require, module, __filename, __dirname) {"

// builtinExports lists the named exports of the built-in modules (for ES module imports); the setup
// script defines the modules themselves.
var builtinExports = map[string][]string{
	"fs": {"readFileSync", "writeFileSync", "appendFileSync", "readdirSync", "statSync", "lstatSync", "mkdirSync",
		"rmSync", "rmdirSync", "unlinkSync", "renameSync", "existsSync", "readFile", "writeFile", "appendFile",
		"readdir", "stat", "lstat", "mkdir", "rm", "rmdir", "unlink", "rename", "exists", "promises", "constants",
		"createReadStream", "createWriteStream", "ReadStream", "WriteStream"},
	"fs/promises": {"readFile", "writeFile", "appendFile", "readdir", "stat", "lstat", "mkdir", "rm", "rmdir",
		"unlink", "rename", "access"},
	"path": {"sep", "delimiter", "join", "resolve", "normalize", "dirname", "basename", "extname", "relative",
		"isAbsolute", "parse", "format", "posix"},
	"path/posix": {"sep", "delimiter", "join", "resolve", "normalize", "dirname", "basename", "extname",
		"relative", "isAbsolute", "parse", "format", "posix"},
	"util":              {"inspect", "format", "promisify", "isDeepStrictEqual", "types", "TextEncoder", "TextDecoder"},
	"url":               {"URL", "URLSearchParams", "fileURLToPath", "pathToFileURL"},
	"process":           {"argv", "env", "exit", "cwd", "stdout", "stderr", "stdin", "nextTick", "platform"},
	"os":                {"EOL", "tmpdir", "homedir", "platform", "type", "arch", "cpus", "hostname", "endianness"},
	"buffer":            {"Buffer"},
	"events":            {"EventEmitter", "once"},
	"timers":            {"setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"},
	"timers/promises":   {"setTimeout", "setImmediate"},
	"assert":            {"ok", "equal", "strictEqual", "deepStrictEqual", "notStrictEqual", "throws"},
	"http":              {"request", "get", "Agent", "globalAgent", "ClientRequest", "IncomingMessage", "STATUS_CODES", "METHODS", "createServer"},
	"https":             {"request", "get", "Agent", "globalAgent", "ClientRequest", "IncomingMessage", "STATUS_CODES", "METHODS", "createServer"},
	"querystring":       {"escape", "unescape", "stringify", "parse", "encode", "decode"},
	"stream":            {"Stream", "Readable", "Writable", "Duplex", "Transform", "PassThrough", "pipeline", "finished", "promises"},
	"stream/promises":   {"pipeline", "finished"},
	"module":            {"createRequire", "isBuiltin", "builtinModules", "Module"},
	"tty":               {"isatty", "ReadStream", "WriteStream"},
	"perf_hooks":        {"performance"},
	"child_process":     {"spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"},
	"worker_threads":    {"Worker", "isMainThread", "parentPort", "workerData", "threadId"},
	"cluster":           {"fork", "isPrimary", "isMaster", "isWorker"},
	"net":               {"connect", "createConnection", "createServer", "Socket"},
	"tls":               {"connect", "createServer", "createSecureContext"},
	"dgram":             {"createSocket"},
	"dns":               {"lookup", "resolve", "resolve4", "resolve6", "promises"},
	"vm":                {"runInNewContext", "runInThisContext", "createContext", "Script"},
	"zlib":              {"gzipSync", "gunzipSync", "deflateSync", "inflateSync", "createGzip", "createGunzip"},
	"http2":             {"connect", "createServer"},
	"string_decoder":    {"StringDecoder"},
	"readline":          {"Interface", "createInterface"},
	"readline/promises": {"Interface", "createInterface"},
	"crypto": {"createHash", "createHmac", "getHashes", "randomBytes", "randomInt", "randomUUID",
		"getRandomValues", "timingSafeEqual", "webcrypto", "constants"},
}

func builtinName(spec string) (string, bool) {
	name := strings.TrimPrefix(spec, "node:")
	_, ok := builtinExports[name]
	return name, ok
}

var cjsExportName = regexp.MustCompile(`(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=[^=]`)

// loadModule is quickjs.RunOptions.ModuleLoader: built-in modules, files through the policy file system
// (relative and absolute paths, file: URLs, packages under node_modules); CommonJS files are imported
// through a facade that require()s them.
func (h *jsHost) loadModule(spec, referrer string) (string, string, error) {
	if name, ok := builtinName(spec); ok {
		return facade(fmt.Sprintf("globalThis[Symbol.for('srt.builtin')](%q)", name), builtinExports[name]), "node:" + name, nil
	}
	dir := h.dir
	if path.IsAbs(referrer) {
		dir = path.Dir(referrer)
	} else if strings.HasPrefix(referrer, "file://") {
		dir = path.Dir(strings.TrimPrefix(referrer, "file://"))
	}
	file, err := h.resolve(spec, dir, true)
	if err != nil {
		return "", "", err
	}
	b, err := h.fs.ReadFile(file)
	if err != nil {
		return "", "", jsFSError(err)
	}
	src := string(b)
	if path.Ext(file) == ".json" {
		return "export default " + src + ";", file, nil
	}
	if !h.isESM(file, src) {
		var names []string
		seen := map[string]bool{"default": true}
		for _, m := range cjsExportName.FindAllStringSubmatch(src, -1) {
			if !seen[m[1]] && !reserved[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
		q, _ := json.Marshal(file)
		return facade("globalThis[Symbol.for('srt.require')]("+string(q)+")", names), file, nil
	}
	return src, file, nil
}

var reserved = map[string]bool{"break": true, "case": true, "catch": true, "class": true, "const": true,
	"continue": true, "debugger": true, "delete": true, "do": true, "else": true, "enum": true, "export": true,
	"extends": true, "false": true, "finally": true, "for": true, "function": true, "if": true, "import": true,
	"in": true, "instanceof": true, "new": true, "null": true, "return": true, "super": true, "switch": true,
	"this": true, "throw": true, "true": true, "try": true, "typeof": true, "var": true, "void": true,
	"while": true, "with": true, "yield": true, "let": true, "static": true, "await": true, "implements": true,
	"interface": true, "package": true, "private": true, "protected": true, "public": true, "arguments": true,
	"eval": true}

// facade is an ES module whose default export is the value of expr and whose named exports are its
// properties names.
func facade(expr string, names []string) string {
	var b strings.Builder
	b.WriteString("const __srt_m = " + expr + ";\nexport default __srt_m;\n")
	if len(names) > 0 {
		b.WriteString("export const { " + strings.Join(names, ", ") + " } = __srt_m;\n")
	}
	return b.String()
}

func notFound(spec, dir string, esm bool) error {
	code := "MODULE_NOT_FOUND"
	if esm {
		code = "ERR_MODULE_NOT_FOUND"
	}
	return &quickjs.Error{Message: fmt.Sprintf("Cannot find module '%s' from '%s'", spec, dir), Code: code}
}

// resolve finds the file that spec names from directory dir, as Node's resolution does for pure-JS code.
func (h *jsHost) resolve(spec, dir string, esm bool) (string, error) {
	if strings.HasPrefix(spec, "file://") {
		spec = strings.TrimPrefix(spec, "file://")
	}
	if spec == "" {
		return "", notFound(spec, dir, esm)
	}
	if path.IsAbs(spec) || spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") {
		p := spec
		if !path.IsAbs(p) {
			p = path.Join(dir, p)
		}
		if f, ok := h.fileOrDir(p); ok {
			return f, nil
		}
		return "", notFound(spec, dir, esm)
	}
	name, sub := spec, ""
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
	} else if i := strings.IndexByte(spec, '/'); i >= 0 {
		name, sub = spec[:i], spec[i+1:]
	}
	for d := dir; ; d = path.Dir(d) {
		if path.Base(d) != "node_modules" {
			pkg := path.Join(d, "node_modules", name)
			if st, err := h.fs.Stat(pkg); err == nil && st.Mode.IsDir() {
				if f, ok := h.packageEntry(pkg, sub, esm); ok {
					return f, nil
				}
				return "", notFound(spec, dir, esm)
			}
		}
		if d == "/" || d == "." {
			break
		}
	}
	return "", notFound(spec, dir, esm)
}

func (h *jsHost) isFile(p string) bool {
	st, err := h.fs.Stat(p)
	return err == nil && !st.Mode.IsDir()
}

// fileOrDir tries p as a file (with the usual extensions), then as a directory (package.json main,
// index files).
func (h *jsHost) fileOrDir(p string) (string, bool) {
	for _, ext := range []string{"", ".js", ".mjs", ".cjs", ".json"} {
		if h.isFile(p + ext) {
			return p + ext, true
		}
	}
	if b, err := h.fs.ReadFile(path.Join(p, "package.json")); err == nil {
		var pj struct {
			Main string `json:"main"`
		}
		if json.Unmarshal(b, &pj) == nil && pj.Main != "" {
			if f, ok := h.fileOrDir(path.Join(p, pj.Main)); ok && f != p {
				return f, true
			}
		}
	}
	for _, idx := range []string{"index.js", "index.mjs", "index.cjs", "index.json"} {
		if h.isFile(path.Join(p, idx)) {
			return path.Join(p, idx), true
		}
	}
	return "", false
}

// packageEntry resolves subpath sub ("" for the package itself) of the package in directory pkg through
// its package.json "exports" (a string, a subpath map, or conditions), else "main", else the files.
func (h *jsHost) packageEntry(pkg, sub string, esm bool) (string, bool) {
	var pj struct {
		Main    string          `json:"main"`
		Exports json.RawMessage `json:"exports"`
	}
	if b, err := h.fs.ReadFile(path.Join(pkg, "package.json")); err == nil {
		json.Unmarshal(b, &pj)
	}
	if len(pj.Exports) > 0 {
		var x any
		if json.Unmarshal(pj.Exports, &x) == nil {
			key := "."
			if sub != "" {
				key = "./" + sub
			}
			if m, ok := x.(map[string]any); ok && hasDotKeys(m) {
				x = m[key]
			} else if key != "." {
				x = nil
			}
			if t := exportTarget(x, esm); t != "" {
				f := path.Join(pkg, t)
				if h.isFile(f) {
					return f, true
				}
			}
			return "", false // "exports" hides everything else
		}
	}
	if sub != "" {
		return h.fileOrDir(path.Join(pkg, sub))
	}
	return h.fileOrDir(pkg)
}

func hasDotKeys(m map[string]any) bool {
	for k := range m {
		if strings.HasPrefix(k, ".") {
			return true
		}
	}
	return false
}

// exportTarget picks a target from an "exports" value: a string, an array (first usable), or conditions.
func exportTarget(x any, esm bool) string {
	switch v := x.(type) {
	case string:
		return v
	case []any:
		for _, e := range v {
			if t := exportTarget(e, esm); t != "" {
				return t
			}
		}
	case map[string]any:
		conds := []string{"node", "require", "default"}
		if esm {
			conds = []string{"node", "import", "default"}
		}
		for _, c := range conds {
			if e, ok := v[c]; ok {
				if t := exportTarget(e, esm); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

// jsFSError turns a PolicyFS error into a guest error with its code.
// jsHashes are the digests of node:crypto's createHash and createHmac, by Node's names.
var jsHashes = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New, "sha384": sha512.New384,
	"sha512": sha512.New, "sha512-224": sha512.New512_224, "sha512-256": sha512.New512_256,
	"sha3-224": func() hash.Hash { return sha3.New224() }, "sha3-256": func() hash.Hash { return sha3.New256() },
	"sha3-384": func() hash.Hash { return sha3.New384() }, "sha3-512": func() hash.Hash { return sha3.New512() },
}

// jsHash is __srt_hash(algorithm, key, data): the digest of data, an HMAC if key is bytes (nil: a plain
// hash). Only the algorithm is checked when data is nil (createHash validates it at once, as Node does).
func jsHash(_ context.Context, args []any) (any, error) {
	alg := strings.ToLower(argStr(args, 0))
	var key, data []byte
	var hmacKey, hasData bool
	if len(args) > 1 {
		key, hmacKey = args[1].([]byte)
	}
	if len(args) > 2 {
		data, hasData = args[2].([]byte)
	}
	newHash := jsHashes[alg]
	switch {
	case newHash == nil && hmacKey:
		return nil, &quickjs.Error{Name: "TypeError", Message: "Invalid digest: " + argStr(args, 0), Code: "ERR_CRYPTO_INVALID_DIGEST"}
	case newHash == nil:
		return nil, &quickjs.Error{Message: "Digest method not supported"}
	}
	if !hasData {
		return nil, nil
	}
	var h hash.Hash
	if hmacKey {
		h = hmac.New(newHash, key)
	} else {
		h = newHash()
	}
	h.Write(data)
	return h.Sum(nil), nil
}

func jsFSError(err error) error {
	var fe *wasi.FSError
	if errors.As(err, &fe) {
		return &quickjs.Error{Message: fe.Error(), Code: fe.Code}
	}
	return err
}

func argStr(a []any, i int) string {
	if i < len(a) {
		if s, ok := a[i].(string); ok {
			return s
		}
	}
	return ""
}

func argBool(a []any, i int) bool {
	if i < len(a) {
		b, _ := a[i].(bool)
		return b
	}
	return false
}

func argBytes(a []any, i int) []byte {
	if i < len(a) {
		switch v := a[i].(type) {
		case []byte:
			return v
		case string:
			return []byte(v)
		}
	}
	return nil
}

// fileType names a file's type for the Node layer's Stats and Dirent.
func fileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.Type() != 0:
		return "other"
	}
	return "file"
}

func statMap(st wasi.FileInfo) map[string]any {
	return map[string]any{"type": fileType(st.Mode), "size": st.Size, "mode": uint32(st.Mode.Perm()), "mtimeMs": st.Mtime.UnixMilli(),
		"atimeMs": st.Atime.UnixMilli(), "ctimeMs": st.Ctime.UnixMilli(), "ino": st.Ino, "nlink": st.Nlink}
}

// fsOp is the guest's one synchronous file system entry point: __srt_fs(op, path, ...).
func (h *jsHost) fsOp(_ context.Context, a []any) (any, error) {
	op, p := argStr(a, 0), argStr(a, 1)
	var (
		res any
		err error
	)
	switch op {
	case "read":
		var b []byte
		b, err = h.fs.ReadFile(p)
		res = b
	case "write", "append":
		err = h.fs.WriteFile(p, argBytes(a, 2), op == "append")
	case "readdir":
		var ents []wasi.DirEntry
		if ents, err = h.fs.ReadDir(p); err == nil {
			out := make([]any, 0, len(ents))
			for _, e := range ents {
				out = append(out, map[string]any{"name": e.Name, "type": fileType(e.Type)})
			}
			res = out
		}
	case "stat", "lstat":
		var st wasi.FileInfo
		if op == "stat" {
			st, err = h.fs.Stat(p)
		} else {
			st, err = h.fs.Lstat(p)
		}
		if err == nil {
			res = statMap(st)
		}
	case "mkdir":
		err = h.fs.Mkdir(p, argBool(a, 2))
	case "rm":
		err = h.fs.Remove(p, argBool(a, 2), argBool(a, 3))
	case "rmdir":
		err = h.fs.Rmdir(p)
	case "rename":
		err = h.fs.Rename(p, argStr(a, 2))
	case "resolve":
		return h.resolve(p, argStr(a, 2), false)
	case "stdin":
		var b []byte
		b, err = h.readStdin()
		res = b
		if b == nil && err == nil {
			res = []byte{}
		}
	default:
		return nil, &quickjs.Error{Name: "TypeError", Message: "unknown fs operation " + op}
	}
	if err != nil {
		return nil, jsFSError(err)
	}
	return res, nil
}

func (h *jsHost) funcs() map[string]quickjs.Func {
	return map[string]quickjs.Func{
		"__srt_fs":    {Call: h.fsOp},
		"__srt_stdin": {Async: true, Call: func(ctx context.Context, _ []any) (any, error) { return h.fsOp(ctx, []any{"stdin"}) }},
		"__srt_fetch": {Async: true, Call: h.fetch},
		"__srt_hash":  {Call: jsHash},
		"__srt_readline": {Async: true, Call: func(context.Context, []any) (any, error) {
			if h.stdin == nil {
				return nil, nil
			}
			h.mu.Lock()
			if h.lines == nil {
				h.lines = bufio.NewReader(h.stdin)
			}
			lr := h.lines
			h.mu.Unlock()
			line, err := lr.ReadString('\n')
			if err != nil && line == "" {
				return nil, nil // end of input
			}
			return strings.TrimRight(line, "\r\n"), nil
		}},
		"__srt_fetch_abort": {Call: func(_ context.Context, a []any) (any, error) {
			if len(a) == 0 {
				return nil, nil
			}
			if id, ok := a[0].(float64); ok {
				h.mu.Lock()
				if c := h.aborts[id]; c != nil {
					c()
				}
				h.mu.Unlock()
			}
			return nil, nil
		}},
	}
}

// httpClient makes requests through the run's dialer (srt's proxies); Go verifies TLS with the system
// roots (SSL_CERT_FILE honoured).
func (h *jsHost) httpClient() *http.Client {
	h.httpOnce.Do(func() {
		h.tr = &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
				host, ps, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				port, err := strconv.Atoi(ps)
				if err != nil {
					return nil, err
				}
				if h.dial == nil {
					return nil, &policy.DenialError{Kind: policy.KindNetwork, Host: host, Port: port, Reason: "no network for this run"}
				}
				return h.dial(ctx, host, port)
			},
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   30 * time.Second,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: 0,
		}
		h.client = &http.Client{Transport: h.tr}
	})
	return h.client
}

func (h *jsHost) closeHTTP() {
	if h.tr != nil {
		h.tr.CloseIdleConnections()
	}
}

// maxFetchBody caps one response body the host buffers for the guest (or the memory limit, if lower).
const maxFetchBody = 256 << 20

// fetch(url, method, headers [[k, v]...], body, id, redirect) → {status, statusText, headers, body, url,
// redirected}.
func (h *jsHost) fetch(ctx context.Context, a []any) (any, error) {
	u, method := argStr(a, 0), argStr(a, 1)
	if method == "" {
		method = "GET"
	}
	var id float64
	if len(a) > 4 {
		id, _ = a[4].(float64)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.mu.Lock()
	h.aborts[id] = cancel
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.aborts, id)
		h.mu.Unlock()
	}()
	var body io.Reader
	if b := argBytes(a, 3); b != nil {
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, &quickjs.Error{Name: "TypeError", Message: "fetch failed: " + err.Error()}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, &quickjs.Error{Name: "TypeError", Message: "fetch failed: unsupported URL scheme " + req.URL.Scheme}
	}
	if len(a) > 2 {
		hs, _ := a[2].([]any)
		for _, kv := range hs {
			if p, ok := kv.([]any); ok && len(p) == 2 {
				k, _ := p[0].(string)
				v, _ := p[1].(string)
				if strings.EqualFold(k, "host") {
					req.Host = v
					continue
				}
				req.Header.Add(k, v)
			}
		}
	}
	client := h.httpClient()
	if argStr(a, 5) != "follow" && argStr(a, 5) != "" {
		c := *client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		var de *policy.DenialError
		if errors.As(err, &de) {
			return nil, &quickjs.Error{Name: "TypeError", Message: "fetch failed: " + de.Error()}
		}
		if ctx.Err() != nil {
			return nil, &quickjs.Error{Name: "AbortError", Message: "This operation was aborted", Code: "ABORT_ERR"}
		}
		return nil, &quickjs.Error{Name: "TypeError", Message: "fetch failed: " + err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, h.maxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, &quickjs.Error{Name: "AbortError", Message: "This operation was aborted", Code: "ABORT_ERR"}
		}
		return nil, &quickjs.Error{Name: "TypeError", Message: "fetch failed: reading the body: " + err.Error()}
	}
	if int64(len(data)) > h.maxBody {
		return nil, &quickjs.Error{Name: "TypeError", Message: fmt.Sprintf("fetch failed: response body over %d MiB", h.maxBody>>20)}
	}
	hdrs := []any{}
	for k, vs := range resp.Header {
		hdrs = append(hdrs, []any{strings.ToLower(k), strings.Join(vs, ", ")})
	}
	return map[string]any{
		"status":     resp.StatusCode,
		"statusText": strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode))),
		"headers":    hdrs,
		"body":       data,
		"url":        resp.Request.URL.String(),
		"redirected": resp.Request.URL.String() != req.URL.String(),
	}, nil
}
