// `npm test`: everything, in order — type check, lint and format, unit and integration tests (vitest),
// the HTTPS API suite driven by the Azure SDK, and Playwright end-to-end tests in real
// Chromium against a built server on fresh databases. Ends with one line that totals
// every suite: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';
import { ensurePostgres } from './ensure-postgres.mjs';

const root = process.cwd();
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const totals = [];

function run(label, cmd, args, extraEnv = {}) {
  console.log(`\n━━ ${label} ━━`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return r.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// 1. type check: one check that passes or fails
const tsc = run('Type check (tsc)', bin('tsc'), ['--noEmit', '-p', '.']);
totals.push({ suite: 'typecheck', passed: tsc === 0 ? 1 : 0, failed: tsc === 0 ? 0 : 1 });

// 1b. lint (Next's rules and the import boundaries) and format: each one check
const lint = run('Lint (ESLint)', bin('eslint'), ['.', '--max-warnings=0']);
totals.push({ suite: 'lint', passed: lint === 0 ? 1 : 0, failed: lint === 0 ? 0 : 1 });
const format = run('Format (Prettier)', bin('prettier'), ['--check', '--log-level=warn', '.']);
totals.push({ suite: 'format', passed: format === 0 ? 1 : 0, failed: format === 0 ? 0 : 1 });

// 2. unit, property and service tests (the PostgreSQL connector tests start throwaway clusters)
env.ELEVATE_PG_BIN = ensurePostgres();
const vitestJson = path.join(results, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
const vt = run('Unit and integration tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
totals.push({
  suite: 'vitest',
  passed: v?.numPassedTests ?? 0,
  failed: v ? v.numFailedTests + (vt !== 0 && v.numFailedTests === 0 ? 1 : 0) : 1,
});

// 3. build once for the API suite and the browser tests
const chromium = ensureChromium();
const build = run('Build (next build)', bin('next'), ['build']);
if (build !== 0) {
  totals.push({ suite: 'build', passed: 0, failed: 1 });
} else {
  // 4. the suites that drive the built server, each with its own vitest config, when present:
  // the Azure SDK over HTTPS; connectors against a real PostgreSQL and a webhook receiver;
  // the request guards (cross-origin 403, body limits 413, sign-in answers)
  for (const [suite, dir, label] of [
    ['api', 'api', 'API tests (Azure SDK over HTTPS)'],
    ['connectors', 'connectors', 'Connector tests (real PostgreSQL and webhooks)'],
    ['security', 'security', 'Security tests (request guards over HTTPS)'],
    ['scim', 'scim', 'SCIM tests (a provisioning client over HTTPS)'],
  ]) {
    const config = path.join(root, 'tests', dir, 'vitest.config.mts');
    if (!fs.existsSync(config)) continue;
    const json = path.join(results, `${suite}.json`);
    fs.rmSync(json, { force: true });
    const code = run(label, bin('vitest'), [
      'run',
      '--config',
      config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${json}`,
    ]);
    const r = readJson(json);
    totals.push({
      suite,
      passed: r?.numPassedTests ?? 0,
      failed: r ? r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0) : 1,
    });
  }
  // 5. end-to-end
  const pwJson = path.join(results, 'playwright.json');
  fs.rmSync(pwJson, { force: true });
  const pw = run('End-to-end tests (Playwright, Chromium)', bin('playwright'), ['test'], { CHROMIUM_PATH: chromium });
  const p = readJson(pwJson);
  const stats = p?.stats;
  totals.push({
    suite: 'e2e',
    passed: stats?.expected ?? 0,
    failed: stats ? stats.unexpected + (stats.flaky ?? 0) + (pw !== 0 && stats.unexpected === 0 ? 1 : 0) : 1,
  });
}

const passed = totals.reduce((n, t) => n + t.passed, 0);
const failed = totals.reduce((n, t) => n + t.failed, 0);
console.log('\n' + totals.map((t) => `${t.suite}: ${t.passed} passed, ${t.failed} failed`).join('\n'));
const line = `${passed} passed, ${failed} failed`;
fs.writeFileSync(path.join(results, 'summary.txt'), line + '\n');
console.log(line);
process.exit(failed === 0 ? 0 : 1);
