import path from 'node:path';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureBuild, freePort } from '../api/server';

const root = process.cwd();

/**
 * The production server (`node scripts/serve.mjs` on the build in ELEVATE_DIST_DIR) over
 * plain HTTP on a loopback port, on a database the test prepared. It can be stopped
 * (SIGTERM), killed (SIGKILL, a crash) and started again on the same database and
 * environment, which is what the connector proofs need.
 */
export interface ServerOptions {
  /** the data directory (ELEVATE_DATA_DIR); the caller creates and removes it */
  dir: string;
  /** the SQLite file (ELEVATE_DB), usually inside `dir` */
  dbFile: string;
  /** added to the environment (connectors file, secrets, …) */
  env: Record<string, string>;
}

export interface ConnectorsServer {
  baseUrl: string;
  port: number;
  /** Date.now() when the current process printed "Elevate is ready" */
  readyAt: number;
  pid(): number | undefined;
  running(): boolean;
  /** everything every process printed, each start headed by a marker line */
  logs(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s; resolves once it exited */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash); resolves once it exited */
  kill(): Promise<void>;
  /** stops it if it runs, then starts it again on the same port, database and environment */
  restart(): Promise<void>;
}

/** The status of one GET (0 when nothing answered); no keep-alive, so a stop is not held up by the probe. */
function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

const live = new Set<ChildProcess>();
// a test process that ends without afterAll (a crash, a timeout) must not leave servers behind
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(opts: ServerOptions): Promise<ConnectorsServer> {
  const distDir = ensureBuild();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | null = null;
  let starts = 0;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    ELEVATE_DIST_DIR: distDir,
    ELEVATE_DATA_DIR: opts.dir,
    ELEVATE_DB: opts.dbFile,
    ELEVATE_URL: baseUrl,
    NEXTAUTH_URL: baseUrl,
    NEXT_TELEMETRY_DISABLED: '1',
    ...opts.env,
  };
  // the test runner's TLS settings would make the server speak HTTPS
  delete env.ELEVATE_TLS_CERT;
  delete env.ELEVATE_TLS_KEY;

  const server: ConnectorsServer = {
    baseUrl,
    port,
    readyAt: 0,
    pid: () => child?.pid,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    logs: () => output,
    async stop() {
      const c = child;
      if (!c || !server.running()) return;
      const done = exited(c);
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
    async kill() {
      const c = child;
      if (!c || !server.running()) return;
      const done = exited(c);
      c.kill('SIGKILL');
      await done;
    },
    async restart() {
      await server.stop();
      await launch();
    },
  };

  async function launch(): Promise<void> {
    starts++;
    output += `\n===== start ${starts} at ${new Date().toISOString()} =====\n`;
    let readyAt = 0;
    const c = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    c.once('exit', (code, signal) => {
      live.delete(c);
      output += `===== exited (${signal ?? code}) =====\n`;
    });
    c.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      if (!readyAt && /is ready on/.test(text)) readyAt = Date.now();
      output += text;
    });
    c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null)
        throw new Error(`server exited (${c.signalCode ?? c.exitCode}) while starting:\n${output}`);
      if (readyAt && (await get(`${baseUrl}/api/health`)) === 200) {
        server.readyAt = readyAt;
        return;
      }
      await new Promise((r) => setTimeout(r, readyAt ? 50 : 100));
    }
    c.kill('SIGKILL');
    throw new Error(`server did not become ready within 90 s:\n${output}`);
  }

  await launch();
  return server;
}
