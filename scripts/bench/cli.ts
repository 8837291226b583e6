/** Command-line options of `npm run bench:http`; a bad value stops the run with a message naming it. */
export interface Options {
  /** the tenant to measure (copied first, never written); undefined = a fresh demo tenant */
  db?: string;
  /** where the tenant's encryption-key lives (its TOTP secrets are sealed with it); default: the DB's folder */
  dataDir?: string;
  connections: number;
  /** seconds per autocannon run */
  duration: number;
  /** sequential operations per write measurement */
  ops: number;
  /** seconds a write measurement may take before it stops with fewer operations */
  budget: number;
  build: boolean;
  /** keep the working copy of the database and the server logs */
  keep: boolean;
  /** also write the report (markdown) to this file */
  out?: string;
}

export const USAGE =
  'npm run bench:http -- [--db FILE] [--data-dir DIR] [--connections 8] [--duration 10] [--ops 50] [--budget 120]' +
  ` [--no-build] [--keep] [--out FILE]
  --db FILE        SQLite file of the tenant to measure (a copy is measured; the file is never written).
                   Without it, a fresh demo tenant is used.
  --data-dir DIR   folder holding that tenant's encryption-key (default: the folder of --db), for the TOTP step-up
  --connections N  concurrent connections of the read measurements (default 8)
  --duration S     seconds per read measurement (default 10)
  --ops N          sequential operations per write measurement (default 50)
  --budget S       seconds a write measurement may run before it stops short of --ops (default 120)
  --no-build       use the existing build in ELEVATE_DIST_DIR (default .next-bench) even if sources are newer
  --keep           keep the working folder (database copy, server logs)
  --out FILE       also write the report to FILE`;

export class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  return n;
}

export function parseArgs(argv: string[]): Options {
  const o: Options = { connections: 8, duration: 10, ops: 50, budget: 120, build: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--db':
        o.db = value();
        break;
      case '--data-dir':
        o.dataDir = value();
        break;
      case '--connections':
        o.connections = int(flag, value(), 1, 256);
        break;
      case '--duration':
        o.duration = int(flag, value(), 1, 300);
        break;
      case '--ops':
        o.ops = int(flag, value(), 1, 1000);
        break;
      case '--budget':
        o.budget = int(flag, value(), 5, 3600);
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--out':
        o.out = value();
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  return o;
}
