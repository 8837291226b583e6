import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestServer {
  url: string;
  dataDir: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built portal (scripts/serve.mjs) on a free port with a fresh data directory and demo database. */
/** Extra variables for the server, or a function that gets them once the server's address is known (e.g. starts a provider for it). */
export type ServerEnv = Record<string, string> | ((url: string) => Promise<{ env: Record<string, string>; stop?: () => Promise<void> }>);

export async function startServer(extra: ServerEnv = {}): Promise<TestServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-e2e-'));
  const url = `http://localhost:${port}`;
  const side = typeof extra === 'function' ? await extra(url) : { env: extra };
  const extraEnv = side.env;
  const child: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ELEVATE_DATA_DIR: dataDir,
      ELEVATE_DB: path.join(dataDir, 'elevate.db'),
      ELEVATE_URL: url,
      NEXTAUTH_URL: url,
      // specs start webhook receivers on 127.0.0.1 (e2e/admin-connectors.spec.ts)
      ELEVATE_WEBHOOK_ALLOW_PRIVATE: '1',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }).then(() => side.stop?.()),
  };
}
