// The guest environment of wasi/quickjs: console, timers, process, encoding, crypto, structuredClone,
// URL. Evaluated as a strict global script whose value is a function; the host calls it with its host
// functions and a JSON config, and keeps the returned hooks for its event loop.
(function (host, configJSON) {
  'use strict';
  const config = JSON.parse(configJSON);
  const G = globalThis;
  const hostWrite = host.write, hostExit = host.exit, hostRandom = host.random, hostEncode = host.encode,
    hostDecode = host.decode, hostCall = host.call, hostPromise = host.promise,
    hostEval = host.eval;
  const ObjectKeys = Object.keys, ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor,
    ObjectGetPrototypeOf = Object.getPrototypeOf, ArrayIsArray = Array.isArray, JSONStringify = JSON.stringify,
    JSONParse = JSON.parse, perfNow = performance.now.bind(performance);
  const FunctionToString = Function.prototype.toString;
  const TypedArrayProto = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayToStringTag = ObjectGetOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;

  function define(obj, name, value) {
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  }

  // ---- util.inspect (a Node-compatible subset) ----

  const kObjectType = 0, kArrayExtrasType = 1;
  const customInspect = Symbol.for('nodejs.util.inspect.custom');

  function isIdentifier(k) {
    if (k.length === 0) return false;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > 0 && c >= 48 && c <= 57))) return false;
    }
    return true;
  }

  function isTypedArray(v) { return TypedArrayToStringTag.call(v) !== undefined; }

  function strEscape(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
    }
    let out = '';
    for (let i = 0; i < str.length; i++) {
      const c = str[i], code = str.charCodeAt(i);
      if (c === quote || c === '\\') out += '\\' + c;
      else if (c === '\n') out += '\\n';
      else if (c === '\t') out += '\\t';
      else if (c === '\r') out += '\\r';
      else if (c === '\b') out += '\\b';
      else if (c === '\f') out += '\\f';
      else if (c === '\v') out += '\\v';
      else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
      else out += c;
    }
    return quote + out + quote;
  }

  function formatNumber(n) { return Object.is(n, -0) ? '-0' : `${n}`; }

  function formatPrimitive(v, ctx) {
    switch (typeof v) {
      case 'string': {
        let trailer = '';
        if (v.length > ctx.maxStringLength) {
          const remaining = v.length - ctx.maxStringLength;
          v = v.slice(0, ctx.maxStringLength);
          trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
        }
        return strEscape(v) + trailer;
      }
      case 'number': return formatNumber(v);
      case 'bigint': return `${v}n`;
      case 'boolean': return `${v}`;
      case 'undefined': return 'undefined';
      case 'symbol': return v.toString();
    }
    return String(v);
  }

  const ObjectPrototype = Object.prototype, ArrayPrototype = Array.prototype;
  function getCtorName(obj) {
    const proto = ObjectGetPrototypeOf(obj);
    if (proto === ObjectPrototype && !Object.prototype.hasOwnProperty.call(obj, 'constructor')) return 'Object';
    if (proto === ArrayPrototype && !Object.prototype.hasOwnProperty.call(obj, 'constructor')) return 'Array';
    let o = obj;
    for (let depth = 0; o !== null && depth < 1000; depth++) {
      const d = ObjectGetOwnPropertyDescriptor(o, 'constructor');
      if (d !== undefined && typeof d.value === 'function' && d.value.name !== '') return d.value.name;
      o = ObjectGetPrototypeOf(o);
    }
    return null;
  }

  function getPrefix(constructor, tag, fallback, size) {
    if (constructor === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size !== undefined ? `(${size})` : ''}: null prototype] [${tag}] `;
      return `[${fallback}${size !== undefined ? `(${size})` : ''}: null prototype] `;
    }
    if (tag !== '' && constructor !== tag) return `${constructor}${size !== undefined ? `(${size})` : ''} [${tag}] `;
    return `${constructor}${size !== undefined ? `(${size})` : ''} `;
  }

  function getFunctionBase(value, constructor, tag) {
    let src = '';
    try { src = FunctionToString.call(value); } catch { }
    if (src.startsWith('class') && /^class(\s|\{)/.test(src)) {
      let base = `[class ${value.name || '(anonymous)'}`;
      const m = /^class\s+[\w$]*\s*extends\s+([\w$.]+)/.exec(src);
      if (m) base += ` extends ${m[1]}`;
      else if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
      return base + ']';
    }
    let type = 'Function';
    if (constructor === 'AsyncFunction' || constructor === 'GeneratorFunction' || constructor === 'AsyncGeneratorFunction') type = constructor;
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  function formatError(err, constructor, tag, ctx, keys) {
    const name = err.name != null ? String(err.name) : 'Error';
    const message = err.message != null ? String(err.message) : '';
    let stack = typeof err.stack === 'string' ? err.stack : '';
    const head = message ? `${name}: ${message}` : name;
    // QuickJS's stack holds only the frames; Node's starts with "Name: message".
    if (stack === '') stack = `[${head}]`;
    else if (!stack.startsWith(head) && !/^\w*Error[:\s\n]/.test(stack)) stack = `${head}\n${stack.replace(/\n$/, '')}`;
    else stack = stack.replace(/\n$/, '');
    const i = keys.indexOf('stack');
    if (i !== -1) keys.splice(i, 1);
    for (const k of ['name', 'message']) {
      const j = keys.indexOf(k);
      if (j !== -1 && stack.includes(String(err[k]))) keys.splice(j, 1);
    }
    if ('cause' in err && !keys.includes('cause') && ObjectGetOwnPropertyDescriptor(err, 'cause')) keys.push('cause');
    if (ctx.indentationLvl !== 0) {
      const indentation = ' '.repeat(ctx.indentationLvl);
      stack = stack.replaceAll('\n', `\n${indentation}`);
    }
    return stack;
  }

  function formatValue(ctx, value, recurseTimes) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
    if (value === null) return 'null';
    const custom = value[customInspect];
    if (typeof custom === 'function' && custom !== inspect) {
      const ret = custom.call(value, ctx.depth - recurseTimes, { depth: ctx.depth - recurseTimes }, inspect);
      if (ret !== value) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
        return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }
    if (ctx.seen.includes(value)) {
      if (ctx.circular === null) ctx.circular = new Map();
      let index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes);
  }

  function formatRaw(ctx, value, recurseTimes) {
    let keys;
    try {
      keys = ObjectKeys(value);
      for (const s of Object.getOwnPropertySymbols(value)) {
        if (ObjectGetOwnPropertyDescriptor(value, s).enumerable) keys.push(s);
      }
    } catch { keys = []; }
    const constructor = getCtorName(value);
    let tag = '';
    try { tag = value[Symbol.toStringTag]; } catch { }
    if (typeof tag !== 'string' || (tag !== '' && (constructor === tag))) tag = '';
    let base = '';
    let formatter = () => [];
    let braces;
    let extrasType = kObjectType;
    let noIterator = true;

    const plain = constructor === 'Object' && tag === '';
    if (plain) {
      // fall through to the plain-object case below without brand checks
    } else if (ArrayIsArray(value)) {
      noIterator = false;
      const prefix = (constructor !== 'Array' || tag !== '') ? getPrefix(constructor, tag, 'Array', value.length) : '';
      keys = keys.filter((k) => typeof k === 'symbol' || !/^(0|[1-9][0-9]*)$/.test(k) || Number(k) >= value.length);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (value instanceof Set) {
      noIterator = false;
      const size = value.size;
      const prefix = getPrefix(constructor, tag, 'Set', size);
      formatter = formatSet;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (value instanceof Map) {
      noIterator = false;
      const size = value.size;
      const prefix = getPrefix(constructor, tag, 'Map', size);
      formatter = formatMap;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isTypedArray(value)) {
      noIterator = false;
      const fallback = TypedArrayToStringTag.call(value);
      const size = value.length;
      const prefix = getPrefix(constructor, tag, fallback, size);
      keys = keys.filter((k) => typeof k === 'symbol' || !/^(0|[1-9][0-9]*)$/.test(k));
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    }
    if (noIterator) {
      if (plain && !(value instanceof Error)) {
        braces = ['{', '}'];
        if (keys.length === 0) return '{}';
      } else if (typeof value === 'function') {
        base = getFunctionBase(value, constructor, tag);
        if (keys.length === 0) return base;
        braces = ['{', '}'];
      } else if (value instanceof RegExp) {
        base = RegExp.prototype.toString.call(value);
        if (keys.length === 0) return base;
        braces = ['{', '}'];
      } else if (value instanceof Date) {
        base = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
        if (keys.length === 0) return base;
        braces = ['{', '}'];
      } else if (value instanceof Error) {
        base = formatError(value, constructor, tag, ctx, keys);
        if (keys.length === 0) return base;
        braces = ['{', '}'];
      } else if (value instanceof ArrayBuffer) {
        const prefix = getPrefix(constructor, tag, 'ArrayBuffer');
        const bytes = new Uint8Array(value);
        let contents = Array.from(bytes.subarray(0, 50), (b) => b.toString(16).padStart(2, '0')).join(' ');
        if (bytes.length > 50) contents += ` ... ${bytes.length - 50} more byte${bytes.length - 50 > 1 ? 's' : ''}`;
        keys.unshift('byteLength');
        braces = [`${prefix}{`, '}'];
        const inner = formatter;
        formatter = () => [`[Uint8Contents]: <${contents}>`];
        void inner;
      } else if (value instanceof Promise) {
        braces = [`${getPrefix(constructor, tag, 'Promise')}{`, '}'];
        formatter = formatPromise;
      } else if (value instanceof WeakSet || value instanceof WeakMap) {
        return `${getPrefix(constructor, tag, value instanceof WeakSet ? 'WeakSet' : 'WeakMap')}{ <items unknown> }`;
      } else if (value instanceof Number || value instanceof String || value instanceof Boolean) {
        const t = value instanceof Number ? 'Number' : value instanceof String ? 'String' : 'Boolean';
        base = `[${t}: ${formatPrimitive(value.valueOf(), ctx)}]`;
        if (t === 'String') keys = keys.filter((k) => typeof k === 'symbol' || !/^(0|[1-9][0-9]*)$/.test(k));
        if (keys.length === 0) return base;
        braces = ['{', '}'];
      } else if (typeof value[Symbol.iterator] === 'function' && (tag === 'Set Iterator' || tag === 'Map Iterator' || tag === 'Array Iterator')) {
        braces = [`[${tag}] {`, '}'];
        formatter = (ctx, v, rt) => Array.from(v, (x) => formatValue(ctx, x, rt + 1));
      } else {
        if (keys.length === 0) return `${getPrefix(constructor, tag, 'Object')}{}`;
        braces = [`${getPrefix(constructor, tag, 'Object')}{`, '}'];
      }
    }

    if (recurseTimes > ctx.depth) {
      let name = (constructor || tag || 'Object');
      if (ArrayIsArray(value)) name = 'Array';
      return `[${name}]`;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (let i = 0; i < keys.length; i++) output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    } finally {
      ctx.seen.pop();
    }
    const index = ctx.circular === null ? undefined : ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      if (base === '') braces[0] = `${reference} ${braces[0]}`;
      else base = `${reference} ${base}`;
    }
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  function formatProperty(ctx, value, recurseTimes, key, type, desc) {
    let name, str;
    desc = desc || ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === kArrayExtrasType) return str;
    if (typeof key === 'symbol') name = `[${key.toString()}]`;
    else if (key === '__proto__') name = "['__proto__']";
    else if (desc.enumerable === false) name = `[${key}]`;
    else if (isIdentifier(key)) name = key;
    else name = strEscape(key);
    return `${name}: ${str}`;
  }

  function formatArray(ctx, value, recurseTimes) {
    const len = value.length;
    const max = Math.min(ctx.maxArrayLength, len);
    const output = [];
    for (let i = 0; i < max; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, i)) {
        let j = i;
        while (j < len && !Object.prototype.hasOwnProperty.call(value, j)) j++;
        const n = j - i;
        output.push(`<${n} empty item${n > 1 ? 's' : ''}>`);
        i = j - 1;
        continue;
      }
      output.push(formatProperty(ctx, value, recurseTimes, String(i), kArrayExtrasType));
    }
    const remaining = len - max;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    return output;
  }

  function formatTypedArray(ctx, value, recurseTimes) {
    const len = value.length;
    const max = Math.min(ctx.maxArrayLength, len);
    const output = [];
    for (let i = 0; i < max; i++) output.push(typeof value[i] === 'bigint' ? `${value[i]}n` : formatNumber(value[i]));
    if (len > max) output.push(`... ${len - max} more item${len - max > 1 ? 's' : ''}`);
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of value) output.push(formatValue(ctx, v, recurseTimes));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of value) output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatPromise(ctx, value, recurseTimes) {
    const st = hostPromise(value);
    if (st[0] === 'pending') return ['<pending>'];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, st[1], recurseTimes);
    ctx.indentationLvl -= 2;
    return [st[0] === 'rejected' ? `<rejected> ${str}` : str];
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let i = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
      const approxCharHeights = 2.5;
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) {
          if (dataLen[j] > lineLength) lineLength = dataLen[j];
        }
        maxLineLength.push(lineLength + separatorSpace);
      }
      let order = 'padStart';
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
            order = 'padEnd';
            break;
          }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          str += `${output[j]}, `[order](padding, ' ');
        }
        if (order === 'padStart') {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          str += output[j].padStart(padding, ' ');
        } else {
          str += output[j];
        }
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(', ');
        if (!joined.includes('\n')) {
          return `${base ? `${base} ` : ''}${braces[0]} ${joined}` + ` ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function inspect(value, opts) {
    const ctx = {
      seen: [], circular: null, indentationLvl: 0, currentDepth: 0,
      depth: 2, breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000,
    };
    if (opts) {
      for (const k of ['depth', 'breakLength', 'compact', 'maxArrayLength', 'maxStringLength']) {
        if (opts[k] !== undefined) ctx[k] = opts[k] === null ? Infinity : opts[k];
      }
    }
    return formatValue(ctx, value, 0);
  }

  function formatWithOptions(args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) === 37) { // '%'
          const nextChar = first.charCodeAt(++i);
          if (a + 1 !== args.length) {
            switch (nextChar) {
              case 115: { // 's'
                const arg = args[++a];
                if (typeof arg === 'number') tempStr = formatNumber(arg);
                else if (typeof arg === 'bigint') tempStr = `${arg}n`;
                else if (typeof arg !== 'object' || arg === null) tempStr = String(arg);
                else tempStr = inspect(arg, { depth: 0 });
                break;
              }
              case 106: // 'j'
                try { tempStr = JSONStringify(args[++a]); } catch { tempStr = '[Circular]'; }
                break;
              case 100: { // 'd'
                const n = args[++a];
                if (typeof n === 'bigint') tempStr = `${n}n`;
                else if (typeof n === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number(n));
                break;
              }
              case 79: // 'O'
                tempStr = inspect(args[++a]);
                break;
              case 111: // 'o'
                tempStr = inspect(args[++a], { depth: 4 });
                break;
              case 105: { // 'i'
                const n = args[++a];
                if (typeof n === 'bigint') tempStr = `${n}n`;
                else if (typeof n === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(parseInt(n));
                break;
              }
              case 102: { // 'f'
                const n = args[++a];
                tempStr = typeof n === 'symbol' ? 'NaN' : formatNumber(parseFloat(n));
                break;
              }
              case 99: // 'c'
                a += 1;
                tempStr = '';
                break;
              case 37: // '%'
                str += first.slice(lastPos, i);
                lastPos = i + 1;
                continue;
              default:
                continue;
            }
            if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
            str += tempStr;
            lastPos = i + 1;
          } else if (nextChar === 37) {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value === 'string' ? value : typeof value === 'number' ? formatNumber(value) : inspect(value);
      join = ' ';
      a++;
    }
    return str;
  }

  // ---- console ----

  let groupIndent = '';
  function print(fd, args) {
    let s = formatWithOptions(args);
    if (groupIndent !== '') s = groupIndent + s.replaceAll('\n', `\n${groupIndent}`);
    hostWrite(fd, s + '\n');
  }
  const counts = new Map();
  const timers = new Map();
  const consoleObj = {
    log(...args) { print(1, args); },
    info(...args) { print(1, args); },
    debug(...args) { print(1, args); },
    warn(...args) { print(2, args); },
    error(...args) { print(2, args); },
    trace(...args) {
      const e = new Error(formatWithOptions(args));
      e.name = 'Trace';
      print(2, [e.stack ? `Trace: ${e.message}\n${e.stack.replace(/^.*\n/, '').replace(/\n$/, '')}` : `Trace: ${e.message}`]);
    },
    dir(obj, opts) { print(1, [inspect(obj, opts)]); },
    assert(cond, ...args) {
      if (!cond) {
        if (typeof args[0] === 'string') args[0] = `Assertion failed: ${args[0]}`;
        else args.unshift('Assertion failed');
        print(2, args);
      }
    },
    count(label = 'default') {
      label = `${label}`;
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      print(1, [`${label}: ${n}`]);
    },
    countReset(label = 'default') { counts.delete(`${label}`); },
    time(label = 'default') { timers.set(`${label}`, perfNow()); },
    timeEnd(label = 'default') {
      label = `${label}`;
      const t = timers.get(label);
      if (t === undefined) return;
      timers.delete(label);
      print(1, [`${label}: ${formatDuration(perfNow() - t)}`]);
    },
    timeLog(label = 'default', ...data) {
      label = `${label}`;
      const t = timers.get(label);
      if (t === undefined) return;
      print(1, [`${label}: ${formatDuration(perfNow() - t)}`, ...data]);
    },
    group(...args) {
      if (args.length > 0) print(1, args);
      groupIndent += '  ';
    },
    groupEnd() { groupIndent = groupIndent.slice(0, -2); },
    table(data, properties) { print(1, [formatTable(data, properties)]); },
  };
  consoleObj.groupCollapsed = consoleObj.group;
  function formatDuration(ms) {
    if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
    return `${ms.toFixed(3)}ms`;
  }

  function formatTable(data, properties) {
    if (data === null || typeof data !== 'object') return formatWithOptions([data]);
    const fmt = (v) => (v === undefined ? '' : inspect(v, { depth: 1, breakLength: Infinity }));
    const rowKeys = [];
    const rows = [];
    const entries = data instanceof Map ? Array.from(data.entries()) :
      data instanceof Set ? Array.from(data.values(), (v, i) => [i, v]) : Object.entries(data);
    const header = [data instanceof Map ? '(iteration index)' : '(index)'];
    const cols = [];
    let hasValues = false;
    for (const [k, v] of entries) {
      rowKeys.push(String(k));
      const row = {};
      if (v !== null && typeof v === 'object') {
        for (const c of properties || Object.keys(v)) {
          if (!cols.includes(c)) cols.push(c);
          if (Object.prototype.hasOwnProperty.call(v, c)) row[c] = fmt(v[c]);
        }
      } else {
        row['\0values'] = fmt(v);
        hasValues = true;
      }
      rows.push(row);
    }
    const columns = properties ? properties.slice() : cols;
    const allCols = hasValues ? [...columns, '\0values'] : columns;
    const head = header.concat(columns, hasValues ? ['Values'] : []);
    const table = rows.map((row, i) => [rowKeys[i], ...allCols.map((c) => (c in row ? row[c] : ''))]);
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)) + 2);
    const center = (s, w) => {
      const left = Math.floor((w - s.length) / 2);
      return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
    };
    const line = (l, m, r) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
    const out = [line('┌', '┬', '┐'), '│' + head.map((h, i) => center(h, widths[i])).join('│') + '│', line('├', '┼', '┤')];
    for (const r of table) out.push('│' + r.map((c, i) => center(c, widths[i])).join('│') + '│');
    out.push(line('└', '┴', '┘'));
    return out.join('\n');
  }

  // ---- errors and exit ----

  let exitCode = 0;
  function isOOM(err) {
    return err instanceof InternalError && err.message === 'out of memory';
  }
  // listen runs the process's listeners for ev ('uncaughtException', 'unhandledRejection'); true if there
  // were any and none threw (the program goes on, as in Node). A throwing listener's error replaces err.
  function listen(ev, args) {
    const l = processListeners.get(ev);
    if (exiting || !l || !l.length) return [false];
    try {
      for (const fn of l.slice()) fn.apply(processObj, args);
      return [true];
    } catch (e) {
      return [false, e];
    }
  }
  function fatal(err) {
    let code = 1;
    if (!isOOM(err)) {
      const [handled, thrown] = listen('uncaughtException', [err, 'uncaughtException']);
      if (handled) return true;
      if (thrown !== undefined) err = thrown, code = 7; // Node's code for a throwing handler
    }
    let text;
    try {
      if (err instanceof Error) text = inspect(err);
      else text = `Uncaught ${inspect(err)}`;
    } catch {
      text = 'Uncaught exception';
    }
    try { hostWrite(2, `${text}\n`); } catch { }
    if (!isOOM(err)) exitCode = code, emitExit();
    hostExit(isOOM(err) ? -137 : code);
  }
  function unhandled(reason, promise) {
    if (!isOOM(reason)) {
      const [handled, thrown] = listen('unhandledRejection', [reason, promise]);
      if (handled) return true;
      if (thrown !== undefined) reason = thrown;
    }
    let text;
    try {
      if (reason instanceof Error) text = inspect(reason);
      else {
        text = '[UnhandledPromiseRejection: This error originated either by throwing inside of an async function ' +
          'without a catch block, or by rejecting a promise which was not handled with .catch(). The promise ' +
          `rejected with the reason "${inspect(reason)}".] {\n  code: 'ERR_UNHANDLED_REJECTION'\n}`;
      }
    } catch {
      text = 'Unhandled promise rejection';
    }
    try { hostWrite(2, `${text}\n`); } catch { }
    if (!isOOM(reason)) exitCode = 1, emitExit();
    hostExit(isOOM(reason) ? -137 : 1);
  }
  function makeError(name, message, code) {
    const C = { TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError }[name] || Error;
    const e = new C(message);
    if (C === Error && name !== 'Error') define(e, 'name', name);
    if (code) e.code = code;
    return e;
  }

  // ---- timers and microtasks ----

  const timerMap = new Map();
  let nextTimerId = 1;
  let timerSeq = 0;
  class Timeout {
    constructor(id) { define(this, '_id', id); }
    ref() { return this; }
    unref() { return this; }
    hasRef() { return true; }
    refresh() {
      const t = timerMap.get(this._id);
      if (t) { t.when = perfNow() + t.delay; t.seq = timerSeq++; }
      return this;
    }
    [Symbol.toPrimitive]() { return this._id; }
  }
  function addTimer(cb, delay, args, repeat) {
    if (typeof cb !== 'function') {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(cb)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    delay = Number(delay);
    if (!(delay >= 1 && delay <= 2147483647)) delay = 1;
    const id = nextTimerId++;
    timerMap.set(id, { cb, args, delay, repeat, when: perfNow() + delay, seq: timerSeq++ });
    return new Timeout(id);
  }
  function clearTimer(t) {
    if (t == null) return;
    const id = typeof t === 'object' ? t._id : Number(t);
    timerMap.delete(id);
  }
  function tick() {
    let best, bestId;
    for (const [id, t] of timerMap) {
      if (best === undefined || t.when < best.when || (t.when === best.when && t.seq < best.seq)) { best = t; bestId = id; }
    }
    if (best === undefined) return -1;
    const now = perfNow();
    if (best.when > now) return Math.max(best.when - now, 0.001);
    if (best.repeat) { best.when = now + best.delay; best.seq = timerSeq++; } else timerMap.delete(bestId);
    try {
      best.cb.apply(undefined, best.args);
    } catch (e) {
      fatal(e);
    }
    return 0;
  }

  // process.nextTick callbacks run before promise jobs, as in Node: the host calls runTicks, then drains
  // the job queue, and repeats while runTicks found work.
  let tickQueue = [];
  function runTicks() {
    if (tickQueue.length === 0) return false;
    while (tickQueue.length > 0) {
      const q = tickQueue;
      tickQueue = [];
      for (const [cb, args] of q) {
        try { cb(...args); } catch (e) { fatal(e); }
      }
    }
    return true;
  }

  function queueMicrotask(cb) {
    if (typeof cb !== 'function') {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(cb)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    Promise.resolve().then(() => {
      try { cb(); } catch (e) { fatal(e); }
    });
  }

  // ---- structuredClone ----

  function dataCloneError(msg) {
    if (typeof DOMException === 'function') return new DOMException(msg, 'DataCloneError');
    const e = new Error(msg);
    e.name = 'DataCloneError';
    return e;
  }
  function structuredClone(value) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
    const memory = new Map();
    function clone(v) {
      if (typeof v === 'function') throw dataCloneError(`${FunctionToString.call(v)} could not be cloned.`);
      if (typeof v === 'symbol') throw dataCloneError(`${v.toString()} could not be cloned.`);
      if (v === null || typeof v !== 'object') return v;
      if (memory.has(v)) return memory.get(v);
      let out;
      if (ArrayIsArray(v)) {
        out = new Array(v.length);
        memory.set(v, out);
        for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
        return out;
      }
      if (v instanceof Date) out = new Date(v.getTime());
      else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
      else if (v instanceof Boolean) out = new Boolean(v.valueOf());
      else if (v instanceof Number) out = new Number(v.valueOf());
      else if (v instanceof String) out = new String(v.valueOf());
      else if (typeof BigInt === 'function' && v instanceof BigInt) out = Object(v.valueOf());
      else if (v instanceof ArrayBuffer) out = v.slice(0);
      else if (isTypedArray(v)) {
        const buf = clone(v.buffer);
        out = new v.constructor(buf, v.byteOffset, v.length);
      } else if (v instanceof DataView) out = new DataView(clone(v.buffer), v.byteOffset, v.byteLength);
      else if (v instanceof Map) {
        out = new Map();
        memory.set(v, out);
        for (const [k, x] of v) out.set(clone(k), clone(x));
        return out;
      } else if (v instanceof Set) {
        out = new Set();
        memory.set(v, out);
        for (const x of v) out.add(clone(x));
        return out;
      } else if (v instanceof Error) {
        const C = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] || Error;
        out = new C(v.message);
        memory.set(v, out);
        if (typeof v.stack === 'string') define(out, 'stack', v.stack);
        if ('cause' in v) define(out, 'cause', clone(v.cause));
        return out;
      } else if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || (typeof WeakRef === 'function' && v instanceof WeakRef)) {
        throw dataCloneError(`#<${getCtorName(v) || 'Object'}> could not be cloned.`);
      } else {
        out = {};
        memory.set(v, out);
        for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
        return out;
      }
      memory.set(v, out);
      return out;
    }
    return clone(value);
  }

  // ---- TextEncoder / TextDecoder ----

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return hostEncode(`${input}`); }
    encodeInto(src, dest) {
      const bytes = hostEncode(`${src}`);
      let written = 0, read = 0, i = 0;
      const s = `${src}`;
      while (i < s.length) {
        const cp = s.codePointAt(i);
        const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + n > dest.length) break;
        for (let k = 0; k < n; k++) dest[written + k] = bytes[written + k];
        written += n;
        const units = cp >= 0x10000 ? 2 : 1;
        read += units;
        i += units;
      }
      return { read, written };
    }
  }
  class TextDecoder {
    #fatal; #ignoreBOM;
    constructor(label = 'utf-8', options = {}) {
      const l = `${label}`.trim().toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') {
        const e = new RangeError(`The "${label}" encoding is not supported`);
        e.code = 'ERR_ENCODING_NOT_SUPPORTED';
        throw e;
      }
      this.#fatal = !!(options && options.fatal);
      this.#ignoreBOM = !!(options && options.ignoreBOM);
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options) {
      if (input === undefined) return '';
      if (!(input instanceof ArrayBuffer) && !ArrayBuffer.isView(input)) {
        const e = new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView.');
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      return hostDecode(input, this.#fatal, this.#ignoreBOM);
    }
  }

  // ---- base64 (if the engine lacks atob/btoa) ----

  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function btoa(s) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    s = `${s}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw dataCloneErrorLike('Invalid character', 'InvalidCharacterError');
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += b64[n >> 18] + b64[(n >> 12) & 63] + (i + 1 < s.length ? b64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? b64[n & 63] : '=');
    }
    return out;
  }
  function atob(s) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    s = `${s}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw dataCloneErrorLike('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    let out = '';
    let buf = 0, bits = 0;
    for (let i = 0; i < s.length; i++) {
      buf = (buf << 6) | b64.indexOf(s[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buf >> bits) & 255);
      }
    }
    return out;
  }
  function dataCloneErrorLike(msg, name) {
    if (typeof DOMException === 'function') return new DOMException(msg, name);
    const e = new Error(msg);
    e.name = name;
    return e;
  }

  // ---- crypto ----

  const cryptoObj = {
    getRandomValues(ta) {
      if (!isTypedArray(ta) || ta instanceof Float32Array || ta instanceof Float64Array) {
        throw dataCloneErrorLike("The data argument must be an integer-type TypedArray", 'TypeMismatchError');
      }
      if (ta.byteLength > 65536) {
        throw dataCloneErrorLike(`The ArrayBufferView's byte length (${ta.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
      }
      hostRandom(ta);
      return ta;
    },
    randomUUID() {
      const b = new Uint8Array(16);
      hostRandom(b);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };

  // ---- URL / URLSearchParams (a small WHATWG-ish subset: special schemes, no IDNA) ----

  const defaultPorts = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
  function encodeSet(s, re) {
    return s.replace(re, (c) => Array.from(hostEncode(c), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''));
  }
  function normalizePath(path) {
    const out = [];
    const segs = path.split('/');
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      const last = i === segs.length - 1;
      if (s === '..' || s.toLowerCase() === '%2e%2e') {
        if (out.length > 1) out.pop();
        if (last) out.push('');
      } else if (s === '.' || s.toLowerCase() === '%2e') {
        if (last) out.push('');
      } else {
        out.push(s);
      }
    }
    let p = out.join('/');
    if (!p.startsWith('/')) p = '/' + p;
    return p;
  }
  function urlError(input) {
    const e = new TypeError(`Invalid URL`);
    e.code = 'ERR_INVALID_URL';
    e.input = input;
    return e;
  }
  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = '') {
      if (init instanceof URLSearchParams) this.#list = init.#list.map((p) => p.slice());
      else if (init !== null && typeof init === 'object') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const p = Array.from(pair);
            if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            this.#list.push([`${p[0]}`, `${p[1]}`]);
          }
        } else {
          for (const k of ObjectKeys(init)) this.#list.push([k, `${init[k]}`]);
        }
      } else {
        this.#parse(`${init}`);
      }
    }
    #parse(s) {
      this.#list = [];
      if (s.startsWith('?')) s = s.slice(1);
      for (const part of s.split('&')) {
        if (part === '') continue;
        const i = part.indexOf('=');
        const k = i === -1 ? part : part.slice(0, i);
        const v = i === -1 ? '' : part.slice(i + 1);
        this.#list.push([decodeForm(k), decodeForm(v)]);
      }
    }
    static _attach(params, url, query) { params.#url = url; params.#parse(query); }
    #update() { if (this.#url) this.#url._setSearch(this.toString()); }
    get size() { return this.#list.length; }
    append(k, v) { this.#list.push([`${k}`, `${v}`]); this.#update(); }
    delete(k, v) {
      k = `${k}`;
      this.#list = this.#list.filter((p) => p[0] !== k || (v !== undefined && p[1] !== `${v}`));
      this.#update();
    }
    get(k) { k = `${k}`; const p = this.#list.find((p) => p[0] === k); return p ? p[1] : null; }
    getAll(k) { k = `${k}`; return this.#list.filter((p) => p[0] === k).map((p) => p[1]); }
    has(k, v) { k = `${k}`; return this.#list.some((p) => p[0] === k && (v === undefined || p[1] === `${v}`)); }
    set(k, v) {
      k = `${k}`; v = `${v}`;
      const i = this.#list.findIndex((p) => p[0] === k);
      if (i === -1) this.#list.push([k, v]);
      else {
        this.#list[i][1] = v;
        this.#list = this.#list.filter((p, j) => j <= i || p[0] !== k);
      }
      this.#update();
    }
    sort() { this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this.#update(); }
    forEach(cb, thisArg) { for (const [k, v] of this.#list) cb.call(thisArg, v, k, this); }
    keys() { return this.#list.map((p) => p[0])[Symbol.iterator](); }
    values() { return this.#list.map((p) => p[1])[Symbol.iterator](); }
    entries() { return this.#list.map((p) => [p[0], p[1]])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this.#list.map(([k, v]) => `${encodeForm(k)}=${encodeForm(v)}`).join('&'); }
    [customInspect]() {
      if (this.#list.length === 0) return 'URLSearchParams {}';
      return `URLSearchParams { ${this.#list.map(([k, v]) => `${strEscape(k)} => ${strEscape(v)}`).join(', ')} }`;
    }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  }
  function encodeForm(s) {
    return encodeSet(s, /[^A-Za-z0-9*\-._ ]/gu).replace(/ /g, '+');
  }
  function decodeForm(s) {
    s = s.replace(/\+/g, ' ');
    try { return decodeURIComponent(s); } catch { return s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))); }
  }
  class URL {
    #protocol = ''; #username = ''; #password = ''; #hostname = ''; #port = ''; #pathname = ''; #search = ''; #hash = '';
    #params;
    constructor(input, base) {
      input = `${input}`.trim();
      const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(input);
      if (m) {
        this.#parseAbsolute(m[1].toLowerCase() + ':', m[2], input);
      } else {
        if (base === undefined) throw urlError(input);
        const b = base instanceof URL ? base : new URL(base);
        this.#resolve(b, input);
      }
      this.#params = new URLSearchParams();
      URLSearchParams._attach(this.#params, this, this.#search);
    }
    static canParse(input, base) {
      try { new URL(input, base); return true; } catch { return false; }
    }
    static parse(input, base) {
      try { return new URL(input, base); } catch { return null; }
    }
    #special() { return this.#protocol in defaultPorts; }
    #parseAbsolute(protocol, rest, input) {
      this.#protocol = protocol;
      const special = this.#special();
      if (special) rest = rest.replace(/\\/g, '/');
      let hashI = rest.indexOf('#');
      if (hashI !== -1) { this.#hash = rest.slice(hashI); rest = rest.slice(0, hashI); }
      let qI = rest.indexOf('?');
      if (qI !== -1) { this.#search = rest.slice(qI); rest = rest.slice(0, qI); }
      if (rest.startsWith('//') || (special && protocol !== 'file:')) {
        // file: has an authority only after exactly two slashes (file:///x: empty host, path /x); other
        // special schemes skip any number of slashes (http:x, http:///x → host x).
        rest = protocol === 'file:' ? rest.slice(2) : rest.replace(/^\/*/, '');
        let slash = rest.indexOf('/');
        let authority = slash === -1 ? rest : rest.slice(0, slash);
        let path = slash === -1 ? '' : rest.slice(slash);
        this.#setAuthority(authority, input);
        if (protocol === 'file:' && this.#hostname.toLowerCase() === 'localhost') this.#hostname = '';
        this.#pathname = special ? normalizePath(encodeSet(path, /[^\x21-\x7e]|["<>`{}]/gu)) : encodeSet(path, /[^\x21-\x7e]/gu);
      } else if (protocol === 'file:') {
        this.#pathname = normalizePath(encodeSet(rest.replace(/^\/*/, '/'), /[^\x21-\x7e]|["<>`{}]/gu));
      } else {
        this.#pathname = encodeSet(rest, /[^\x20-\x7e]/gu);
      }
      if (special && this.#hostname === '' && protocol !== 'file:') throw urlError(input);
      this.#search = this.#search === '?' ? '' : encodeSet(this.#search, /[^\x21-\x7e]|["<>'#]/gu);
      this.#hash = this.#hash === '#' ? '' : encodeSet(this.#hash, /[^\x21-\x7e]|["<>`]/gu);
    }
    #setAuthority(authority, input) {
      const at = authority.lastIndexOf('@');
      if (at !== -1) {
        const cred = authority.slice(0, at);
        authority = authority.slice(at + 1);
        const c = cred.indexOf(':');
        this.#username = encodeSet(c === -1 ? cred : cred.slice(0, c), /[^\x21-\x7e]|[:@\/]/gu);
        this.#password = c === -1 ? '' : encodeSet(cred.slice(c + 1), /[^\x21-\x7e]|[:@\/]/gu);
      }
      const pm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
      if (!pm) throw urlError(input);
      let host = pm[1];
      if (this.#special()) host = host.toLowerCase();
      if (/[\s<>^|%]/.test(host)) throw urlError(input);
      this.#hostname = host;
      let port = pm[2] || '';
      if (port !== '') {
        if (Number(port) > 65535) throw urlError(input);
        port = String(Number(port));
        if (defaultPorts[this.#protocol] === port) port = '';
      }
      this.#port = port;
    }
    #resolve(b, input) {
      this.#protocol = b.protocol;
      if (this.#special()) input = input.replace(/\\/g, '/');
      if (input.startsWith('//')) {
        this.#parseAbsolute(b.protocol, input, input);
        return;
      }
      this.#username = b.username; this.#password = b.password; this.#hostname = b.hostname; this.#port = b.port;
      let rest = input;
      let hashI = rest.indexOf('#');
      if (hashI !== -1) { this.#hash = rest.slice(hashI); rest = rest.slice(0, hashI); }
      let qI = rest.indexOf('?');
      if (qI !== -1) { this.#search = rest.slice(qI); rest = rest.slice(0, qI); }
      if (rest === '') {
        this.#pathname = b.pathname;
        if (qI === -1) this.#search = b.search;
      } else if (rest.startsWith('/')) {
        this.#pathname = normalizePath(encodeSet(rest, /[^\x21-\x7e]|["<>`{}]/gu));
      } else {
        const dir = b.pathname.slice(0, b.pathname.lastIndexOf('/') + 1);
        this.#pathname = normalizePath(dir + encodeSet(rest, /[^\x21-\x7e]|["<>`{}]/gu));
      }
      this.#search = this.#search === '?' ? '' : encodeSet(this.#search, /[^\x21-\x7e]|["<>'#]/gu);
      this.#hash = this.#hash === '#' ? '' : encodeSet(this.#hash, /[^\x21-\x7e]|["<>`]/gu);
    }
    _setSearch(s) { this.#search = s === '' ? '' : `?${s}`; }
    get protocol() { return this.#protocol; }
    set protocol(v) { v = `${v}`.replace(/:.*$/, '').toLowerCase() + ':'; if (/^[a-z][a-z0-9+.-]*:$/.test(v)) this.#protocol = v; }
    get username() { return this.#username; }
    set username(v) { this.#username = encodeSet(`${v}`, /[^\x21-\x7e]|[:@\/]/gu); }
    get password() { return this.#password; }
    set password(v) { this.#password = encodeSet(`${v}`, /[^\x21-\x7e]|[:@\/]/gu); }
    get hostname() { return this.#hostname; }
    set hostname(v) { this.#hostname = `${v}`.toLowerCase(); }
    get port() { return this.#port; }
    set port(v) { v = `${v}`; this.#port = (v === '' || defaultPorts[this.#protocol] === String(Number(v))) ? '' : String(Number(v)); }
    get host() { return this.#hostname + (this.#port ? `:${this.#port}` : ''); }
    set host(v) { this.#setAuthority(`${v}`, `${v}`); }
    get origin() {
      if (this.#special() && this.#protocol !== 'file:') return `${this.#protocol}//${this.host}`;
      return 'null';
    }
    get pathname() { return this.#pathname; }
    set pathname(v) { this.#pathname = this.#special() ? normalizePath(encodeSet(`${v}`, /[^\x21-\x7e]|["<>`{}?#]/gu)) : `${v}`; }
    get search() { return this.#search; }
    set search(v) {
      v = `${v}`;
      if (v.startsWith('?')) v = v.slice(1);
      this.#search = v === '' ? '' : '?' + encodeSet(v, /[^\x21-\x7e]|["<>'#]/gu);
      URLSearchParams._attach(this.#params, this, this.#search);
    }
    get searchParams() { return this.#params; }
    get hash() { return this.#hash; }
    set hash(v) { v = `${v}`; if (v.startsWith('#')) v = v.slice(1); this.#hash = v === '' ? '' : '#' + v; }
    get href() {
      let auth = '';
      if (this.#username || this.#password) auth = this.#username + (this.#password ? `:${this.#password}` : '') + '@';
      const hasAuthority = this.#special() || this.#hostname !== '';
      return this.#protocol + (hasAuthority ? '//' + auth + this.host : '') + this.#pathname + this.#search + this.#hash;
    }
    set href(v) {
      const u = new URL(v);
      this.#protocol = u.protocol; this.#username = u.username; this.#password = u.password;
      this.#hostname = u.hostname; this.#port = u.port; this.#pathname = u.pathname; this.#hash = u.hash;
      this.search = u.search;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
    [customInspect](depth) {
      const obj = Object.create({ constructor: URL });
      for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) obj[k] = this[k];
      return depth < 0 ? '[URL]' : obj;
    }
    get [Symbol.toStringTag]() { return 'URL'; }
  }

  // ---- process ----

  // process events: 'exit' listeners run once, with the exit code, when the program ends (the event loop
  // is empty, process.exit, or an uncaught error); 'uncaughtException' and 'unhandledRejection' listeners
  // replace the report and exit (fatal, unhandled); other events are only raised by emit().
  const processListeners = new Map();
  let exiting = false;
  function emitExit() {
    if (exiting) return;
    exiting = true;
    for (const fn of (processListeners.get('exit') || []).slice()) {
      try { fn.call(processObj, exitCode); } catch (e) { try { hostWrite(2, `${inspect(e)}\n`); } catch { } exitCode = 7; }
    }
  }
  const processObj = {
    argv: config.argv.slice(),
    env: Object.assign({}, config.env),
    platform: 'linux',
    version: 'v20.0.0',
    versions: { node: '20.0.0', quickjs: 'quickjs-ng' },
    exit(code) {
      if (code !== undefined) processObj.exitCode = code;
      emitExit();
      hostExit(Number(exitCode) | 0);
    },
    nextTick(cb, ...args) {
      if (typeof cb !== 'function') {
        const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(cb)}`);
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      tickQueue.push([cb, args]);
    },
    hrtime: Object.assign(function hrtime(prev) {
      const ns = BigInt(Math.round(perfNow() * 1e6));
      let s = Number(ns / 1000000000n), n = Number(ns % 1000000000n);
      if (prev) { s -= prev[0]; n -= prev[1]; if (n < 0) { s--; n += 1e9; } }
      return [s, n];
    }, { bigint() { return BigInt(Math.round(perfNow() * 1e6)); } }),
    stdout: { write(data, enc, cb) { hostWrite(1, typeof data === 'string' ? data : data instanceof Uint8Array ? data : `${data}`); if (typeof enc === 'function') enc(); else if (typeof cb === 'function') cb(); return true; }, isTTY: false },
    stderr: { write(data, enc, cb) { hostWrite(2, typeof data === 'string' ? data : data instanceof Uint8Array ? data : `${data}`); if (typeof enc === 'function') enc(); else if (typeof cb === 'function') cb(); return true; }, isTTY: false },
    cwd() { return '/'; },
    on(ev, fn) { const l = processListeners.get(ev) || []; l.push(fn); processListeners.set(ev, l); return processObj; },
    once(ev, fn) { const w = function (...a) { processObj.off(ev, w); return fn.apply(this, a); }; w.listener = fn; return processObj.on(ev, w); },
    off(ev, fn) { const l = processListeners.get(ev); if (l) { const i = l.findIndex((f) => f === fn || f.listener === fn); if (i >= 0) l.splice(i, 1); } return processObj; },
    emit(ev, ...args) { const l = processListeners.get(ev); if (!l || !l.length) return false; for (const fn of l.slice()) fn.apply(processObj, args); return true; },
    listeners(ev) { return (processListeners.get(ev) || []).map((f) => f.listener || f); },
    listenerCount(ev) { return (processListeners.get(ev) || []).length; },
    emitWarning(w) { hostWrite(2, `Warning: ${w instanceof Error ? w.message : w}\n`); },
  };
  processObj.addListener = processObj.on;
  processObj.removeListener = processObj.off;
  Object.defineProperty(processObj, 'exitCode', {
    get() { return exitCode === 0 ? undefined : exitCode; },
    set(v) { exitCode = v === undefined || v === null ? 0 : Number(v) | 0; },
    enumerable: true,
  });

  // ---- install ----

  define(G, 'console', consoleObj);
  define(G, 'queueMicrotask', queueMicrotask);
  define(G, 'setTimeout', (cb, delay, ...args) => addTimer(cb, delay, args, false));
  define(G, 'setInterval', (cb, delay, ...args) => addTimer(cb, delay, args, true));
  define(G, 'setImmediate', (cb, ...args) => addTimer(cb, 0, args, false));
  define(G, 'clearTimeout', clearTimer);
  define(G, 'clearInterval', clearTimer);
  define(G, 'clearImmediate', clearTimer);
  define(G, 'structuredClone', structuredClone);
  define(G, 'TextEncoder', TextEncoder);
  define(G, 'TextDecoder', TextDecoder);
  if (typeof G.atob !== 'function') define(G, 'atob', atob);
  if (typeof G.btoa !== 'function') define(G, 'btoa', btoa);
  define(G, 'crypto', cryptoObj);
  define(G, 'URL', URL);
  define(G, 'URLSearchParams', URLSearchParams);
  define(G, 'process', processObj);
  define(G, 'global', G);
  // For Setup scripts (node:util and friends): Symbol.for('srt.util') → { inspect, format }.
  define(G, Symbol.for('srt.util'), Object.freeze({ inspect, format: (...args) => formatWithOptions(args) }));
  // Symbol.for('srt.evalScript')(code, filename): evaluate code as a (sloppy) global script named filename in
  // stack traces (indirect eval names it <input>); returns its completion value, throws what it throws.
  define(G, Symbol.for('srt.evalScript'), (code, filename) => hostEval(String(code), String(filename)));
  for (const name of ObjectKeys(config.funcs)) {
    define(G, name, { [name]: (...args) => hostCall(name, ...args) }[name]);
  }

  return {
    tick,
    runTicks,
    fatal,
    unhandled,
    makeError,
    toJSON(v) { return JSONStringify(v); },
    fromJSON(s) { return JSONParse(s); },
    exitCode() { emitExit(); return exitCode; },
    inspect,
  };
})
