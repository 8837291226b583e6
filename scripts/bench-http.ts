/**
 * HTTP benchmark of the built portal on a tenant (not a test: figures depend on the machine).
 *   npm run bench:http -- [--db FILE] [--connections 8] [--duration 10] [--ops 50] [--no-build]
 * Builds into .next-bench when needed, copies the tenant, starts the production server (`scripts/serve.mjs`) on the copy on
 * 127.0.0.1, and measures: start to first answer, pages as the demo personas, ARM reads,
 * the write path (sequential), the first read after a write in another server process, a
 * mixed load, and the server's RSS. Prints one markdown table for docs/benchmarks.md;
 * progress goes to stderr. Details of each phase: scripts/bench/phases.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ensureBuild } from './bench/build';
import { parseArgs, USAGE, UsageError } from './bench/cli';
import { type Row } from './bench/measure';
import { apiReads, crossProcess, mixedLoad, pages, prepareTenant, startAndFirstAnswers, writes, type Ctx } from './bench/phases';
import { size, table } from './bench/report';
import { killAllSync, type BenchServer } from './bench/server';
import { checkDbFile } from './bench/tenant';

const root = process.cwd();
const distDir = process.env.ELEVATE_DIST_DIR || '.next-bench';
const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, 'node_modules', '.bin', 'next')))
    throw new Error('run from the repository root after npm install (node_modules/.bin/next is missing)');
  const facts = {
    started: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GB`,
    node: process.version,
    next: (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'next', 'package.json'), 'utf8')) as { version: string }).version,
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? ' + uncommitted changes' : ''}`,
    loadStart: load(),
    loadEnd: '',
  };
  if (opts.db) checkDbFile(path.resolve(opts.db));
  ensureBuild(root, distDir, opts.build, log);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-bench-'));
  const servers: BenchServer[] = [];
  const rows: Row[] = [];
  let ctx: Ctx | undefined;
  const stopAll = async () => {
    for (const s of servers.splice(0)) await s.stop();
  };
  const cleanup = () => {
    killAllSync();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the servers`);
      cleanup();
      process.exit(130);
    });
  }
  process.once('exit', () => killAllSync());

  try {
    log(`working copy in ${work}`);
    const tenant = await prepareTenant({ root, distDir, work, opts, log, rows });
    ctx = await startAndFirstAnswers({ root, distDir, work, opts, log, rows, tenant, servers });
    // a phase that fails (say, a page broken by work in progress) is reported and the others still run
    const phase = async (name: string, f: (c: Ctx) => Promise<void>) => {
      try {
        await f(ctx!);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`${name} failed: ${msg}`);
        rows.push({ section: name, name: 'failed', n: 0, note: msg.split('\n')[0] });
      }
    };
    await phase('writes', writes);
    await phase('two processes on one database', crossProcess);
    await phase('pages', pages);
    await phase('API reads', apiReads);
    const afterPages = ctx.a.rss();
    await phase('mixed load', mixedLoad);
    const end = ctx.a.rss();
    facts.loadEnd = load();

    const lines = [
      `### ${opts.db ? `Tenant ${path.basename(opts.db)}` : 'Demo tenant (fresh)'}, ${facts.started.slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `Machine: ${facts.nproc} CPUs (${facts.cpu}), ${facts.memory}; ` +
        `load average (1/5/15 min) ${facts.loadStart} at start, ${facts.loadEnd} at end; ` +
        `Node ${facts.node}, Next ${facts.next}; commit ${facts.commit}.`,
      `Tenant: ${Object.entries(tenant.facts.counts)
        .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
        .join(', ')} (before the run; the run adds ${tenant.benchUsers.length} requesters and the requests it measures).`,
      `Server RSS (process tree of \`scripts/serve.mjs\`): ${size(afterPages.now)} after every page and API read above had been visited; ` +
        `peak sampled ${size(afterPages.peak)} (VmHWM ${size(afterPages.hwm)}); ${size(end.now)} after the mixed load (peak ${size(end.peak)}).`,
      `Reads: autocannon, ${opts.connections} connections, ${opts.duration} s each, from the same machine (the load generator shares the CPUs), ` +
        "measured after the writes (so the run's requesters and requests are in the tenant); " +
        'size = body bytes of one uncompressed response; ' +
        "CPU ms/req = CPU time of the server's processes during the measurement ÷ requests (steadier than latency on a shared machine). " +
        `Writes: one at a time, up to ${opts.ops} operations or ${opts.budget} s each.`,
      '',
      table(rows),
      '',
      `Command: \`npm run bench:http -- ${process.argv.slice(2).join(' ')}\``.replace(/ `$/, '`'),
    ];
    const report = lines.join('\n');
    console.log(report);
    if (opts.out) fs.writeFileSync(opts.out, report + '\n');
    if (opts.keep) log(`kept ${work} (database copy, server logs)`);
  } catch (e) {
    if (rows.length) {
      console.log('Partial results before the failure:\n');
      console.log(table(rows));
    }
    throw e;
  } finally {
    await stopAll();
    cleanup();
  }
}

main().catch((e) => {
  if (e instanceof UsageError) {
    console.error(e.message ? `${e.message}\n\n${USAGE}` : USAGE);
    process.exit(2);
  }
  console.error(`bench:http failed: ${e instanceof Error ? e.message : e}`);
  killAllSync();
  process.exit(1);
});
