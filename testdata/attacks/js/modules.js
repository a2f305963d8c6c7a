// Module loading is file access too: packages and relative specifiers must not read denyRead files or
// load code from where the policy forbids.
const fs = require('fs');
const { ROOT, attempt } = require('./_common.cjs');

(async () => {
  fs.mkdirSync('w/node_modules/evil', { recursive: true });
  fs.writeFileSync('w/node_modules/evil/package.json', JSON.stringify({ name: 'evil', main: '../../../secret/key' }));
  fs.mkdirSync('w/node_modules/evil2', { recursive: true });
  fs.writeFileSync('w/node_modules/evil2/package.json', JSON.stringify({ name: 'evil2', exports: { '.': '../../../secretfile' } }));
  fs.writeFileSync('w/m.js', 'module.exports = require("evil");');
  fs.writeFileSync('w/m2.js', 'module.exports = require("evil2");');
  fs.writeFileSync('w/e.mjs', 'export { default } from "evil";');
  await attempt('require package main -> secret', () => require(ROOT + '/w/m.js'));
  await attempt('require package exports -> secret', () => require(ROOT + '/w/m2.js'));
  await attempt('import package main -> secret', () => import(ROOT + '/w/e.mjs'));
  await attempt('require.resolve secret', () => { require.resolve(ROOT + '/secret/key'); return fs.readFileSync(ROOT + '/secret/key', 'utf8'); });
  await attempt('import secret as json', () => import(ROOT + '/secret/key.json'));
  await attempt('require dir secret', () => require(ROOT + '/secret'));
  console.log('done');
})();
