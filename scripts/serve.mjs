// Serves the built portal over HTTP, or HTTPS when ELEVATE_TLS_CERT and ELEVATE_TLS_KEY
// name PEM files (the Azure SDK refuses bearer tokens over plain http).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import next from 'next';

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
  return handle(req, res);
};
const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
server.listen(port, hostname, () => console.log(`Elevate is ready on ${scheme}://localhost:${port}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
