import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Request guards against the production build (ADR 091): cross-origin state changes, body
 * limits, sign-in answers. Starts scripts/serve.mjs over HTTPS on a fresh database like the
 * API suite. Run: npx vitest run --config tests/security/vitest.config.mts
 * (needs a build in ELEVATE_DIST_DIR or .next; builds it when missing).
 */
export default defineConfig({
  root,
  resolve: { alias: { '@': root } },
  test: {
    include: ['tests/security/**/*.http.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    setupFiles: ['./tests/setup/vitest-setup.ts'],
  },
});
