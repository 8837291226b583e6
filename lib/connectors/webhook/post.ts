import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { addressRefusal, defaultLookup, type Lookup } from './url-guard';

/**
 * One webhook POST that connects only to addresses it has checked.
 *
 * checkWebhookUrl resolves the host and refuses non-public answers, but fetch would
 * resolve the name again when it connects, so a DNS answer that changes in between
 * (rebinding) could still reach the internal network. Here the resolution that picks the
 * connection's address is the checked one: the request's `lookup` resolves the host,
 * refuses the whole answer if any address is non-public (unless allowPrivate) and hands
 * the socket only those addresses. Host header and TLS SNI stay the URL's host name, and
 * certificates are verified as usual.
 *
 * Redirects are not followed (a 3xx is returned with its Location, for the caller to
 * report); the response body is read up to RESPONSE_CAP_BYTES and discarded. A fresh
 * connection per request (no agent pool), so no socket opened by anyone else is reused.
 * Never throws: failures before a response are `{ status: 0, error }`.
 */
export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  /** resolves a host name to all its addresses; the system resolver by default */
  lookup?: Lookup;
}
export interface PostResult {
  /** the HTTP status, or 0 when no response arrived */
  status: number;
  error?: string;
  /** the Location header of a 3xx */
  location?: string;
}

export const RESPONSE_CAP_BYTES = 64 * 1024;
export const REFUSED_CODE = 'EWEBHOOKREFUSED';

const refusal = (message: string, code = REFUSED_CODE) => Object.assign(new Error(message), { code });

/** The `lookup` request option: resolve, check every answer, connect only to checked addresses. */
export function pinnedLookup(resolve: Lookup, allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    resolve(host).then(
      (answer) => {
        const bad = answer.find((a) => !net.isIP(a.replace(/%.*$/, '')));
        if (bad !== undefined) return callback(refusal(`Could not resolve ${host} (${JSON.stringify(bad)} is not an IP address).`), '');
        if (!allowPrivate) {
          // any non-public answer refuses, as checkWebhookUrl does
          for (const address of answer) {
            const reason = addressRefusal(address, host);
            if (reason) return callback(refusal(reason), '');
          }
        }
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = answer
          .map((address) => ({ address, family: net.isIP(address.replace(/%.*$/, '')) }))
          .filter((a) => !family || a.family === family);
        if (usable.length === 0)
          return callback(refusal(`Could not resolve ${host} (no ${family ? `IPv${family} ` : ''}addresses).`, 'ENOTFOUND'), '');
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err: unknown) => {
        const code = (err as { code?: string } | null)?.code;
        callback(refusal(`Could not resolve ${host}${code ? ` (${code})` : ''}.`, code ?? 'ENOTFOUND'), '');
      },
    );
  };
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, opts: PostOptions): Promise<PostResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ status: 0, error: 'The webhook URL is not a valid URL.' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return Promise.resolve({ status: 0, error: `The webhook URL must be http or https, not ${u.protocol.replace(/:$/, '')}.` });
  // an IP literal is connected to without any lookup, so it is checked here
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host) && !opts.allowPrivate) {
    const reason = addressRefusal(host, host);
    if (reason) return Promise.resolve({ status: 0, error: reason });
  }

  return new Promise<PostResult>((resolve) => {
    let settled = false;
    let status = 0;
    let location: string | undefined;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const answered = () => finish(location === undefined ? { status } : { status, location });

    const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
    const req = (u.protocol === 'https:' ? https : http).request(u, {
      method: 'POST',
      headers: hasLength ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup(opts.lookup ?? defaultLookup, opts.allowPrivate),
      agent: false,
    });
    // once the status is known, a slow body does not turn the answer into a timeout
    const timer = setTimeout(
      () => (status ? answered() : finish({ status: 0, error: `Timed out after ${opts.timeoutMs} ms` })),
      opts.timeoutMs,
    );

    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      const to = res.headers.location;
      if (status >= 300 && status < 400 && to) location = to;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= RESPONSE_CAP_BYTES) answered();
      });
      res.on('end', answered);
      res.on('error', answered);
      res.on('close', answered);
    });
    req.on('error', (err) => (status ? answered() : finish({ status: 0, error: err.message || String(err) })));
    req.end(body);
  });
}
