import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const __dirname = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // service tests open real SQLite files; keep workers few on a 2-core machine
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    server: { deps: { inline: [] } },
    setupFiles: ['./tests/setup/vitest-setup.ts'],
  },
});
