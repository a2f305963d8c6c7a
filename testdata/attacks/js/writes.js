// Writes outside allowWrite, to protected (mandatory) paths, and to srt's own state.
const fs = require('fs');
const { ROOT, attempt } = require('./_common.cjs');
const cache = process.argv[2];

(async () => {
  await attempt('write ro.txt', () => fs.writeFileSync('ro.txt', 'pwned'));
  await attempt('append ro.txt', () => fs.appendFileSync('ro.txt', 'pwned'));
  await attempt('write new file at ROOT', () => fs.writeFileSync(ROOT + '/new.txt', 'pwned'));
  await attempt('write /etc', () => fs.writeFileSync('/etc/srt-escape', 'pwned'));
  await attempt('mkdir at ROOT', () => fs.mkdirSync('newdir'));
  const viaStream = (p, flags) => new Promise((resolve, reject) => {
    const w = fs.createWriteStream(p, { flags });
    w.on('error', reject);
    w.end('pwned', (err) => (err ? reject(err) : resolve(fs.readFileSync(p, 'utf8'))));
  });
  await attempt('write stream ro.txt', () => viaStream('ro.txt', 'w'));
  await attempt('append stream to ro.txt', () => viaStream('ro.txt', 'a'));
  await attempt('write stream .git/hooks/pre-commit', () => viaStream('w/.git/hooks/pre-commit', 'w'));
  await attempt('write stream .git/config', () => viaStream('w/.git/config', 'a'));
  await attempt('rm ro.txt', () => fs.rmSync('ro.txt'));
  await attempt('rm -r secret', () => fs.rmSync('secret', { recursive: true }));
  await attempt('create w/.git/hooks/post-checkout', () => fs.writeFileSync('w/.git/hooks/post-checkout', '#!/bin/sh\necho pwned\n'));
  await attempt('write w/.git/config', () => fs.writeFileSync('w/.git/config', 'pwned'));
  await attempt('append w/.git/config', () => fs.appendFileSync('w/.git/config', 'pwned'));
  await attempt('rm -r w/.git', () => fs.rmSync('w/.git', { recursive: true, force: true }));
  await attempt('rename w/.git away', () => fs.renameSync('w/.git', 'w/git-old'));
  await attempt('create w/.bashrc', () => fs.writeFileSync('w/.bashrc', 'pwned'));
  await attempt('mkdir w/.vscode', () => fs.mkdirSync('w/.vscode/x', { recursive: true }));
  await attempt('promises.writeFile w/.bashrc', () => fs.promises.writeFile('w/.bashrc', 'pwned'));
  await attempt('list srt cache', () => fs.readdirSync(cache));
  await attempt('stat srt cache', () => fs.statSync(cache).isDirectory());
  await attempt('write srt cache', () => fs.writeFileSync(cache + '/srt-escape', 'pwned'));
  await attempt('list /.srt', () => fs.readdirSync('/.srt'));
  await attempt('write /.srt', () => fs.writeFileSync('/.srt/x', 'pwned'));
  // Inside allowWrite everything works.
  fs.mkdirSync('w/ok/deep', { recursive: true });
  fs.writeFileSync('w/ok/deep/f.txt', 'fine');
  if (fs.readFileSync('w/ok/deep/f.txt', 'utf8') !== 'fine') console.log('ESCAPED allowWrite broken');
  fs.rmSync('w/ok', { recursive: true });
  console.log('done');
})();
