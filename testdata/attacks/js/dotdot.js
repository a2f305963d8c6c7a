// Escapes with "..": reading denyRead files and writing outside allowWrite through relative climbs.
const fs = require('fs');
const { ROOT, attempt } = require('./_common.cjs');
const depth = ROOT.split('/').length;

(async () => {
  await attempt('read w/../secret/key', () => fs.readFileSync('w/../secret/key', 'utf8'));
  await attempt('read climb past /', () => fs.readFileSync('../'.repeat(depth + 5) + ROOT.slice(1) + '/secret/key', 'utf8'));
  await attempt('read absolute with ..', () => fs.readFileSync(ROOT + '/w/../secret/key', 'utf8'));
  await attempt('read /../.. prefix', () => fs.readFileSync('/../../' + ROOT + '/secretfile', 'utf8'));
  await attempt('write w/../escape.txt', () => fs.writeFileSync('w/../escape.txt', 'pwned'));
  await attempt('write climb', () => fs.writeFileSync('w/../../' + ROOT.split('/').pop() + '/escape2.txt', 'pwned'));
  await attempt('append w/../ro.txt', () => fs.appendFileSync('w/../ro.txt', 'pwned'));
  await attempt('mkdir w/../newdir', () => fs.mkdirSync('w/../newdir'));
  await attempt('mkdir -p w/../a/b', () => fs.mkdirSync('w/../a/b', { recursive: true }));
  await attempt('readdir w/../secret', () => fs.readdirSync('w/../secret'));
  await attempt('rm w/../ro.txt', () => fs.rmSync('w/../ro.txt'));
  await attempt('rm -r w/../secret', () => fs.rmSync('w/../secret', { recursive: true, force: true }));
  await attempt('unlink w/../secretfile', () => fs.unlinkSync('w/../secretfile'));
  await attempt('rename ro.txt into w', () => fs.renameSync('w/../ro.txt', 'w/ro2.txt'));
  await attempt('promises.writeFile w/../p.txt', () => fs.promises.writeFile('w/../p.txt', 'pwned'));
  await attempt('require w/../secret/key', () => require('./' + require('path').relative(__dirname, ROOT + '/w/../secret/key')));
  console.log('done');
})();
