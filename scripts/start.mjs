// `npm start`: build when there is no build or the sources changed since, then serve.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, spawn } from 'node:child_process';

const root = process.cwd();
const buildId = path.join(root, '.next', 'BUILD_ID');
const SOURCES = [
  'app',
  'components',
  'lib',
  'db',
  'public',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.ts',
  'package.json',
  'package-lock.json',
];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

// V8 grows its heap towards its (multi-GB) default limit before collecting; a limit sized
// for the tenant keeps the server's memory near its live data (the 100k-resource tenant
// lives in about 400 MB). ELEVATE_HEAP_MB raises it for larger tenants.
const heapEnv = process.env.ELEVATE_HEAP_MB;
const heapMb = heapEnv === undefined || heapEnv === '' ? 768 : Number(heapEnv);
if (!Number.isInteger(heapMb) || heapMb < 256 || heapMb > 65536) {
  console.error(
    `Elevate cannot start: invalid configuration\n  - ELEVATE_HEAP_MB: ELEVATE_HEAP_MB must be a whole number from 256 to 65536, got "${heapEnv}"`,
  );
  process.exit(1);
}
const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const changed = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
if (!built || changed > built) {
  console.log(built ? 'Sources changed since the last build: building Elevate…' : 'Building Elevate (first start)…');
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, path.join(root, 'scripts', 'serve.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
