import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedLookup, postWebhook, RESPONSE_CAP_BYTES } from './post';
import { checkWebhookUrl, type Lookup } from './url-guard';

interface Hit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1; `handle` answers (leave the response unanswered to hang). */
async function receiver(
  handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void = (_q, res) => res.writeHead(200).end('ok'),
) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      hits.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  servers.push(server);
  return { hits, port: (server.address() as AddressInfo).port };
}

const servers: Array<http.Server | https.Server> = [];
afterEach(async () => {
  for (const sv of servers.splice(0)) {
    sv.closeAllConnections();
    await new Promise((ok) => sv.close(ok));
  }
});

/** A resolver that answers from a script, one answer per call (the last one repeats), and counts its calls. */
function scripted(...answers: string[][]) {
  const calls: string[] = [];
  const lookup: Lookup = async (host) => {
    calls.push(host);
    return answers[Math.min(calls.length, answers.length) - 1];
  };
  return { lookup, calls };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const PUBLIC = '93.184.215.14';

describe('postWebhook', () => {
  it('refuses, at connect time, a host whose DNS answer turns private after the URL check (rebinding)', async () => {
    const rx = await receiver();
    const { lookup, calls } = scripted([PUBLIC], ['127.0.0.1']);
    const url = `http://rebind.test:${rx.port}/hook`;
    // the up-front check sees the public answer and lets the URL through ...
    expect(await checkWebhookUrl(url, { allowPrivate: false, lookup })).toEqual({ ok: true, addresses: [PUBLIC] });
    // ... the connection resolves again, gets the private answer and is refused
    const r = await postWebhook(url, '{}', JSON_HEADERS, { allowPrivate: false, timeoutMs: 2000, lookup });
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/127\.0\.0\.1 \(of rebind\.test\) is loopback \(127\.0\.0\.0\/8\)/);
    expect(r.error).toContain('ELEVATE_WEBHOOK_ALLOW_PRIVATE=1');
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
    expect(rx.hits).toHaveLength(0);
  });

  it('refuses an answer with any private address among public ones, and connects nowhere', async () => {
    const rx = await receiver();
    const { lookup } = scripted([PUBLIC, '127.0.0.1']);
    const r = await postWebhook(`http://mixed.test:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: false, timeoutMs: 2000, lookup });
    expect(r).toEqual({ status: 0, error: expect.stringMatching(/127\.0\.0\.1 \(of mixed\.test\) is loopback/) });
    expect(rx.hits).toHaveLength(0);
  });

  it.each([
    ['127.0.0.1', /127\.0\.0\.1 is loopback/],
    ['169.254.169.254', /169\.254\.169\.254 is link-local/],
    ['10.0.0.8', /10\.0\.0\.8 is private \(10\.0\.0\.0\/8\)/],
    ['0x7f.1', /127\.0\.0\.1 is loopback/],
    ['[::1]', /::1 is loopback/],
    ['[::ffff:127.0.0.1]', /::ffff:7f00:1 is loopback/],
  ])('refuses the IP literal %s without resolving or connecting', async (host, reason) => {
    const rx = await receiver();
    const { lookup, calls } = scripted([PUBLIC]);
    const r = await postWebhook(`http://${host}:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: false, timeoutMs: 2000, lookup });
    expect(r).toEqual({ status: 0, error: expect.stringMatching(reason) });
    expect(calls).toHaveLength(0);
    expect(rx.hits).toHaveLength(0);
  });

  it('refuses what is not http(s) and what is not a URL', async () => {
    expect(await postWebhook('file:///etc/passwd', '', {}, { allowPrivate: true, timeoutMs: 100 })).toEqual({
      status: 0,
      error: 'The webhook URL must be http or https, not file.',
    });
    expect(await postWebhook('nope', '', {}, { allowPrivate: true, timeoutMs: 100 })).toEqual({
      status: 0,
      error: 'The webhook URL is not a valid URL.',
    });
  });

  it('reports a name that does not resolve', async () => {
    const lookup: Lookup = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect(await postWebhook('http://nowhere.test/hook', '{}', {}, { allowPrivate: false, timeoutMs: 2000, lookup })).toEqual({
      status: 0,
      error: 'Could not resolve nowhere.test (ENOTFOUND).',
    });
  });

  it('posts to a 127.0.0.1 receiver when private addresses are allowed', async () => {
    const rx = await receiver((_q, res) => res.writeHead(204).end());
    const body = JSON.stringify({ type: 'activation.started', n: 'é' });
    const r = await postWebhook(
      `http://127.0.0.1:${rx.port}/hooks/elevate?x=1`,
      body,
      { ...JSON_HEADERS, 'webhook-id': 'e1' },
      { allowPrivate: true, timeoutMs: 2000 },
    );
    expect(r).toEqual({ status: 204 });
    expect(rx.hits).toEqual([expect.objectContaining({ method: 'POST', url: '/hooks/elevate?x=1', body })]);
    expect(rx.hits[0].headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'e1',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('connects to the address its one lookup checked, with the host name in the Host header', async () => {
    const rx = await receiver();
    const { lookup, calls } = scripted(['127.0.0.1']);
    const r = await postWebhook(`http://siem.corp.test:${rx.port}/in`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 2000, lookup });
    expect(r).toEqual({ status: 200 });
    expect(calls).toEqual(['siem.corp.test']);
    expect(rx.hits[0].headers.host).toBe(`siem.corp.test:${rx.port}`);
  });

  it('returns a 302 with its Location and does not follow it', async () => {
    const rx = await receiver((q, res) =>
      q.url === '/hook' ? res.writeHead(302, { location: '/moved' }).end() : res.writeHead(200).end(),
    );
    const r = await postWebhook(`http://127.0.0.1:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 2000 });
    expect(r).toEqual({ status: 302, location: '/moved' });
    expect(rx.hits.map((h) => h.url)).toEqual(['/hook']);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const rx = await receiver(() => {}); // never answers
    const started = performance.now();
    const r = await postWebhook(`http://127.0.0.1:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 200 });
    const took = performance.now() - started;
    expect(r).toEqual({ status: 0, error: 'Timed out after 200 ms' });
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(2000);
    expect(rx.hits).toHaveLength(1);
  });

  it('reads at most 64 KB of a response body, and a body that never ends does not hold the answer back', async () => {
    const rx = await receiver((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(Buffer.alloc(RESPONSE_CAP_BYTES * 2, 'x')); // and never end
    });
    const started = performance.now();
    const r = await postWebhook(`http://127.0.0.1:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 5000 });
    expect(r).toEqual({ status: 200 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('answers with the status when headers came but the body stalls until the timeout', async () => {
    const rx = await receiver((_q, res) => {
      res.writeHead(500);
      res.write('partial'); // and never end
    });
    expect(await postWebhook(`http://127.0.0.1:${rx.port}/hook`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 200 })).toEqual({
      status: 500,
    });
  });

  it('keeps TLS verification on and sends the host name, not the checked address, as SNI', async () => {
    const names: string[] = [];
    const server = https.createServer(
      {
        key: TEST_KEY,
        cert: TEST_CERT,
        SNICallback: (name, cb) => {
          names.push(name);
          cb(null, undefined);
        },
      },
      (_q, res) => res.writeHead(200).end(),
    );
    server.on('tlsClientError', () => {});
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const { lookup } = scripted(['127.0.0.1']);

    const r = await postWebhook(`https://hooks.test:${port}/in`, '{}', JSON_HEADERS, { allowPrivate: true, timeoutMs: 2000, lookup });
    // the certificate (for hooks.test) is self-signed, so a verifying client refuses it
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/self[- ]signed certificate/i);
    expect(names).toEqual(['hooks.test']);
  });
});

describe('pinnedLookup', () => {
  const run = (lookup: Lookup, allowPrivate: boolean, options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((ok) =>
      pinnedLookup(lookup, allowPrivate)('host.test', options as never, (err, address, family) => ok({ err, address, family })),
    );

  it('answers both callback forms net uses, keeping to the family asked for', async () => {
    const { lookup } = scripted([PUBLIC, '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    expect(await run(lookup, false, { all: true })).toEqual({
      err: null,
      address: [
        { address: PUBLIC, family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
      family: undefined,
    });
    expect(await run(lookup, false, {})).toEqual({ err: null, address: PUBLIC, family: 4 });
    expect(await run(lookup, false, { family: 6 })).toEqual({ err: null, address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 });
  });

  it('refuses non-public answers unless allowed, and what is not an address always', async () => {
    expect((await run(scripted(['fd00::5']).lookup, false, { all: true })).err?.message).toMatch(
      /fd00::5 \(of host\.test\) is unique local/,
    );
    expect((await run(scripted(['fd00::5']).lookup, true, { all: true })).address).toEqual([{ address: 'fd00::5', family: 6 }]);
    expect((await run(scripted(['evil.test']).lookup, true, { all: true })).err?.message).toMatch(/not an IP address/);
    expect((await run(scripted([]).lookup, true, {})).err?.code).toBe('ENOTFOUND');
  });
});

// a self-signed certificate for hooks.test, valid until 2126; test use only
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeeRUl/EFnewT/GgH
QrrbpCBKuC3d0m8Zp28UC2YvyD6hRANCAARUJEaI3h+6zZnn2P5Hk+oklr7xmLSs
nBf2Jp7CYaSjk4K3D23lJroW4HtQgaJvDaBz+LUwlFfKPoBRtN3YwqQJ
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmDCCAT6gAwIBAgIUaRrYVkgWc3OhlDOA60PpnG4gpHIwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKaG9va3MudGVzdDAgFw0yNjExMjkxNzAwMDVaGA8yMTI2MTEw
NTE3MDAwNVowFTETMBEGA1UEAwwKaG9va3MudGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABFQkRojeH7rNmefY/keT6iSWvvGYtKycF/YmnsJhpKOTgrcPbeUm
uhbge1CBom8NoHP4tTCUV8o+gFG03djCpAmjajBoMB0GA1UdDgQWBBTbdo3iEg9T
xzFCbPu/tAioNBizyDAfBgNVHSMEGDAWgBTbdo3iEg9TxzFCbPu/tAioNBizyDAP
BgNVHRMBAf8EBTADAQH/MBUGA1UdEQQOMAyCCmhvb2tzLnRlc3QwCgYIKoZIzj0E
AwIDSAAwRQIgZ7he5ChZaFUaF06zm3GRH5oPzGHwdShDGBdXPU/tjjoCIQC+9AhR
a+2Ep2xB6bEY1xSNxYgnB9b/B9vChGv7ypf/KQ==
-----END CERTIFICATE-----`;
