// Re-entry: host functions called from callbacks that the host itself invokes (timers, event listeners,
// fs callbacks, microtasks), with object arguments whose conversion calls back into the engine. A host
// that mishandles the nesting crashes (it once did: fetch inside setTimeout killed srt); a correct one
// keeps every denial in place and the run goes on to print "done".
const fs = require('fs');
const { EventEmitter } = require('events');
const { attempt } = require('./_common.cjs');
process.chdir(require('./_common.cjs').ROOT);

const later = (fn) => new Promise((resolve, reject) => setTimeout(() => { try { resolve(fn()); } catch (e) { reject(e); } }, 0));
const nested = (depth, fn) => (depth === 0 ? later(fn) : later(() => nested(depth - 1, fn)));

(async () => {
  await attempt('read secret in a timer, options object', () => later(() => fs.readFileSync('secret/key', { encoding: 'utf8' })));
  await attempt('read secret 20 timers deep', () => nested(20, () => fs.readFileSync('secretfile', { encoding: 'utf8' })));
  await attempt('write outside allowWrite from an event listener', () => new Promise((resolve, reject) => {
    const e = new EventEmitter();
    e.on('go', () => { try { fs.writeFileSync('escape.txt', 'x', { flag: 'w' }); resolve(fs.readFileSync('escape.txt', 'utf8')); } catch (err) { reject(err); } });
    setTimeout(() => e.emit('go'), 0);
  }));
  await attempt('fetch a denied host from a timer with headers', () => later(() => fetch('http://example.com/', { headers: { 'x-a': '1' } }).then((r) => r.text())));
  await attempt('read secret from an fs callback', () => new Promise((resolve, reject) => {
    fs.readFile('ro.txt', 'utf8', () => { try { resolve(fs.readFileSync('secret/key', { encoding: 'utf8' })); } catch (err) { reject(err); } });
  }));
  await attempt('read secret from a microtask in a timer', () => later(() => Promise.resolve().then(() => fs.readFileSync('secret/key', { encoding: 'utf8' }))));
  console.log('done');
})();
