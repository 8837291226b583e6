// End-to-end tests: make sure Chromium is there, build the portal, run Playwright against it.
// `node scripts/e2e.mjs [playwright args…]`; ELEVATE_DIST_DIR picks the build directory
// (parallel local runs use their own), E2E_SKIP_BUILD=1 reuses an existing build.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';

const chromium = ensureChromium();
const bin = (name) => path.join(process.cwd(), 'node_modules', '.bin', name);
const env = { ...process.env, CHROMIUM_PATH: chromium, NEXT_TELEMETRY_DISABLED: '1' };

if (process.env.E2E_SKIP_BUILD !== '1') {
  const build = spawnSync(bin('next'), ['build'], { stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(bin('playwright'), ['test', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
