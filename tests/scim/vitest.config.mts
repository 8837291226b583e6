import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * SCIM 2.0 over HTTPS against the production build behind scripts/serve.mjs (ADR 102): the
 * proxy, the request guards and the route as a provisioning client meets them. Run:
 * node_modules/.bin/vitest run --config tests/scim/vitest.config.mts
 * (needs a build in ELEVATE_DIST_DIR or .next; builds it when missing).
 */
export default defineConfig({
  root,
  resolve: { alias: { '@': root } },
  test: {
    include: ['tests/scim/**/*.http.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    setupFiles: ['./tests/setup/vitest-setup.ts'],
  },
});
