// denyRead: the content of secret/ and secretfile must never be disclosed, by any route.
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { ROOT, attempt } = require('./_common.cjs');
process.chdir(ROOT);

(async () => {
  await attempt('readFileSync secret/key', () => fs.readFileSync('secret/key', 'utf8'));
  await attempt('readFileSync secretfile', () => fs.readFileSync('secretfile', 'utf8'));
  await attempt('readFileSync absolute', () => fs.readFileSync(ROOT + '/secretfile', 'utf8'));
  await attempt('readFileSync file URL', () => fs.readFileSync(new URL('file://' + ROOT + '/secretfile'), 'utf8'));
  await attempt('promises.readFile', () => fsp.readFile('secret/key', 'utf8'));
  await attempt('readFile callback', () => new Promise((res, rej) => fs.readFile('secret/key', 'utf8', (e, d) => (e ? rej(e) : res(d)))));
  await attempt('readdirSync secret', () => fs.readdirSync('secret'));
  await attempt('statSync secret/key', () => fs.statSync('secret/key').size);
  await attempt('read through w/link', () => fs.readFileSync('w/link', 'utf8'));
  await attempt('require secret/key', () => require(ROOT + '/secret/key'));
  await attempt('require secretfile as json', () => require(path.join(ROOT, 'secretfile')));
  await attempt('import secretfile', () => import(ROOT + '/secretfile'));
  await attempt('import secret/key via w/link', () => import(ROOT + '/w/link'));
  await attempt('fetch file URL', () => fetch('file://' + ROOT + '/secretfile').then((r) => r.text()));
  await attempt('copyFileSync secret to w', () => { fs.copyFileSync('secret/key', 'w/copy'); return fs.readFileSync('w/copy', 'utf8'); });
  await attempt('renameSync secret into w', () => { fs.renameSync('secret/key', 'w/stolen'); return fs.readFileSync('w/stolen', 'utf8'); });
  console.log('done');
})();
