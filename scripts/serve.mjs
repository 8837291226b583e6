// Serves the built portal over HTTP, or HTTPS when ELEVATE_TLS_CERT and ELEVATE_TLS_KEY
// name PEM files (the Azure SDK refuses bearer tokens over plain http).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import next from 'next';
import { armRawErrorResponse, armRawLogLine, checkArmRawUrl } from './arm-raw-url.mjs';
import { guardRequest } from '../lib/http/request-guard.mjs';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';
const certFile = process.env.ELEVATE_TLS_CERT;
const keyFile = process.env.ELEVATE_TLS_KEY;
if (Boolean(certFile) !== Boolean(keyFile)) {
  console.error('Elevate cannot start: ELEVATE_TLS_CERT and ELEVATE_TLS_KEY must be set together (PEM file paths)');
  process.exit(1);
}
let tls;
if (certFile) {
  try {
    tls = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
  } catch (e) {
    console.error(`Elevate cannot start: cannot read ELEVATE_TLS_CERT/ELEVATE_TLS_KEY: ${e.message}`);
    process.exit(1);
  }
}
const scheme = tls ? 'https' : 'http';
process.env.NEXTAUTH_URL ??= process.env.ELEVATE_URL ?? `${scheme}://localhost:${port}`;
const publicUrl = process.env.ELEVATE_URL ?? process.env.NEXTAUTH_URL;

const app = next({ dev: false, hostname: 'localhost', port });
await app.prepare();
const handle = app.getRequestHandler();
const listener = (req, res) => {
  // Azure SDKs build `//subscriptions/…` for a scope given with a leading slash and
  // `Microsoft.Compute//virtualMachines` for an empty parent path; Next would read the
  // first as a host name and redirect the second, so collapse repeated slashes in the path.
  if (req.url?.includes('//')) {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
  }
  // API paths Next would rewrite (dot segments), redirect (`\`, a trailing slash) or fail
  // on (malformed percent-encoding): refused here with ARM's error, or tidied
  if (req.url) {
    const started = performance.now();
    const checked = checkArmRawUrl(req.url);
    if ('error' in checked) {
      const out = armRawErrorResponse(checked.error, req.headers);
      res.writeHead(out.status, out.headers).end(out.body);
      console.log(armRawLogLine(req.method ?? '', req.url, out.status, performance.now() - started, out));
      return;
    }
    req.url = checked.url;
  }
  // a state change from another site (403) or a body over its path's limit (413), refused
  // before Next reads it: Next would answer both with 500 (ADR 091)
  const refused = guardRequest({ method: req.method, url: req.url, headers: req.headers, publicUrl });
  if (refused) {
    res.writeHead(refused.status, refused.headers).end(refused.body);
    console.warn(`[elevate] ${req.method} ${req.url?.split('?')[0]} refused: ${refused.status} ${refused.code}`);
    return;
  }
  return handle(req, res);
};
const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
// "ready" only once the server has answered its own health check: Next runs start-up
// (configuration, migrations, the policy index, the connectors file) before it serves the
// first request, so a bad connectors file stops the process before the line is printed.
const probeHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
function probe(attempt = 0) {
  // a loopback request to this very process, carrying nothing: its certificate is not what is being checked
  const req = (tls ? https : http).get(
    { host: probeHost, port, path: '/api/health', rejectUnauthorized: false, timeout: 30_000 },
    (res) => {
      res.resume();
      if (res.statusCode === 200) console.log(`Elevate is ready on ${scheme}://localhost:${port}`);
      else if (attempt < 50) setTimeout(() => probe(attempt + 1), 200);
      else console.error(`Elevate started but /api/health answers ${res.statusCode}`);
    },
  );
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (e) =>
    attempt < 50 ? setTimeout(() => probe(attempt + 1), 200) : console.error(`Elevate started but its health check failed: ${e.message}`),
  );
}
server.listen(port, hostname, () => probe());
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
