/**
 * npm run seed:scale -- --resources 100000 --users 20000 --assignments 200000
 * Writes a reproducible enterprise tenant for benchmarks into the database the server
 * would open (or --db FILE), in seconds. See scripts/scale/seed.ts for what it holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readConfig } from '@/lib/config/read';
import { ArgsError, parseArgs, USAGE } from './scale/args';
import { encryptionKey } from './scale/key';
import { RefusedError, seedScale } from './scale/seed';

function main(): number {
  let args;
  let cfg;
  try {
    args = parseArgs(process.argv.slice(2));
    cfg = readConfig(process.env);
  } catch (e) {
    if (e instanceof ArgsError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 1;
    }
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const file = args.db ? path.resolve(args.db) : cfg.dbPath;
  const { key, source } = encryptionKey(cfg);
  const now = args.now ?? Date.now();
  console.log(
    `Seeding ${file}: ${args.resources.toLocaleString('en')} resources, ${args.users.toLocaleString('en')} users, ` +
      `${args.assignments.toLocaleString('en')} assignments (seed ${args.seed}, now ${new Date(now).toISOString()})`,
  );
  try {
    const res = seedScale(file, key, {
      resources: args.resources,
      users: args.users,
      assignments: args.assignments,
      seed: args.seed,
      now,
      force: args.force,
    });
    const width = Math.max(...Object.keys(res.counts).map((k) => k.length));
    if (res.before !== 'empty')
      console.log(res.before === 'demo' ? 'Replaced the demo tenant that was there.' : 'Wiped the tenant that was there (--force).');
    for (const [table, n] of Object.entries(res.counts)) console.log(`  ${table.padEnd(width)}  ${n.toLocaleString('en').padStart(9)}`);
    const t = res.timings;
    console.log(
      `Done in ${t.total.toFixed(1)} s (open and check ${t.open.toFixed(1)} s, demo tenant ${t.demo.toFixed(1)} s, ` +
        `tree and people generated ${t.generate.toFixed(1)} s, ` +
        `everything generated and written in one transaction ${t.write.toFixed(1)} s).`,
    );
    console.log(`Database: ${file} (${(fs.statSync(file).size / 1048576).toFixed(0)} MB)`);
    console.log(
      `Demo users' TOTP secrets are sealed with ${source}: ` +
        `start the server with the same ELEVATE_DATA_DIR / ELEVATE_ENCRYPTION_KEY, e.g.\n  ELEVATE_DB=${file} npm start`,
    );
    return 0;
  } catch (e) {
    if (e instanceof RefusedError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main();
