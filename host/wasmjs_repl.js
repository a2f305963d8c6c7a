// The REPL of `srt wasm js` (no arguments, standard input a terminal): reads lines through the host,
// evaluates them as global code, prints results with util.inspect. Incomplete input continues on the next
// line; .exit or end of input leaves.
(async () => {
  const util = globalThis[Symbol.for('srt.util')];
  const readline = globalThis[Symbol.for('srt.readline')];
  process.stdout.write('srt wasm js (QuickJS-NG under srt\'s policy). .exit or Ctrl-D to leave.\n');
  let buf = '';
  for (;;) {
    process.stdout.write(buf ? '... ' : '> ');
    const line = await readline();
    if (line === undefined || line === null) { process.stdout.write('\n'); break; }
    if (!buf && line.trim() === '.exit') break;
    if (!buf && line.trim() === '') continue;
    buf += line + '\n';
    let v;
    try {
      // Each eval has its own lexical scope: top-level let/const become var so that they persist.
      v = (0, eval)(buf.replace(/^(\s*)(let|const)(\s)/, '$1var$3'));
    } catch (e) {
      if (e instanceof SyntaxError && /end of (input|script)|unterminated|unexpected end|: ''$/i.test(e.message) && line.trim() !== '') continue;
      buf = '';
      process.stderr.write('Uncaught ' + util.inspect(e).split('\n').filter((l) => !/\[repl\]|eval \(native\)/.test(l)).join('\n') + '\n');
      continue;
    }
    buf = '';
    globalThis._ = v;
    process.stdout.write(util.inspect(v) + '\n');
  }
})();
