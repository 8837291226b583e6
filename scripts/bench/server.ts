import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { call } from './client';

export interface BenchServer {
  name: string;
  url: string;
  pid: number;
  /** ms from spawn to the first 200 of /api/health */
  startMs: number;
  logFile: string;
  /** VmRSS summed over the server's process tree now, and the largest sum sampled so far (bytes) */
  rss(): { now: number; peak: number; hwm: number };
  /** CPU time (user + system) the server's process tree has used so far, in ms: steadier than latency on a shared machine */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Every server this run started, so Ctrl-C and errors can stop them. */
const live = new Set<ChildProcess>();

export function killAllSync(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function statusField(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (!clockTicks) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of one process (all its threads), in ms. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / ticksPerSecond();
  } catch {
    return 0;
  }
}

/** The pid and its descendants (a server may fork workers), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      /* the process ended while we looked */
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length && out.length < 1000) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

export interface StartOptions {
  root: string;
  distDir: string;
  dataDir: string;
  dbFile: string;
  name: string;
  /** give up waiting for the first answer after this long */
  timeoutMs: number;
}

/**
 * The production server (`scripts/serve.mjs`, what `npm start` runs: one Node process) on a
 * free loopback port, on the given database, in production mode; resolves
 * once /api/health answers 200 (the instrumentation hook has opened the database and
 * applied migrations by then). A server that exits or never answers is an error that
 * carries the end of its log.
 */
export async function startServer(o: StartOptions): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(o.dataDir, `${o.name}.log`);
  const log = fs.openSync(logFile, 'a');
  const t0 = performance.now();
  // as `npm start` runs it (scripts/start.mjs): the same heap limit
  const heapMb = process.env.ELEVATE_HEAP_MB || '768';
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, path.join(o.root, 'scripts', 'serve.mjs')], {
    cwd: o.root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      ELEVATE_DIST_DIR: o.distDir,
      ELEVATE_DATA_DIR: o.dataDir,
      ELEVATE_DB: o.dbFile,
      ELEVATE_DEMO: '1',
      ELEVATE_URL: url,
      NEXTAUTH_URL: url,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  live.add(child);
  child.once('exit', () => live.delete(child));
  const tail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => (clearTimeout(force), resolve()));
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + o.timeoutMs;
  let startMs = 0;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${o.name} server exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail()}`);
    try {
      const res = await call(`${url}/api/health`, { timeoutMs: 5000 });
      if (res.status === 200) {
        startMs = performance.now() - t0;
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${o.name} server did not answer /api/health within ${o.timeoutMs / 1000} s:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  let peak = 0;
  const sample = () => {
    const sum = processTree(child.pid!).reduce((s, p) => s + statusField(p, 'VmRSS'), 0);
    peak = Math.max(peak, sum);
    return sum;
  };
  sample();
  const timer = setInterval(sample, 250);
  timer.unref();
  child.once('exit', () => clearInterval(timer));
  return {
    name: o.name,
    url,
    pid: child.pid!,
    startMs,
    logFile,
    rss: () => {
      const now = sample();
      const hwm = processTree(child.pid!).reduce((s, p) => s + statusField(p, 'VmHWM'), 0);
      return { now, peak, hwm };
    },
    cpuMs: () => processTree(child.pid!).reduce((s, p) => s + cpuOf(p), 0),
    stop: async () => {
      clearInterval(timer);
      await stop();
    },
  };
}
