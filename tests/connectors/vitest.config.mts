import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The connectors proof with real parts: the production build (scripts/serve.mjs) against a
 * throwaway PostgreSQL cluster and a signed-webhook receiver.
 * Run: npx vitest run --config tests/connectors/vitest.config.mts
 * (needs a build in ELEVATE_DIST_DIR or .next; builds it when missing; PostgreSQL from
 * ELEVATE_PG_BIN or scripts/ensure-postgres.mjs).
 */
export default defineConfig({
  root,
  resolve: { alias: { '@': root } },
  test: {
    include: ['tests/connectors/**/*.real.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    setupFiles: ['./tests/setup/vitest-setup.ts'],
  },
});
