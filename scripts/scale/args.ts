import { DEFAULTS, MINIMUM } from './seed';

export interface CliArgs {
  resources: number;
  users: number;
  assignments: number;
  seed: number;
  now: number | null;
  db: string | null;
  force: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run seed:scale -- [--resources N] [--users N] [--assignments N] [--seed N] [--db FILE] [--now ISO-TIME] [--force]

Writes a reproducible enterprise tenant (the demo tenant plus a generated one) into the
database the server opens: ELEVATE_DB, else $ELEVATE_DATA_DIR/elevate.db, else ./data/elevate.db.
  --resources N     resources in total, demo included (default ${DEFAULTS.resources.toLocaleString('en')})
  --users N         users in total, demo accounts included (default ${DEFAULTS.users.toLocaleString('en')})
  --assignments N   eligible + active schedules in total (default ${DEFAULTS.assignments.toLocaleString('en')})
  --seed N          random seed: same arguments, same tenant (default ${DEFAULTS.seed})
  --db FILE         write this SQLite file instead
  --now ISO-TIME    the moment the tenant is generated around (default: now)
  --force           wipe a database that holds other data first`;

export class ArgsError extends Error {}

const LIMITS = {
  resources: [MINIMUM.resources, 5_000_000],
  users: [MINIMUM.users, 2_000_000],
  assignments: [MINIMUM.assignments, 10_000_000],
  seed: [0, 4_294_967_295],
} as const;

/** Parses `--name value` and `--name=value`; a bad or unknown argument is an ArgsError naming it. */
export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { ...DEFAULTS, now: null, db: null, force: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ArgsError(`Unexpected argument "${arg}".`);
    const name = m[1];
    if (name === 'force' || name === 'help') {
      if (m[2] !== undefined) throw new ArgsError(`--${name} takes no value.`);
      out[name] = true;
      continue;
    }
    if (name !== 'db' && name !== 'now' && !(name in LIMITS)) throw new ArgsError(`Unknown option --${name}.`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ArgsError(`--${name} needs a value.`);
    if (name === 'db') out.db = value;
    else if (name === 'now') {
      const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(t))
        throw new ArgsError(`--now must be an ISO time (e.g. 2026-01-15T09:00:00Z) or epoch milliseconds, got "${value}".`);
      out.now = t;
    } else {
      const [lo, hi] = LIMITS[name as keyof typeof LIMITS];
      const n = Number(value.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < lo || n > hi)
        throw new ArgsError(
          `--${name} must be a whole number from ${lo.toLocaleString('en')} to ${hi.toLocaleString('en')}, got "${value}".`,
        );
      out[name as keyof typeof LIMITS] = n;
    }
  }
  return out;
}
