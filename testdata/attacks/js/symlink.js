// Escapes through pre-existing symlinks (the JS guest cannot create links): reads into denyRead, writes
// out of allowWrite, removal that would follow a link.
const fs = require('fs');
const { ROOT, attempt, allowed } = require('./_common.cjs');

(async () => {
  await attempt('read w/link', () => fs.readFileSync('w/link', 'utf8'));
  await attempt('read w/rootlink/secretfile', () => fs.readFileSync('w/rootlink/secretfile', 'utf8'));
  await attempt('read w/rootlink/secret/key', () => fs.readFileSync('w/rootlink/secret/key', 'utf8'));
  await attempt('readdir w/rootlink/secret', () => fs.readdirSync('w/rootlink/secret'));
  await attempt('write through w/rootlink', () => fs.writeFileSync('w/rootlink/escape3.txt', 'pwned'));
  await attempt('mkdir through w/rootlink', () => fs.mkdirSync('w/rootlink/newdir'));
  await attempt('write through w/etclink', () => fs.writeFileSync('w/etclink/srt-escape', 'pwned'));
  await attempt('write through w/rolink', () => fs.writeFileSync('w/rolink', 'pwned'));
  await attempt('append through w/rolink', () => fs.appendFileSync('w/rolink', 'pwned'));
  await attempt('create through dangling w/dang', () => fs.writeFileSync('w/dang', 'pwned'));
  await attempt('rm w/rootlink/ro.txt', () => fs.rmSync('w/rootlink/ro.txt'));
  await attempt('rename w/rootlink/ro.txt', () => fs.renameSync('w/rootlink/ro.txt', 'w/x.txt'));
  await attempt('require through w/rootlink', () => require(ROOT + '/w/rootlink/secret/key'));
  await attempt('import through w/link', () => import(ROOT + '/w/link'));
  // Removing a link inside allowWrite is allowed, and must remove only the link, never its target.
  await allowed('rm -r w/rootlink (the link only)', () => fs.rmSync('w/rootlink', { recursive: true, force: true }));
  await allowed('rm -r w/etclink/ (the link only)', () => fs.rmSync('w/etclink/', { recursive: true, force: true }));
  await attempt('ro.txt still there', () => { if (fs.readFileSync(ROOT + '/ro.txt', 'utf8') === 'ro') throw Object.assign(new Error('intact'), { code: 'OK' }); return 'ro.txt gone'; });
  console.log('done');
})();
