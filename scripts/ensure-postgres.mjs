// The PostgreSQL connector's tests start a throwaway cluster with the server's own initdb and
// pg_ctl (tests/support/postgres.ts); they need PostgreSQL's server binaries, not a running server.
// When none are found: install Debian's `postgresql` if we are root with apt, else say what to install.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = '/usr/lib/postgresql';

/** The newest /usr/lib/postgresql/<version>/bin that holds initdb, pg_ctl and postgres, or null. */
function findBinDir() {
  let versions = [];
  try {
    versions = fs.readdirSync(ROOT);
  } catch {
    return null;
  }
  const usable = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .map((v) => ({ v: Number(v), dir: path.join(ROOT, v, 'bin') }))
    .filter(({ dir }) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b))))
    .sort((a, b) => b.v - a.v);
  return usable[0]?.dir ?? null;
}

export function ensurePostgres() {
  const found = findBinDir();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log("No PostgreSQL server found: installing Debian's postgresql package (about a minute)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env }).status === 0;
    if (!install()) {
      // a fresh container has no package lists yet
      if (spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status === 0) install();
    }
    const installed = findBinDir();
    if (installed) return installed;
  }
  throw new Error(
    'The PostgreSQL connector tests need the PostgreSQL server binaries (initdb, pg_ctl, postgres) under ' +
      `${ROOT}/<version>/bin. Install them (Debian/Ubuntu: \`sudo apt-get install postgresql\`) and run the tests again.`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensurePostgres());
