import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import https from 'node:https';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generate } from 'selfsigned';

const root = process.cwd();

/** The production build the server runs: ELEVATE_DIST_DIR (the test runner's) or .next; built here if missing. */
export function ensureBuild(): string {
  const distDir = process.env.ELEVATE_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(root, distDir, 'BUILD_ID'))) {
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], {
      stdio: 'inherit',
      env: { ...process.env, ELEVATE_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0) throw new Error(`next build into ${distDir} failed`);
  }
  return distDir;
}

/** A port nobody listens on right now (shared by the API and connectors suites). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  baseUrl: string;
  /** the test certificate, trusted by the clients through tlsOptions.ca */
  ca: string;
  dbFile: string;
  dir: string;
  logs(): string;
  stop(): Promise<void>;
}

function get(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/** `node scripts/serve.mjs` over HTTPS with a fresh certificate, data directory and database. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const distDir = ensureBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-api-'));
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(certFile, pems.cert);
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  const port = await freePort();
  const dbFile = path.join(dir, 'elevate.db');
  const baseUrl = `https://localhost:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ELEVATE_DIST_DIR: distDir,
      ELEVATE_TLS_CERT: certFile,
      ELEVATE_TLS_KEY: keyFile,
      ELEVATE_DATA_DIR: dir,
      ELEVATE_DB: dbFile,
      ELEVATE_DEMO: '1',
      ELEVATE_URL: baseUrl,
      NEXTAUTH_URL: baseUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    if ((await get(`${baseUrl}/api/health`, pems.cert)) === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if ((await get(`${baseUrl}/api/health`, pems.cert)) !== 200) throw new Error(`server did not become ready:\n${output}`);
  return {
    baseUrl,
    ca: pems.cert,
    dbFile,
    dir,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
