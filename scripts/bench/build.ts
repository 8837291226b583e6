import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

/** What a build is made from (as scripts/start.mjs): a build older than any of these is stale. */
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

function newestMtime(p: string): number {
  let st: fs.Stats;
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

/**
 * The benchmark's own production build, in a directory no other run uses (default
 * .next-bench), so it never collides with `npm start`'s or the tests' builds. Reused when
 * it is newer than every source; rebuilt otherwise, unless the caller said --no-build.
 */
export function ensureBuild(root: string, distDir: string, allowBuild: boolean, log: (s: string) => void): void {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (built && !allowBuild) return;
  if (!built && !allowBuild) throw new Error(`--no-build was given but ${distDir}/BUILD_ID does not exist: run once without --no-build`);
  const changed = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  if (built && changed <= built) return;
  log(
    built ? `Sources changed since the ${distDir} build: building (takes minutes)…` : `No build in ${distDir}: building (takes minutes)…`,
  );
  const t0 = Date.now();
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], {
    // build output to stderr: stdout carries only the report
    cwd: root,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, ELEVATE_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build into ${distDir} failed (exit ${r.status ?? r.signal}); see the output above`);
  log(`Built in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
}
