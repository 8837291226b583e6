import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The Azure SDK suite: starts the production build over HTTPS on a fresh database and
 * drives it with @azure/arm-authorization. Run: npx vitest run --config tests/api/vitest.config.mts
 * (needs a build in ELEVATE_DIST_DIR or .next; builds it when missing).
 */
export default defineConfig({
  root,
  resolve: { alias: { '@': root } },
  test: {
    include: ['tests/api/**/*.sdk.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 900_000,
    setupFiles: ['./tests/setup/vitest-setup.ts'],
  },
});
