#!/usr/bin/env node
// Type-checks the whole project (Vue files included). The Electron entry is checked only when the
// optional `electron` package (which carries its types) is installed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
const require = createRequire(import.meta.url);
const bin = (pkg, file) => require.resolve(`${pkg}/${file}`);

let status = run([bin('vue-tsc', 'bin/vue-tsc.js'), '--noEmit', '-p', 'tsconfig.json']);
let hasElectron = true;
try {
  require.resolve('electron/electron.d.ts');
} catch {
  hasElectron = false;
}
if (hasElectron) status ||= run([bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.electron.json']);
else console.log('typecheck: electron is not installed, skipped src-main/index.ts');
process.exit(status);
