// srt's Node-compatible layer for `srt wasm js`, run as a quickjs Setup script: fs, fs/promises, path,
// Buffer (a small subset), require() and the built-in modules, process.stdin, and fetch with Headers,
// Request, Response, AbortController. Everything that touches files or the network calls the Go host
// (host/wasmjs.go), which applies srt's policy; nothing here is a security boundary.
(function (cfg) {
  'use strict';
  const G = globalThis;
  const hostFS = G.__srt_fs, hostStdin = G.__srt_stdin, hostFetch = G.__srt_fetch, hostAbort = G.__srt_fetch_abort;
  const hostHash = G.__srt_hash;
  define(G, Symbol.for('srt.readline'), G.__srt_readline);
  for (const k of ['__srt_fs', '__srt_stdin', '__srt_fetch', '__srt_fetch_abort', '__srt_readline', '__srt_hash']) delete G[k];
  const util = G[Symbol.for('srt.util')], evalScript = G[Symbol.for('srt.evalScript')];
  const enc = new TextEncoder(), dec = new TextDecoder();
  function define(obj, name, value) {
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  }
  function argError(msg) { const e = new TypeError(msg); e.code = 'ERR_INVALID_ARG_TYPE'; return e; }

  // ---- Buffer (subset) ----
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  class Buffer extends Uint8Array {
    static from(v, encoding) {
      if (typeof v === 'string') return Buffer._fromBytes(encodeString(v, encoding));
      if (v instanceof ArrayBuffer) return new Buffer(v, arguments[1] || 0, arguments[2]);
      if (ArrayBuffer.isView(v)) return Buffer._fromBytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
      if (Array.isArray(v)) return Buffer._fromBytes(Uint8Array.from(v));
      if (v && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer._fromBytes(Uint8Array.from(v.data));
      throw argError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array');
    }
    static _fromBytes(u8) { return new Buffer(u8.buffer, u8.byteOffset, u8.byteLength); }
    static alloc(n, fill) { const b = new Buffer(n); if (fill !== undefined) b.fill(typeof fill === 'string' ? fill.charCodeAt(0) : fill); return b; }
    static allocUnsafe(n) { return new Buffer(n); }
    static isBuffer(b) { return b instanceof Buffer; }
    static byteLength(s, encoding) { return typeof s === 'string' ? encodeString(s, encoding).length : s.byteLength; }
    static concat(list, total) {
      if (total === undefined) total = list.reduce((n, b) => n + b.length, 0);
      const out = Buffer.alloc(total);
      let off = 0;
      for (const b of list) { if (off >= total) break; out.set(b.subarray(0, total - off), off); off += b.length; }
      return out;
    }
    toString(encoding, start, end) {
      const u = this.subarray(start || 0, end === undefined ? this.length : end);
      switch ((encoding || 'utf8').toLowerCase()) {
        case 'utf8': case 'utf-8': return dec.decode(u);
        case 'hex': return Array.from(u, (x) => x.toString(16).padStart(2, '0')).join('');
        case 'base64': { let s = ''; for (const x of u) s += String.fromCharCode(x); return btoa(s); }
        case 'base64url': { let s = ''; for (const x of u) s += String.fromCharCode(x); return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); }
        case 'latin1': case 'binary': case 'ascii': { let s = ''; for (const x of u) s += String.fromCharCode(x); return s; }
        default: throw new TypeError(`Unknown encoding: ${encoding}`);
      }
    }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
    [Symbol.for('nodejs.util.inspect.custom')]() {
      const hex = Array.from(this.subarray(0, 50), (x) => x.toString(16).padStart(2, '0')).join(' ');
      return `<Buffer ${hex}${this.length > 50 ? ` ... ${this.length - 50} more bytes` : ''}>`;
    }
    equals(o) { if (o.length !== this.length) return false; for (let i = 0; i < o.length; i++) if (o[i] !== this[i]) return false; return true; }
    write(s, off) { const b = enc.encode(s); this.set(b.subarray(0, this.length - (off || 0)), off || 0); return Math.min(b.length, this.length - (off || 0)); }
    slice(s, e) { return this.subarray(s, e); }
    subarray(s, e) { const u = Uint8Array.prototype.subarray.call(this, s, e); return new Buffer(u.buffer, u.byteOffset, u.byteLength); }
  }
  function encodeString(s, encoding) {
    switch ((encoding || 'utf8').toLowerCase()) {
      case 'utf8': case 'utf-8': return enc.encode(s);
      case 'hex': { const out = new Uint8Array(s.length >> 1); for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16); return out; }
      case 'base64': case 'base64url': { const t = atob(s.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '')); return Uint8Array.from(t, (c) => c.charCodeAt(0)); }
      case 'latin1': case 'binary': case 'ascii': return Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);
      default: throw new TypeError(`Unknown encoding: ${encoding}`);
    }
  }
  void b64;
  define(G, 'Buffer', Buffer);

  const BaseURL = G.URL; // the prelude's URL, captured before a script can replace the global

  // ---- path (POSIX) ----
  function normalizeArray(parts, allowAbove) {
    const out = [];
    for (const p of parts) {
      if (!p || p === '.') continue;
      if (p === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (allowAbove) out.push('..'); }
      else out.push(p);
    }
    return out;
  }
  function checkStr(p, name) { if (typeof p !== 'string') throw argError(`The "${name || 'path'}" argument must be of type string. Received ${util.inspect(p)}`); }
  const path = {
    sep: '/', delimiter: ':',
    isAbsolute(p) { checkStr(p); return p.startsWith('/'); },
    normalize(p) {
      checkStr(p);
      if (p === '') return '.';
      const abs = p.startsWith('/'), trail = p.endsWith('/');
      let r = normalizeArray(p.split('/'), !abs).join('/');
      if (!r && !abs) r = '.';
      if (r && trail) r += '/';
      return (abs ? '/' : '') + r;
    },
    join(...parts) { parts.forEach((p) => checkStr(p)); const j = parts.filter((p) => p !== '').join('/'); return j ? path.normalize(j) : '.'; },
    resolve(...parts) {
      let r = '';
      for (let i = parts.length - 1; i >= -1 && !r.startsWith('/'); i--) {
        const p = i >= 0 ? parts[i] : G.process.cwd();
        checkStr(p);
        if (p) r = p + (r ? '/' + r : '');
      }
      const n = '/' + normalizeArray(r.split('/'), false).join('/');
      return n;
    },
    dirname(p) {
      checkStr(p);
      if (!p) return '.';
      const s = p.replace(/\/+$/, '');
      if (!s) return '/';
      const i = s.lastIndexOf('/');
      if (i < 0) return '.';
      if (i === 0) return '/';
      return s.slice(0, i).replace(/\/+$/, '') || '/';
    },
    basename(p, ext) {
      checkStr(p);
      let b = p.replace(/\/+$/, '');
      b = b.slice(b.lastIndexOf('/') + 1);
      if (ext && b.endsWith(ext) && b !== ext) b = b.slice(0, -ext.length);
      return b;
    },
    extname(p) {
      const b = path.basename(p);
      const i = b.lastIndexOf('.');
      return i <= 0 ? '' : b.slice(i);
    },
    relative(from, to) {
      const f = path.resolve(from).split('/').filter(Boolean), t = path.resolve(to).split('/').filter(Boolean);
      let i = 0;
      while (i < f.length && i < t.length && f[i] === t[i]) i++;
      return [...Array(f.length - i).fill('..'), ...t.slice(i)].join('/');
    },
    parse(p) {
      const root = p.startsWith('/') ? '/' : '', base = path.basename(p), ext = path.extname(p);
      let dir = path.dirname(p);
      if (dir === '.' && !p.includes('/')) dir = '';
      return { root, dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
    },
    format(o) { const dir = o.dir || o.root || ''; const base = o.base || ((o.name || '') + (o.ext || '')); return dir ? (dir === o.root ? dir + base : dir + '/' + base) : base; },
    toNamespacedPath(p) { return p; },
  };
  path.posix = path;

  // ---- process additions ----
  const proc = G.process;
  let cwd = cfg.cwd;
  proc.cwd = () => cwd;
  proc.chdir = (d) => {
    const p = path.resolve(d);
    const st = fsCall('stat', p);
    if (st.type !== 'dir') { const e = new Error(`ENOTDIR: not a directory, chdir '${d}'`); e.code = 'ENOTDIR'; throw e; }
    cwd = p;
  };
  proc.arch = 'wasm32';
  proc.pid = 1;
  proc.ppid = 0;
  proc.title = 'node';
  proc.execPath = '/usr/local/bin/node';
  proc.release = { name: 'node' };
  proc.memoryUsage = () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 });
  proc.uptime = () => performance.now() / 1000;

  // ---- fs ----
  function fsCall(op, p, ...rest) {
    try {
      return hostFS(op, p, ...rest);
    } catch (e) {
      if (e && e.code && typeof p === 'string') { e.path = p; e.syscall = (e.message.match(/, (\w+) '/) || [])[1]; e.errno = -({ ENOENT: 2, EACCES: 13, EROFS: 30, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, ENOTEMPTY: 39, EPERM: 1 }[e.code] || 5); }
      throw e;
    }
  }
  function toPath(p) {
    if (p instanceof BaseURL) p = builtins.url.fileURLToPath(p);
    else if (ArrayBuffer.isView(p)) p = dec.decode(p);
    if (typeof p !== 'string') throw argError(`The "path" argument must be of type string or an instance of Buffer or URL. Received ${util.inspect(p)}`);
    return path.resolve(p);
  }
  function encodingOf(o) { return typeof o === 'string' ? o : o && o.encoding; }
  function decodeAs(bytes, encoding) {
    const b = Buffer._fromBytes(bytes);
    return encoding && encoding !== 'buffer' ? b.toString(encoding) : b;
  }
  function toBytes(data, encoding, name = 'data') {
    if (typeof data === 'string') return encodeString(data, encoding);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw argError(`The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${util.inspect(data)}`);
  }
  class Stats {
    constructor(s) {
      this.size = s.size; this.mode = s.mode; this.ino = s.ino; this.nlink = s.nlink;
      this.mtimeMs = s.mtimeMs; this.atimeMs = s.atimeMs; this.ctimeMs = s.ctimeMs; this.birthtimeMs = s.ctimeMs;
      this.mtime = new Date(s.mtimeMs); this.atime = new Date(s.atimeMs); this.ctime = new Date(s.ctimeMs); this.birthtime = new Date(s.ctimeMs);
      define(this, '_type', s.type);
    }
    isFile() { return this._type === 'file'; }
    isDirectory() { return this._type === 'dir'; }
    isSymbolicLink() { return this._type === 'symlink'; }
    isFIFO() { return false; }
    isSocket() { return false; }
    isBlockDevice() { return false; }
    isCharacterDevice() { return false; }
  }
  class Dirent {
    constructor(name, type, parent) { this.name = name; define(this, '_type', type); this.parentPath = parent; this.path = parent; }
    isFile() { return this._type === 'file'; }
    isDirectory() { return this._type === 'dir'; }
    isSymbolicLink() { return this._type === 'symlink'; }
  }
  let stdinConsumed = false;
  const fs = {
    constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 },
    readFileSync(p, o) {
      if (p === 0 || p === '/dev/stdin') { stdinConsumed = true; return decodeAs(fsCall('stdin'), encodingOf(o)); }
      return decodeAs(fsCall('read', toPath(p)), encodingOf(o));
    },
    writeFileSync(p, data, o) { fsCall((o && o.flag === 'a') ? 'append' : 'write', toPath(p), toBytes(data, encodingOf(o))); },
    appendFileSync(p, data, o) { fsCall('append', toPath(p), toBytes(data, encodingOf(o))); },
    readdirSync(p, o) {
      const dir = toPath(p);
      const ents = fsCall('readdir', dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (o && o.recursive) {
        const out = [];
        const walk = (d, prefix) => {
          for (const e of fsCall('readdir', d).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const rel = prefix ? prefix + '/' + e.name : e.name;
            out.push(o.withFileTypes ? new Dirent(e.name, e.type, d) : rel);
            if (e.type === 'dir') walk(d + '/' + e.name, rel);
          }
        };
        walk(dir, '');
        return out;
      }
      return o && o.withFileTypes ? ents.map((e) => new Dirent(e.name, e.type, dir)) : ents.map((e) => e.name);
    },
    statSync(p, o) {
      try { return new Stats(fsCall('stat', toPath(p))); } catch (e) { if (o && o.throwIfNoEntry === false && e.code === 'ENOENT') return undefined; throw e; }
    },
    lstatSync(p, o) {
      try { return new Stats(fsCall('lstat', toPath(p))); } catch (e) { if (o && o.throwIfNoEntry === false && e.code === 'ENOENT') return undefined; throw e; }
    },
    mkdirSync(p, o) {
      const r = !!(o && (o === true || o.recursive));
      const abs = toPath(p);
      let first;
      if (r) { first = abs; while (first !== '/' && !fs.existsSync(path.dirname(first))) first = path.dirname(first); if (fs.existsSync(first)) first = undefined; }
      fsCall('mkdir', abs, r);
      return r ? first : undefined;
    },
    rmSync(p, o) { fsCall('rm', toPath(p), !!(o && o.recursive), !!(o && o.force)); },
    rmdirSync(p, o) { if (o && o.recursive) fsCall('rm', toPath(p), true, false); else fsCall('rmdir', toPath(p)); },
    unlinkSync(p) {
      const abs = toPath(p);
      if (fsCall('lstat', abs).type === 'dir') { const e = new Error(`EISDIR: illegal operation on a directory, unlink '${abs}'`); e.code = 'EISDIR'; e.path = abs; throw e; }
      fsCall('rm', abs, false, false);
    },
    renameSync(a, b) { fsCall('rename', toPath(a), toPath(b)); },
    existsSync(p) { try { fsCall('stat', toPath(p)); return true; } catch { return false; } },
    accessSync(p) { fsCall('stat', toPath(p)); },
    realpathSync(p) { const a = toPath(p); fsCall('stat', a); return a; },
    copyFileSync(a, b) { fsCall('write', toPath(b), fsCall('read', toPath(a))); },
  };
  fs.realpathSync.native = fs.realpathSync;
  const promises = {};
  for (const [name, sync] of [['readFile', 'readFileSync'], ['writeFile', 'writeFileSync'], ['appendFile', 'appendFileSync'],
    ['readdir', 'readdirSync'], ['stat', 'statSync'], ['lstat', 'lstatSync'], ['mkdir', 'mkdirSync'], ['rm', 'rmSync'],
    ['rmdir', 'rmdirSync'], ['unlink', 'unlinkSync'], ['rename', 'renameSync'], ['access', 'accessSync'],
    ['realpath', 'realpathSync'], ['copyFile', 'copyFileSync']]) {
    promises[name] = (...args) => new Promise((resolve) => resolve(fs[sync](...args)));
    fs[name] = (...args) => {
      const cb = args.pop();
      if (typeof cb !== 'function') throw argError('The "cb" argument must be of type function. Received ' + util.inspect(cb));
      let res, err = null;
      try { res = fs[sync](...args); } catch (e) { err = e; }
      setTimeout(() => (err ? cb(err) : cb(null, res)), 0);
    };
  }
  fs.exists = (p, cb) => { const r = fs.existsSync(p); setTimeout(() => cb(r), 0); };
  fs.promises = promises;

  // ---- process.stdin ----
  let stdinPromise;
  function readAllStdin() {
    if (!stdinPromise) stdinPromise = stdinConsumed ? Promise.resolve(new Uint8Array(0)) : hostStdin();
    stdinConsumed = true;
    return stdinPromise;
  }
  const stdinListeners = { data: [], end: [], error: [] };
  let stdinEncoding, stdinStarted = false;
  const stdin = {
    fd: 0, isTTY: false,
    setEncoding(e) { stdinEncoding = e; return stdin; },
    resume() { start(); return stdin; },
    pause() { return stdin; },
    on(ev, fn) { (stdinListeners[ev] || (stdinListeners[ev] = [])).push(fn); if (ev === 'data' || ev === 'end' || ev === 'readable') start(); return stdin; },
    once(ev, fn) { const w = (...a) => { stdin.off(ev, w); fn(...a); }; return stdin.on(ev, w); },
    off(ev, fn) { const l = stdinListeners[ev]; if (l) { const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); } return stdin; },
    removeListener(ev, fn) { return stdin.off(ev, fn); },
    read() { return null; },
    async *[Symbol.asyncIterator]() {
      const b = await readAllStdin();
      if (b.length) yield stdinEncoding ? Buffer._fromBytes(b).toString(stdinEncoding) : Buffer._fromBytes(b);
    },
  };
  function start() {
    if (stdinStarted) return;
    stdinStarted = true;
    readAllStdin().then((b) => {
      if (b.length) for (const fn of [...stdinListeners.data]) fn(stdinEncoding ? Buffer._fromBytes(b).toString(stdinEncoding) : Buffer._fromBytes(b));
      for (const fn of [...stdinListeners.end]) fn();
    }, (e) => { for (const fn of [...stdinListeners.error]) fn(e); });
  }
  stdin.addListener = stdin.on;
  proc.stdin = stdin;

  // ---- small built-ins ----
  class EventEmitter {
    constructor() { define(this, '_events', new Map()); }
    on(ev, fn) { if (!this._events) define(this, '_events', new Map()); const l = this._events.get(ev) || []; l.push(fn); this._events.set(ev, l); return this; }
    addListener(ev, fn) { return this.on(ev, fn); }
    prependListener(ev, fn) { this.on(ev, fn); const l = this._events.get(ev); l.unshift(l.pop()); return this; }
    once(ev, fn) { const w = (...a) => { this.off(ev, w); fn.apply(this, a); }; w.listener = fn; return this.on(ev, w); }
    off(ev, fn) { const l = this._events && this._events.get(ev); if (l) { const i = l.findIndex((f) => f === fn || f.listener === fn); if (i >= 0) l.splice(i, 1); } return this; }
    removeListener(ev, fn) { return this.off(ev, fn); }
    removeAllListeners(ev) { if (this._events) { if (ev === undefined) this._events.clear(); else this._events.delete(ev); } return this; }
    emit(ev, ...args) {
      const l = this._events && this._events.get(ev);
      if (!l || !l.length) { if (ev === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${util.inspect(args[0])})`); return false; }
      for (const fn of [...l]) fn.apply(this, args);
      return true;
    }
    listenerCount(ev) { const l = this._events && this._events.get(ev); return l ? l.length : 0; }
    listeners(ev) { return [...((this._events && this._events.get(ev)) || [])].map((f) => f.listener || f); }
    eventNames() { return this._events ? [...this._events.keys()] : []; }
    setMaxListeners() { return this; }
  }
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.once = (em, ev) => new Promise((resolve) => em.once(ev, (...a) => resolve(a)));
  // Stream is what every readable here shares (node:stream's base; fs and http streams extend it too).
  class Stream extends EventEmitter {
    pipe(dest, opts) {
      this.on('data', (c) => dest.write(c));
      this.on('end', () => {
        if ((!opts || opts.end !== false) && dest !== proc.stdout && dest !== proc.stderr && typeof dest.end === 'function') dest.end();
      });
      if (typeof dest.emit === 'function') dest.emit('pipe', this);
      return dest;
    }
  }

  // ---- fs streams (subset): a ReadStream reads its file whole when it starts flowing; a WriteStream
  // creates (or truncates) its file at once and appends each write, through the same policy as fs ----
  class ReadStream extends Stream {
    constructor(p, o) {
      super();
      if (typeof o === 'string') o = { encoding: o };
      o = o || {};
      this.path = p; this.bytesRead = 0; this.readable = true; this.destroyed = false;
      define(this, '_abs', toPath(p)); define(this, '_enc', o.encoding); define(this, '_hwm', o.highWaterMark || 65536);
      define(this, '_range', [o.start || 0, o.end]); define(this, '_flowing', false); define(this, '_data', null);
      // Node opens the file at once: a missing or denied file is an 'error' even before anyone reads.
      setTimeout(() => this._content().then(() => {
        if (!this.destroyed) { this.emit('open', 3); this.emit('ready'); }
      }, (e) => this._fail(e)), 0);
    }
    _fail(e) { if (!this.destroyed) { this.destroyed = true; this.emit('error', e); this.emit('close'); } }
    _content() {
      if (!this._data) {
        this._data = new Promise((resolve, reject) => {
          try {
            const b = fsCall('read', this._abs), [start, end] = this._range;
            resolve(b.subarray(start, end === undefined ? b.length : Math.min(b.length, end + 1)));
          } catch (e) { reject(e); }
        });
      }
      return this._data;
    }
    _chunks(b) {
      if (this._enc && this._enc !== 'buffer') {
        const text = Buffer._fromBytes(b).toString(this._enc), out = [];
        for (let i = 0; i < text.length; i += this._hwm) out.push(text.slice(i, i + this._hwm));
        return out;
      }
      const out = [];
      for (let i = 0; i < b.length; i += this._hwm) out.push(Buffer._fromBytes(b.subarray(i, i + this._hwm)));
      return out;
    }
    setEncoding(e) { this._enc = e; return this; }
    on(ev, fn) { super.on(ev, fn); if (ev === 'data') this.resume(); return this; }
    pause() { return this; }
    resume() {
      if (this._flowing) return this;
      this._flowing = true;
      this._content().then((b) => setTimeout(() => {
        for (const c of this._chunks(b)) { if (this.destroyed) return; this.bytesRead += typeof c === 'string' ? c.length : c.byteLength; this.emit('data', c); }
        if (this.destroyed) return;
        this.readable = false; this.emit('end'); this.emit('close');
      }, 0), (e) => this._fail(e));
      return this;
    }
    async *[Symbol.asyncIterator]() {
      this._flowing = true;
      for (const c of this._chunks(await this._content())) yield c;
      this.readable = false;
    }
    destroy(err) { if (!this.destroyed) { this.destroyed = true; if (err) this.emit('error', err); this.emit('close'); } return this; }
    close(cb) { this.destroy(); if (cb) setTimeout(cb, 0); }
  }
  class WriteStream extends EventEmitter {
    constructor(p, o) {
      super();
      if (typeof o === 'string') o = { encoding: o };
      o = o || {};
      this.path = p; this.bytesWritten = 0; this.writable = true; this.destroyed = false;
      define(this, '_abs', toPath(p)); define(this, '_enc', o.encoding || 'utf8'); define(this, '_err', null); define(this, '_ended', false);
      try { fsCall(o.flags && o.flags[0] === 'a' ? 'append' : 'write', this._abs, new Uint8Array(0)); } catch (e) { this._err = e; }
      setTimeout(() => {
        if (this._err) { this.destroyed = true; this.emit('error', this._err); this.emit('close'); } else { this.emit('open', 4); this.emit('ready'); }
      }, 0);
    }
    write(chunk, encoding, cb) {
      if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      if (this._ended) {
        const e = new Error('write after end'); e.code = 'ERR_STREAM_WRITE_AFTER_END';
        setTimeout(() => { this.emit('error', e); if (cb) cb(e); }, 0);
        return false;
      }
      if (!this._err) {
        try { const b = toBytes(chunk, encoding || this._enc); fsCall('append', this._abs, b); this.bytesWritten += b.length; }
        catch (e) { this._err = e; setTimeout(() => { this.destroyed = true; this.emit('error', e); this.emit('close'); }, 0); }
      }
      if (cb) { const err = this._err; setTimeout(() => cb(err), 0); }
      return true;
    }
    end(chunk, encoding, cb) {
      if (typeof chunk === 'function') { cb = chunk; chunk = undefined; } else if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
      if (this._ended) return this;
      this._ended = true; this.writable = false;
      setTimeout(() => { if (!this._err) { this.emit('finish'); this.emit('close'); } if (cb) cb(this._err || undefined); }, 0);
      return this;
    }
    destroy(err) { if (!this.destroyed) { this.destroyed = true; this._ended = true; if (err) this.emit('error', err); this.emit('close'); } return this; }
    close(cb) { this.end(cb); }
  }
  fs.ReadStream = ReadStream; fs.WriteStream = WriteStream;
  fs.createReadStream = (p, o) => new ReadStream(p, o);
  fs.createWriteStream = (p, o) => new WriteStream(p, o);

  // readAllInput collects a readable's data: process.stdin (read whole by the host), a ReadStream, or any
  // emitter of 'data' and 'end'.
  function readAllInput(input) {
    if (!input || input === proc.stdin) return readAllStdin();
    if (input instanceof ReadStream) return input._content();
    return new Promise((resolve, reject) => {
      const chunks = [];
      input.on('data', (c) => chunks.push(typeof c === 'string' ? enc.encode(c) : c));
      input.on('end', () => resolve(Buffer.concat(chunks)));
      input.on('error', reject);
      if (typeof input.resume === 'function') input.resume();
    });
  }

  // ---- readline (subset): the lines of its input (process.stdin or a stream), read whole ----
  class Interface extends EventEmitter {
    constructor(input, output) {
      super();
      if (input && input.input !== undefined) { output = input.output; input = input.input; }
      this.terminal = false; this.closed = false; this.line = '';
      this._output = output; this._prompt = '> '; this._questions = []; this._lines = null; this._paused = false;
      readAllInput(input).then((b) => {
        const text = dec.decode(b);
        this._lines = text === '' ? [] : text.split(/\r?\n/);
        if (this._lines.length && this._lines[this._lines.length - 1] === '') this._lines.pop();
        this._deliver();
      }, (e) => this.emit('error', e));
    }
    _deliver() {
      while (this._lines && this._lines.length && !this.closed && !this._paused) {
        const line = this._lines.shift();
        const q = this._questions.shift();
        if (q) q(line); else this.emit('line', line);
      }
      // The end of input closes the interface a turn later, as Node's 'end' event does (a question asked
      // in the meantime is printed and stays unanswered, as under Node).
      if (this._lines && !this._lines.length && !this.closed && !this._ending) {
        this._ending = true;
        setTimeout(() => this.close(), 0);
      }
    }
    question(query, opts, cb) {
      if (typeof opts === 'function') cb = opts;
      if (this.closed) { const e = new Error('readline was closed'); e.code = 'ERR_USE_AFTER_CLOSE'; throw e; }
      if (this._output && query) this._output.write(String(query));
      this._questions.push(cb);
      if (this._lines) queueMicrotask(() => this._deliver());
    }
    setPrompt(p) { this._prompt = String(p); }
    getPrompt() { return this._prompt; }
    prompt() { if (this._output) this._output.write(this._prompt); }
    write() {}
    pause() { this._paused = true; this.emit('pause'); return this; }
    resume() { if (this._paused) { this._paused = false; this.emit('resume'); queueMicrotask(() => this._deliver()); } return this; }
    close() { if (this.closed) return; this.closed = true; this.emit('close'); }
    async *[Symbol.asyncIterator]() {
      const pending = [];
      let wake = null;
      this.on('line', (l) => { pending.push(l); if (wake) wake(); });
      this.on('close', () => { if (wake) wake(); });
      for (;;) {
        if (pending.length) { yield pending.shift(); continue; }
        if (this.closed) return;
        await new Promise((r) => { wake = r; });
        wake = null;
      }
    }
  }
  const readline = { Interface, createInterface: (input, output) => new Interface(input, output) };
  const readlinePromises = {
    Interface,
    createInterface(input, output) {
      const rl = new Interface(input, output);
      const question = rl.question.bind(rl);
      rl.question = (query) => new Promise((resolve, reject) => {
        try { question(query, resolve); } catch (e) { reject(e); }
      });
      return rl;
    },
  };
  function promisify(fn) {
    return (...args) => new Promise((resolve, reject) => fn(...args, (err, ...res) => (err ? reject(err) : resolve(res.length > 1 ? res : res[0]))));
  }
  function deepEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof Map || a instanceof Set) return deepEqual([...a], [...b]);
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  class AssertionError extends Error { constructor(m) { super(m); this.name = 'AssertionError'; this.code = 'ERR_ASSERTION'; } }
  function assert(v, m) { if (!v) throw m instanceof Error ? m : new AssertionError(m || 'The expression evaluated to a falsy value'); }
  Object.assign(assert, {
    ok: assert, AssertionError,
    equal(a, b, m) { if (a != b) throw new AssertionError(m || `${util.inspect(a)} == ${util.inspect(b)}`); }, // eslint-disable-line eqeqeq
    strictEqual(a, b, m) { if (!Object.is(a, b)) throw new AssertionError(m || `Expected values to be strictly equal:\n\n${util.inspect(a)} !== ${util.inspect(b)}\n`); },
    notStrictEqual(a, b, m) { if (Object.is(a, b)) throw new AssertionError(m || `Expected "actual" to be strictly unequal to: ${util.inspect(b)}`); },
    deepStrictEqual(a, b, m) { if (!deepEqual(a, b)) throw new AssertionError(m || `Expected values to be strictly deep-equal:\n${util.inspect(a)}\n${util.inspect(b)}`); },
    deepEqual(a, b, m) { if (!deepEqual(a, b)) throw new AssertionError(m || 'Expected values to be loosely deep-equal'); },
    throws(fn, _e, m) { try { fn(); } catch { return; } throw new AssertionError(typeof _e === 'string' ? _e : m || 'Missing expected exception.'); },
  });
  assert.strict = assert;
  // ---- crypto (subset): digests and HMACs computed by the host (Go), randomness from globalThis.crypto ----

  class Hash {
    constructor(algorithm, key) {
      if (typeof algorithm !== 'string') throw argError(`The "algorithm" argument must be of type string. Received ${util.inspect(algorithm)}`);
      hostHash(algorithm, key); // checks the algorithm
      this._alg = algorithm; this._key = key; this._chunks = []; this._done = false;
    }
    update(data, encoding) {
      if (this._done) { const e = new Error('Digest already called'); e.code = 'ERR_CRYPTO_HASH_FINALIZED'; throw e; }
      this._chunks.push(toBytes(data, encoding, 'data').slice());
      return this;
    }
    digest(encoding) {
      if (this._done) { const e = new Error('Digest already called'); e.code = 'ERR_CRYPTO_HASH_FINALIZED'; throw e; }
      this._done = true;
      const out = Buffer._fromBytes(hostHash(this._alg, this._key, Buffer.concat(this._chunks)));
      return encoding === undefined || encoding === 'buffer' ? out : out.toString(encoding);
    }
    copy() {
      const h = Object.create(Object.getPrototypeOf(this));
      return Object.assign(h, this, { _chunks: this._chunks.slice() });
    }
  }
  function randomBytes(n, cb) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`The value of "size" is out of range. Received ${n}`);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 65536) G.crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
    if (typeof cb === 'function') { queueMicrotask(() => cb(null, b)); return undefined; }
    return b;
  }
  function randomInt(min, max, cb) {
    if (max === undefined || typeof max === 'function') { cb = max; max = min; min = 0; }
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) throw new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
    const range = max - min, limit = Math.floor(2 ** 48 / range) * range;
    let x;
    do { const b = randomBytes(6); x = b.reduce((v, c) => v * 256 + c, 0); } while (x >= limit);
    const r = min + (x % range);
    if (typeof cb === 'function') { queueMicrotask(() => cb(null, r)); return undefined; }
    return r;
  }
  const cryptoModule = {
    createHash: (algorithm) => new Hash(algorithm, undefined),
    createHmac: (algorithm, key) => new Hash(algorithm, Buffer._fromBytes(toBytes(key, 'utf8', 'key').slice())),
    getHashes: () => ['md5', 'sha1', 'sha224', 'sha256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'sha384', 'sha512', 'sha512-224', 'sha512-256'],
    randomBytes, randomInt,
    randomUUID: () => G.crypto.randomUUID(),
    getRandomValues: (ta) => G.crypto.getRandomValues(ta),
    timingSafeEqual(a, b) {
      a = toBytes(a, undefined, 'buf1'); b = toBytes(b, undefined, 'buf2');
      if (a.length !== b.length) { const e = new RangeError('Input buffers must have the same byte length'); e.code = 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH'; throw e; }
      let d = 0;
      for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
      return d === 0;
    },
    webcrypto: G.crypto,
    constants: {},
  };

  const builtins = {
    crypto: cryptoModule, readline, 'readline/promises': readlinePromises,
    fs, 'fs/promises': promises, path, 'path/posix': path, process: proc, buffer: { Buffer },
    events: EventEmitter, assert, 'assert/strict': assert,
    util: Object.assign({}, util, {
      promisify, isDeepStrictEqual: deepEqual, TextEncoder, TextDecoder, inherits(c, s) { Object.setPrototypeOf(c.prototype, s.prototype); Object.setPrototypeOf(c, s); },
      types: { isPromise: (p) => p instanceof Promise, isDate: (d) => d instanceof Date, isRegExp: (r) => r instanceof RegExp },
    }),
    url: {
      URL, URLSearchParams,
      fileURLToPath(u) { u = typeof u === 'string' ? new URL(u) : u; if (u.protocol !== 'file:') { const e = new TypeError('The URL must be of scheme file'); e.code = 'ERR_INVALID_URL_SCHEME'; throw e; } if (u.hostname !== '') { const e = new TypeError('File URL host must be "localhost" or empty on linux'); e.code = 'ERR_INVALID_FILE_URL_HOST'; throw e; } return decodeURIComponent(u.pathname); },
      pathToFileURL(p) { return new URL('file://' + encodeURI(path.resolve(p))); },
    },
    os: {
      EOL: '\n', tmpdir: () => proc.env.TMPDIR || '/tmp', homedir: () => proc.env.HOME || '/', platform: () => 'linux', type: () => 'Linux',
      arch: () => 'wasm32', cpus: () => [{ model: 'wasm', speed: 0 }], hostname: () => 'srt-sandbox', endianness: () => 'LE', release: () => '', totalmem: () => 0, freemem: () => 0,
    },
    timers: { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate },
    'timers/promises': {
      setTimeout: (ms, v) => new Promise((r) => setTimeout(() => r(v), ms)),
      setImmediate: (v) => new Promise((r) => setTimeout(() => r(v), 0)),
    },
  };
  function builtin(id) {
    const name = id.startsWith('node:') ? id.slice(5) : id;
    return Object.prototype.hasOwnProperty.call(builtins, name) ? builtins[name] : undefined;
  }
  define(G, Symbol.for('srt.builtin'), (name) => builtins[name]);

  // ---- CommonJS ----
  const moduleCache = Object.create(null);
  class Module {
    constructor(filename) {
      this.id = filename; this.filename = filename; this.path = path.dirname(filename);
      this.exports = {}; this.loaded = false; this.children = []; this.paths = [];
      this.require = makeRequire(this.path, this);
    }
  }
  // evalCJS compiles a CommonJS file's source into its wrapper function, named file in stack traces. The
  // wrapper shares the first line, so a syntax error there is reported at the column of the file's own text.
  const cjsPrefix = '(function (exports, require, module, __filename, __dirname) {';
  function evalCJS(file, src) {
    const body = src.startsWith('#!') ? '//' + src.slice(2) : src;
    try {
      return evalScript(cjsPrefix + body + '\n})', file);
    } catch (e) {
      if (e instanceof SyntaxError && typeof e.stack === 'string') {
        const at = file + ':1:';
        e.stack = e.stack.split('\n').map((l) => {
          const i = l.indexOf(at);
          if (i < 0) return l;
          const m = /^\d+/.exec(l.slice(i + at.length));
          return m ? l.slice(0, i + at.length) + Math.max(1, m[0] - cjsPrefix.length) + l.slice(i + at.length + m[0].length) : l;
        }).join('\n');
      }
      throw e;
    }
  }
  function loadFile(file, parent) {
    const cached = moduleCache[file];
    if (cached) return cached.exports;
    if (file.endsWith('.mjs')) {
      const e = new Error(`require() of ES Module ${file} not supported; use import()`);
      e.code = 'ERR_REQUIRE_ESM';
      throw e;
    }
    const m = new Module(file);
    moduleCache[file] = m;
    if (parent) parent.children.push(m);
    try {
      const src = dec.decode(fsCall('read', file));
      if (file.endsWith('.json')) {
        try { m.exports = JSON.parse(src); } catch (e) { e.message = file + ': ' + e.message; throw e; }
      } else {
        const fn = evalCJS(file, src);
        fn.call(m.exports, m.exports, m.require, m, file, m.path);
      }
      m.loaded = true;
    } catch (e) {
      delete moduleCache[file];
      throw e;
    }
    return m.exports;
  }
  function makeRequire(dir, parent) {
    function require(id) {
      if (typeof id !== 'string') throw argError(`The "id" argument must be of type string. Received ${util.inspect(id)}`);
      const b = builtin(id);
      if (b !== undefined) return b;
      if (id.startsWith('node:')) { const e = new Error(`Cannot find module '${id}'`); e.code = 'ERR_UNKNOWN_BUILTIN_MODULE'; throw e; }
      return loadFile(fsCall('resolve', id, dir), parent);
    }
    require.resolve = (id) => (builtin(id) !== undefined ? id : fsCall('resolve', id, dir));
    require.cache = moduleCache;
    require.main = mainModule;
    return require;
  }
  let mainModule;
  // runMain runs a CommonJS main script: its source is evaluated in the wrapper under its own name, so its
  // frames keep their lines, and called from here (the frames below it are srt's, as Node's are internal).
  define(G, Symbol.for('srt.runMain'), function runMain(file, src) {
    const m = new Module(file);
    moduleCache[file] = m;
    mainModule = m;
    m.require.main = m;
    const fn = evalCJS(file, src);
    fn.call(m.exports, m.exports, m.require, m, file, m.path);
    m.loaded = true;
  });
  define(G, Symbol.for('srt.require'), (file) => loadFile(file, undefined));
  if (cfg.eval) {
    // -e and stdin: require() (relative to the working directory), module and exports, as in node -e.
    const m = new Module(path.join(cwd, '[eval]'));
    define(G, 'require', m.require);
    define(G, 'module', m);
    define(G, 'exports', m.exports);
    define(G, '__filename', '[eval]');
    define(G, '__dirname', '.');
  }

  // ---- fetch ----
  if (typeof G.DOMException !== 'function') {
    class DOMException extends Error {
      constructor(message = '', name = 'Error') { super(message); define(this, 'name', name); }
      get code() { return { AbortError: 20, TimeoutError: 23 }[this.name] || 0; }
    }
    define(G, 'DOMException', DOMException);
  }
  class Event {
    constructor(type) { this.type = type; this.target = null; this.defaultPrevented = false; }
    preventDefault() { this.defaultPrevented = true; }
  }
  class EventTarget {
    constructor() { define(this, '_l', new Map()); }
    addEventListener(t, fn, o) { if (!fn) return; const l = this._l.get(t) || []; l.push({ fn, once: !!(o && o.once) }); this._l.set(t, l); }
    removeEventListener(t, fn) { const l = this._l.get(t); if (l) { const i = l.findIndex((x) => x.fn === fn); if (i >= 0) l.splice(i, 1); } }
    dispatchEvent(ev) {
      ev.target = this;
      const h = this['on' + ev.type];
      if (typeof h === 'function') h.call(this, ev);
      for (const x of [...(this._l.get(ev.type) || [])]) {
        if (x.once) this.removeEventListener(ev.type, x.fn);
        if (typeof x.fn === 'function') x.fn.call(this, ev); else x.fn.handleEvent(ev);
      }
      return !ev.defaultPrevented;
    }
  }
  const kTimer = Symbol('timer');
  class AbortSignal extends EventTarget {
    constructor() { super(); this.aborted = false; this.reason = undefined; this.onabort = null; }
    throwIfAborted() { if (this.aborted) throw this.reason; }
    static abort(reason) { const c = new AbortController(); c.abort(reason); return c.signal; }
    static timeout(ms) {
      const c = new AbortController();
      c.signal[kTimer] = setTimeout(() => c.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
      return c.signal;
    }
    static any(signals) {
      const c = new AbortController();
      for (const s of signals) {
        if (s.aborted) { c.abort(s.reason); break; }
        s.addEventListener('abort', () => c.abort(s.reason), { once: true });
      }
      return c.signal;
    }
  }
  class AbortController {
    constructor() { this.signal = new AbortSignal(); }
    abort(reason) {
      const s = this.signal;
      if (s.aborted) return;
      s.aborted = true;
      s.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
      if (s[kTimer]) clearTimeout(s[kTimer]);
      s.dispatchEvent(new Event('abort'));
    }
  }

  class Headers {
    constructor(init) {
      define(this, '_m', new Map());
      if (init instanceof Headers) for (const [k, v] of init) this.append(k, v);
      else if (Array.isArray(init)) for (const [k, v] of init) this.append(k, v);
      else if (init && typeof init === 'object') for (const k of Object.keys(init)) this.append(k, init[k]);
    }
    append(k, v) { k = String(k).toLowerCase(); v = String(v).trim(); const o = this._m.get(k); this._m.set(k, o === undefined ? v : o + ', ' + v); }
    set(k, v) { this._m.set(String(k).toLowerCase(), String(v).trim()); }
    get(k) { const v = this._m.get(String(k).toLowerCase()); return v === undefined ? null : v; }
    has(k) { return this._m.has(String(k).toLowerCase()); }
    delete(k) { this._m.delete(String(k).toLowerCase()); }
    forEach(fn, thisArg) { for (const [k, v] of this) fn.call(thisArg, v, k, this); }
    *entries() { yield* [...this._m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)); }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    getSetCookie() { const v = this.get('set-cookie'); return v === null ? [] : [v]; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'Headers'; }
  }

  function bodyBytes(body, headers) {
    if (body === undefined || body === null) return undefined;
    if (typeof body === 'string') { if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8'); return enc.encode(body); }
    if (body instanceof URLSearchParams) { if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8'); return enc.encode(body.toString()); }
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (typeof Blob === 'function' && body instanceof Blob) throw new TypeError('fetch: Blob bodies are not supported');
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return enc.encode(String(body));
  }

  class Body {
    _consume() {
      if (this.bodyUsed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
      define(this, 'bodyUsed', true);
      return Promise.resolve(this._bytes || new Uint8Array(0));
    }
    async text() { return dec.decode(await this._consume()); }
    async json() { return JSON.parse(await this.text()); }
    async arrayBuffer() { const b = await this._consume(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); }
    async bytes() { return new Uint8Array(await this.arrayBuffer()); }
    get body() {
      const b = this._bytes;
      if (b === undefined) return null;
      const self = this;
      return { async *[Symbol.asyncIterator]() { if (!self.bodyUsed) { define(self, 'bodyUsed', true); if (b.length) yield b; } },
        getReader() { let done = false; return { read: async () => { if (done || self.bodyUsed) return { done: true, value: undefined }; done = true; define(self, 'bodyUsed', true); return { done: false, value: b }; }, releaseLock() { }, cancel: async () => { } }; } };
    }
  }
  Body.prototype.bodyUsed = false;

  class Request extends Body {
    constructor(input, init = {}) {
      super();
      const base = input instanceof Request ? input : null;
      this.url = base ? base.url : new URL(String(input)).href;
      this.method = String(init.method || (base ? base.method : 'GET')).toUpperCase();
      this.headers = new Headers(init.headers || (base ? base.headers : undefined));
      this.signal = init.signal || (base ? base.signal : null) || new AbortController().signal;
      this.redirect = init.redirect || (base ? base.redirect : 'follow');
      const b = init.body !== undefined ? bodyBytes(init.body, this.headers) : base ? base._bytes : undefined;
      if (b !== undefined && (this.method === 'GET' || this.method === 'HEAD')) throw new TypeError('Request with GET/HEAD method cannot have body.');
      define(this, '_bytes', b);
    }
    clone() { return new Request(this); }
    get [Symbol.toStringTag]() { return 'Request'; }
  }

  class Response extends Body {
    constructor(body, init = {}) {
      super();
      this.status = init.status === undefined ? 200 : init.status;
      this.statusText = init.statusText || '';
      this.headers = new Headers(init.headers);
      this.ok = this.status >= 200 && this.status < 300;
      this.url = init.url || '';
      this.redirected = !!init.redirected;
      this.type = 'basic';
      define(this, '_bytes', bodyBytes(body, this.headers));
    }
    clone() { if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.'); return new Response(this._bytes, this); }
    static json(data, init = {}) { const h = new Headers(init.headers); if (!h.has('content-type')) h.set('content-type', 'application/json'); return new Response(JSON.stringify(data), Object.assign({}, init, { headers: h })); }
    static error() { return new Response(null, { status: 0 }); }
    static redirect(url, status = 302) { return new Response(null, { status, headers: { location: String(url) } }); }
    get [Symbol.toStringTag]() { return 'Response'; }
  }

  let fetchId = 0;
  function fetch(input, init) {
    let req;
    try { req = new Request(input, init); } catch (e) { return Promise.reject(e instanceof TypeError ? e : new TypeError(String(e && e.message))); }
    const signal = req.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    const id = ++fetchId;
    return new Promise((resolve, reject) => {
      const onAbort = () => { hostAbort(id); reject(signal.reason); };
      signal.addEventListener('abort', onAbort, { once: true });
      hostFetch(req.url, req.method, [...req.headers], req._bytes === undefined ? null : req._bytes, id, req.redirect).then((r) => {
        signal.removeEventListener('abort', onAbort);
        if (signal[kTimer]) clearTimeout(signal[kTimer]);
        const res = new Response(null, { status: r.status, statusText: r.statusText, headers: r.headers, url: r.url, redirected: r.redirected });
        define(res, '_bytes', r.body);
        resolve(res);
      }, (e) => {
        signal.removeEventListener('abort', onAbort);
        if (signal[kTimer]) clearTimeout(signal[kTimer]);
        if (signal.aborted) reject(signal.reason);
        else reject(e);
      });
    });
  }
  define(G, 'fetch', fetch);

  // ---- http/https (client subset): the request is made by the host like fetch's (srt's proxies, Go's
  // TLS), redirects are not followed (as in Node), the response body arrives whole ----
  const STATUS_CODES = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 301: 'Moved Permanently',
    302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
    429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
    503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
  class IncomingMessage extends Stream {
    constructor(r) {
      super();
      this.statusCode = r.status; this.statusMessage = r.statusText || STATUS_CODES[r.status] || '';
      this.httpVersion = '1.1'; this.headers = {}; this.rawHeaders = []; this.complete = false;
      for (const [k, v] of r.headers) { this.headers[k] = k === 'set-cookie' ? [v] : v; this.rawHeaders.push(k, v); }
      define(this, '_body', Buffer._fromBytes(r.body || new Uint8Array(0)));
      define(this, '_flowing', false);
    }
    setEncoding(e) { define(this, '_encoding', e); return this; }
    on(ev, fn) { super.on(ev, fn); if (ev === 'data') this.resume(); return this; }
    resume() {
      if (!this._flowing) {
        this._flowing = true;
        setTimeout(() => {
          if (this._body.length) this.emit('data', this._encoding ? this._body.toString(this._encoding) : this._body);
          this.complete = true;
          this.emit('end');
          this.emit('close');
        }, 0);
      }
      return this;
    }
    pause() { return this; }
    async *[Symbol.asyncIterator]() {
      this._flowing = true;
      if (this._body.length) yield this._encoding ? this._body.toString(this._encoding) : this._body;
      this.complete = true;
    }
  }
  function httpModule(defaultProtocol) {
    class ClientRequest extends EventEmitter {
      constructor(input, options, cb) {
        super();
        if (typeof options === 'function') { cb = options; options = undefined; }
        let o = {};
        if (typeof input === 'string' || input instanceof BaseURL) {
          const u = new BaseURL(String(input));
          o = { protocol: u.protocol, hostname: u.hostname, port: u.port, path: u.pathname + u.search };
          if (u.username) o.auth = decodeURIComponent(u.username) + ':' + decodeURIComponent(u.password);
          Object.assign(o, options || {});
        } else {
          o = Object.assign({}, input || {});
        }
        const protocol = o.protocol || defaultProtocol;
        if (protocol !== defaultProtocol) {
          const e = new TypeError(`Protocol "${protocol}" not supported. Expected "${defaultProtocol}"`);
          e.code = 'ERR_INVALID_PROTOCOL';
          throw e;
        }
        let host = o.hostname || (o.host || 'localhost').replace(/:\d+$/, '');
        if (host.includes(':') && !host.startsWith('[')) host = '[' + host + ']';
        const port = o.port ? ':' + o.port : '';
        this.method = (o.method || 'GET').toUpperCase();
        this.path = o.path || '/';
        this.host = host;
        define(this, '_url', `${protocol}//${host}${port}${this.path}`);
        define(this, '_headers', {});
        for (const [k, v] of Object.entries(o.headers || {})) this.setHeader(k, v);
        if (o.auth && !this.getHeader('authorization')) this.setHeader('authorization', 'Basic ' + btoa(o.auth));
        define(this, '_chunks', []);
        define(this, '_state', 'open');
        if (o.timeout) this.setTimeout(o.timeout);
        if (cb) this.once('response', cb);
      }
      setHeader(k, v) { this._headers[String(k).toLowerCase()] = v; return this; }
      getHeader(k) { return this._headers[String(k).toLowerCase()]; }
      getHeaders() { return Object.assign({}, this._headers); }
      removeHeader(k) { delete this._headers[String(k).toLowerCase()]; }
      get headersSent() { return this._state !== 'open'; }
      write(chunk, encoding, cb) {
        if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
        this._chunks.push(toBytes(chunk, encoding, 'chunk').slice());
        if (cb) queueMicrotask(cb);
        return true;
      }
      end(chunk, encoding, cb) {
        if (typeof chunk === 'function') { cb = chunk; chunk = undefined; } else if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
        if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
        if (cb) this.once('finish', cb);
        if (this._state === 'open') { this._state = 'sending'; setTimeout(() => this._send(), 0); }
        return this;
      }
      setTimeout(ms, cb) { define(this, '_timeoutMs', ms); if (cb) this.once('timeout', cb); return this; }
      _send() {
        if (this._state !== 'sending') return;
        define(this, '_id', ++fetchId);
        const headers = [];
        for (const [k, v] of Object.entries(this._headers)) for (const x of Array.isArray(v) ? v : [v]) headers.push([k, String(x)]);
        const body = this._chunks.length ? Buffer.concat(this._chunks) : null;
        this.emit('finish');
        let timer;
        if (this._timeoutMs > 0) timer = setTimeout(() => this.emit('timeout'), this._timeoutMs);
        hostFetch(this._url, this.method, headers, body, this._id, 'manual').then((r) => {
          clearTimeout(timer);
          if (this._state !== 'sending') return;
          this._state = 'done';
          const res = new IncomingMessage(r);
          define(this, 'res', res);
          if (!this.emit('response', res)) res.resume(); // nobody reads it: dump it, as Node does
        }, (e) => {
          clearTimeout(timer);
          if (this._state !== 'sending') return;
          this._state = 'done';
          const err = new Error(String(e.message).replace(/^fetch failed: /, ''));
          err.code = /blocked by network allowlist/.test(e.message) ? 'ECONNREFUSED' : 'ECONNRESET';
          this.emit('error', err);
          this.emit('close');
        });
      }
      destroy(err) {
        if (this._state === 'destroyed') return this;
        const was = this._state;
        this._state = 'destroyed';
        if (this._id) hostAbort(this._id);
        if (err) this.emit('error', err);
        else if (was === 'sending') { const e = new Error('socket hang up'); e.code = 'ECONNRESET'; this.emit('error', e); }
        this.emit('close');
        return this;
      }
      abort() { this.destroy(); }
    }
    const request = (input, options, cb) => new ClientRequest(input, options, cb);
    const get = (input, options, cb) => request(input, options, cb).end();
    class Agent { constructor(o) { this.options = o || {}; } destroy() {} }
    return {
      request, get, Agent, globalAgent: new Agent(), ClientRequest, IncomingMessage, STATUS_CODES, METHODS,
      createServer() { const e = new Error('srt: servers are not available in the WASM sandbox'); e.code = 'ERR_SRT_UNSUPPORTED'; throw e; },
    };
  }
  builtins.http = httpModule('http:');
  builtins.https = httpModule('https:');

  // ---- querystring and string_decoder (small modules that pure-JS packages require) ----
  const qsEscape = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const qsUnescape = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
  const qsValue = (v) => (typeof v === 'string' ? v : (typeof v === 'number' && isFinite(v)) || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '');
  builtins.querystring = {
    escape: qsEscape, unescape: qsUnescape,
    stringify(obj, sep = '&', eq = '=') {
      if (obj === null || typeof obj !== 'object') return '';
      return Object.keys(obj).map((k) => {
        const v = obj[k], ks = qsEscape(k) + eq;
        return Array.isArray(v) ? v.map((x) => ks + qsEscape(qsValue(x))).join(sep) : ks + qsEscape(qsValue(v));
      }).filter((x) => x !== '').join(sep);
    },
    parse(str, sep = '&', eq = '=') {
      const out = Object.create(null);
      if (typeof str !== 'string' || str === '') return out;
      for (const part of str.split(sep)) {
        if (part === '') continue;
        const i = part.indexOf(eq);
        const k = qsUnescape((i < 0 ? part : part.slice(0, i)).replace(/\+/g, ' '));
        const v = i < 0 ? '' : qsUnescape(part.slice(i + eq.length).replace(/\+/g, ' '));
        if (k in out) out[k] = [].concat(out[k], v); else out[k] = v;
      }
      return out;
    },
  };
  builtins.querystring.encode = builtins.querystring.stringify;
  builtins.querystring.decode = builtins.querystring.parse;
  // StringDecoder keeps the bytes of a character (utf8) or base64 group split across writes for the next.
  class StringDecoder {
    constructor(encoding) {
      this.encoding = (encoding || 'utf8').toLowerCase().replace('-', '');
      define(this, '_rest', new Uint8Array(0));
    }
    write(buf) {
      if (typeof buf === 'string') return buf;
      let u = toBytes(buf, undefined, 'buf');
      if (this._rest.length) { const j = new Uint8Array(this._rest.length + u.length); j.set(this._rest); j.set(u, this._rest.length); u = j; }
      let cut = u.length;
      if (this.encoding === 'utf8') {
        for (let i = Math.max(0, u.length - 3); i < u.length; i++) {
          const c = u[i], need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
          if (c >= 0xc0 && i + need > u.length) { cut = i; break; }
        }
      } else if (this.encoding === 'base64') {
        cut = u.length - (u.length % 3);
      }
      this._rest = u.slice(cut);
      return Buffer._fromBytes(u.subarray(0, cut)).toString(this.encoding);
    }
    end(buf) {
      let s = buf === undefined ? '' : this.write(buf);
      if (this._rest.length) { s += Buffer._fromBytes(this._rest).toString(this.encoding); this._rest = new Uint8Array(0); }
      return s;
    }
  }
  builtins.string_decoder = { StringDecoder };

  // ---- stream (subset): Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished; no
  // backpressure (writes are queued, reads are pushed as they come) ----
  function initReadable(r, o) {
    define(r, '_rq', []); define(r, '_rEnded', false); define(r, '_flowing', null); define(r, '_sched', false);
    define(r, '_reading', false); define(r, '_endEmitted', false); define(r, '_rObject', !!(o.objectMode || o.readableObjectMode));
    define(r, '_rDecoder', o.encoding ? new StringDecoder(o.encoding) : null);
    r.readable = true; r.destroyed = false;
    if (typeof o.read === 'function') r._read = o.read;
    if (typeof o.destroy === 'function') r._destroy = o.destroy;
  }
  class Readable extends Stream {
    constructor(o = {}) { super(); initReadable(this, o); }
    _read() {}
    push(chunk, encoding) {
      if (chunk === null) { this._rEnded = true; this._schedule(); return false; }
      if (typeof chunk === 'string' && !this._rObject) chunk = Buffer.from(chunk, encoding);
      this._rq.push(chunk); this._schedule();
      return true;
    }
    unshift(chunk) { this._rq.unshift(chunk); this._schedule(); }
    _schedule() {
      if (this._sched) return;
      this._sched = true;
      queueMicrotask(() => { this._sched = false; this._pump(); });
    }
    _out(c) { return this._rDecoder && c instanceof Uint8Array ? this._rDecoder.write(c) : c; }
    _pump() {
      if (this.destroyed) return;
      if (this._flowing === true) {
        while (this._rq.length && this._flowing === true && !this.destroyed) this.emit('data', this._out(this._rq.shift()));
      } else if (this._rq.length && this.listenerCount('readable')) {
        this.emit('readable');
      }
      if (this._rq.length) return;
      if (this._rEnded) {
        if (!this._endEmitted && (this._flowing === true || this.listenerCount('readable'))) {
          this._endEmitted = true; this.readable = false;
          this.emit('end');
          if (this._autoClose !== false) this.emit('close');
        }
      } else if (!this._reading && (this._flowing === true || this.listenerCount('readable'))) {
        this._reading = true;
        Promise.resolve().then(() => { this._reading = false; if (!this.destroyed && !this._rEnded) this._read(16384); });
      }
    }
    listenerCount(ev) { const l = this._events && this._events.get(ev); return l ? l.length : 0; }
    on(ev, fn) {
      super.on(ev, fn);
      if (ev === 'data' && this._flowing !== false) this.resume();
      if (ev === 'readable' || ev === 'end') this._schedule();
      return this;
    }
    resume() { this._flowing = true; this._schedule(); return this; }
    pause() { this._flowing = false; return this; }
    isPaused() { return this._flowing === false; }
    setEncoding(e) { this._rDecoder = new StringDecoder(e); return this; }
    read() { if (!this._rq.length) { this._schedule(); return null; } const c = this._out(this._rq.shift()); this._schedule(); return c; }
    destroy(err) {
      if (this.destroyed) return this;
      this.destroyed = true; this.readable = false;
      const done = (e) => queueMicrotask(() => { if (e) this.emit('error', e); this.emit('close'); });
      if (typeof this._destroy === 'function') this._destroy(err || null, done); else done(err);
      return this;
    }
    async *[Symbol.asyncIterator]() {
      const q = [];
      let done = false, error = null, wake = null;
      this.on('data', (c) => { q.push(c); if (wake) wake(); });
      this.on('end', () => { done = true; if (wake) wake(); });
      this.on('error', (e) => { error = e; if (wake) wake(); });
      this.on('close', () => { done = true; if (wake) wake(); });
      for (;;) {
        if (q.length) { yield q.shift(); continue; }
        if (error) throw error;
        if (done) return;
        await new Promise((r) => { wake = r; });
        wake = null;
      }
    }
    static from(iterable, o) {
      const r = new Readable(Object.assign({ objectMode: true }, o));
      if (typeof iterable === 'string' || iterable instanceof Uint8Array) iterable = [iterable];
      (async () => {
        try { for await (const x of iterable) r.push(x); r.push(null); } catch (e) { r.destroy(e); }
      })();
      return r;
    }
  }
  function initWritable(w, o) {
    define(w, '_wq', []); define(w, '_busy', false); define(w, '_ending', false); define(w, '_finished', false);
    define(w, '_wObject', !!(o.objectMode || o.writableObjectMode)); define(w, '_decodeStrings', o.decodeStrings !== false);
    w.writable = true; w.destroyed = false;
    if (typeof o.write === 'function') w._write = o.write;
    if (typeof o.final === 'function') w._final = o.final;
    if (typeof o.destroy === 'function') w._destroy = o.destroy;
  }
  const writableMethods = {
    _write(chunk, encoding, cb) { cb(); },
    write(chunk, encoding, cb) {
      if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      if (this._ending || this.destroyed) {
        const e = new Error('write after end'); e.code = 'ERR_STREAM_WRITE_AFTER_END';
        queueMicrotask(() => { this.emit('error', e); if (cb) cb(e); });
        return false;
      }
      if (typeof chunk === 'string' && !this._wObject && this._decodeStrings) { chunk = Buffer.from(chunk, encoding); encoding = 'buffer'; }
      this._wq.push([chunk, encoding || 'buffer', cb]);
      this._writeNext();
      return true;
    },
    _writeNext() {
      if (this._busy || this.destroyed) return;
      const item = this._wq.shift();
      if (!item) { if (this._ending && !this._finished) this._finishWrite(); return; }
      this._busy = true;
      let called = false;
      this._write(item[0], item[1], (err) => {
        if (called) return;
        called = true; this._busy = false;
        if (err) { if (item[2]) item[2](err); this.destroy(err); return; }
        if (item[2]) item[2]();
        queueMicrotask(() => this._writeNext());
      });
    },
    end(chunk, encoding, cb) {
      if (typeof chunk === 'function') { cb = chunk; chunk = undefined; } else if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
      if (cb) this.once('finish', cb);
      if (!this._ending) { this._ending = true; this.writable = false; queueMicrotask(() => this._writeNext()); }
      return this;
    },
    _finishWrite() {
      this._finished = true;
      const done = (err) => {
        if (err) { this.destroy(err); return; }
        this.emit('finish');
        if (!(this instanceof Readable)) this.emit('close');
      };
      if (typeof this._final === 'function') this._final(done); else queueMicrotask(() => done());
    },
    cork() {}, uncork() {}, setDefaultEncoding() { return this; },
  };
  class Writable extends Stream {
    constructor(o = {}) { super(); initWritable(this, o); }
    destroy(err) {
      if (this.destroyed) return this;
      this.destroyed = true; this.writable = false;
      const done = (e) => queueMicrotask(() => { if (e) this.emit('error', e); this.emit('close'); });
      if (typeof this._destroy === 'function') this._destroy(err || null, done); else done(err);
      return this;
    }
  }
  Object.assign(Writable.prototype, writableMethods);
  class Duplex extends Readable {
    constructor(o = {}) { super(o); initWritable(this, o); }
  }
  Object.assign(Duplex.prototype, writableMethods);
  class Transform extends Duplex {
    constructor(o = {}) {
      super(o);
      if (typeof o.transform === 'function') this._transform = o.transform;
      if (typeof o.flush === 'function') this._flush = o.flush;
    }
    _transform(chunk, encoding, cb) { cb(null, chunk); }
    _write(chunk, encoding, cb) {
      this._transform(chunk, encoding, (err, data) => {
        if (err) { cb(err); return; }
        if (data !== undefined && data !== null) this.push(data);
        cb();
      });
    }
    _final(cb) {
      const end = () => { this.push(null); cb(); };
      if (typeof this._flush === 'function') this._flush((err, data) => { if (err) { cb(err); return; } if (data !== undefined && data !== null) this.push(data); end(); });
      else end();
    }
  }
  class PassThrough extends Transform {}
  function finished(stream, o, cb) {
    if (typeof o === 'function') cb = o;
    let called = false;
    const once = (err) => { if (!called) { called = true; cb(err); } };
    stream.on('end', () => once());
    stream.on('finish', () => once());
    stream.on('error', (e) => once(e));
    stream.on('close', () => { if (!stream.readable && !stream.writable) once(); });
    return () => {};
  }
  function pipeline(...streams) {
    const cb = typeof streams[streams.length - 1] === 'function' ? streams.pop() : () => {};
    if (streams.length === 1 && Array.isArray(streams[0])) streams = streams[0];
    let failed = false;
    const fail = (e) => { if (failed) return; failed = true; for (const st of streams) if (typeof st.destroy === 'function' && !st.destroyed) st.destroy(); cb(e); };
    for (let i = 0; i < streams.length; i++) {
      const st = streams[i];
      st.on('error', fail);
      if (i + 1 < streams.length) st.pipe(streams[i + 1]);
    }
    const last = streams[streams.length - 1];
    finished(last, (e) => (e ? fail(e) : (!failed && cb())));
    return last;
  }
  const stream = Object.assign(Stream, {
    Stream, Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished,
    promises: {
      pipeline: (...a) => new Promise((resolve, reject) => pipeline(...a, (e) => (e ? reject(e) : resolve()))),
      finished: (st, o) => new Promise((resolve, reject) => finished(st, o, (e) => (e ? reject(e) : resolve()))),
    },
  });
  builtins.stream = stream;
  builtins['stream/promises'] = stream.promises;

  // ---- module, tty, perf_hooks ----
  builtins.module = {
    createRequire(f) {
      const file = f instanceof BaseURL || (typeof f === 'string' && f.startsWith('file:')) ? builtins.url.fileURLToPath(f) : String(f);
      return new Module(file.endsWith('/') ? file + '[createRequire]' : file).require;
    },
    isBuiltin: (id) => builtin(id) !== undefined,
    get builtinModules() { return Object.keys(builtins).filter((k) => !k.includes('/')); },
    Module,
  };
  builtins.tty = { isatty: () => false, ReadStream: class ReadStream {}, WriteStream: class WriteStream {} };
  builtins.perf_hooks = { performance: G.performance };

  // Modules that cannot work here load (packages often require them up front) but throw when used.
  for (const [name, names] of Object.entries({
    child_process: ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'],
    worker_threads: ['Worker'], cluster: ['fork'], net: ['connect', 'createConnection', 'createServer', 'Socket'],
    tls: ['connect', 'createServer', 'createSecureContext'], dgram: ['createSocket'], dns: ['lookup', 'resolve', 'resolve4', 'resolve6'],
    vm: ['runInNewContext', 'runInThisContext', 'createContext', 'Script'], zlib: ['gzipSync', 'gunzipSync', 'deflateSync', 'inflateSync', 'createGzip', 'createGunzip'],
    http2: ['connect', 'createServer'],
  })) {
    const mod = {};
    for (const fn of names) {
      mod[fn] = function unavailable() {
        const e = new Error(`srt: ${name}.${fn} is not available in the WASM sandbox (srt runs programs that need it natively: srt node FILE)`);
        e.code = 'ERR_SRT_UNSUPPORTED';
        throw e;
      };
    }
    if (name === 'worker_threads') Object.assign(mod, { isMainThread: true, parentPort: null, workerData: null, threadId: 0 });
    if (name === 'cluster') Object.assign(mod, { isPrimary: true, isMaster: true, isWorker: false });
    if (name === 'dns') mod.promises = { lookup: mod.lookup, resolve: mod.resolve };
    builtins[name] = mod;
  }
  define(G, 'Headers', Headers);
  define(G, 'Request', Request);
  define(G, 'Response', Response);
  define(G, 'AbortController', AbortController);
  define(G, 'AbortSignal', AbortSignal);
  if (typeof G.EventTarget !== 'function') define(G, 'EventTarget', EventTarget);
  if (typeof G.Event !== 'function') define(G, 'Event', Event);
})
