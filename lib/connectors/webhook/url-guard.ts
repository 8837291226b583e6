import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * Webhook URLs are typed by administrators, so a URL could point Elevate's server at
 * itself, the cloud metadata service or the internal network (server-side request
 * forgery). Every address the host resolves to must be public, because fetch may connect
 * to any of them. Internal receivers (a SIEM on the LAN) are a legitimate setup, hence
 * the ELEVATE_WEBHOOK_ALLOW_PRIVATE=1 switch.
 *
 * This check gives the operator a clear reason up front, but it cannot stop a DNS answer
 * that changes before the connection (rebinding). postWebhook (post.ts) closes that: it
 * resolves the name once more at connect time, applies the same rules (addressRefusal)
 * to that answer and connects only to an address it checked.
 */
export type UrlCheck = { ok: true; addresses: string[] } | { ok: false; reason: string };
export type Lookup = (host: string) => Promise<string[]>;

export const ALLOW_PRIVATE_ENV = 'ELEVATE_WEBHOOK_ALLOW_PRIVATE';

// Checked in order; the first match names the reason. BlockList also matches IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d) against the IPv4 rules.
const RANGES: Array<[label: string, cidr: string]> = [
  ['unspecified', '0.0.0.0/8'],
  ['loopback', '127.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['link-local', '169.254.0.0/16'],
  ['carrier-grade NAT', '100.64.0.0/10'],
  ['multicast', '224.0.0.0/4'],
  ['broadcast', '255.255.255.255/32'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['link-local', 'fe80::/10'],
  ['unique local', 'fc00::/7'],
  ['multicast', 'ff00::/8'],
];
const LISTS = RANGES.map(([label, cidr]) => {
  const [addr, bits] = cidr.split('/');
  const family = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
  const list = new net.BlockList();
  list.addSubnet(addr, Number(bits), family);
  return { label, cidr, list };
});

/** Which non-public range `address` falls in, or null when it is public. */
export function blockedRange(raw: string): { label: string; cidr: string } | null {
  const address = raw.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of the address
  const family = net.isIPv6(address) ? 'ipv6' : net.isIPv4(address) ? 'ipv4' : null;
  if (!family) return { label: 'not an IP address', cidr: '' };
  const hit = LISTS.find((l) => l.list.check(address, family));
  return hit ? { label: hit.label, cidr: hit.cidr } : null;
}

const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/i.test(host);

/** All addresses of `host`, as the operating system's resolver (getaddrinfo) answers. */
export const defaultLookup: Lookup = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

const allowHint = `Set ${ALLOW_PRIVATE_ENV}=1 to allow webhooks to private networks.`;

/** Why a webhook may not connect to `address` (which `host` resolved to), or null when it is public. */
export function addressRefusal(address: string, host: string): string | null {
  const range = blockedRange(address);
  if (!range) return null;
  const of = address === host ? '' : ` (of ${host})`;
  const where = range.cidr ? `${range.label} (${range.cidr})` : range.label;
  return `The webhook address ${address}${of} is ${where}. ${allowHint}`;
}

export async function checkWebhookUrl(url: string, opts: { allowPrivate: boolean; lookup?: Lookup }): Promise<UrlCheck> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'The webhook URL is not a valid URL.' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { ok: false, reason: `The webhook URL must be http or https, not ${u.protocol.replace(/:$/, '')}.` };
  // URL keeps IPv6 literals in brackets and has already normalised odd IPv4 forms (0x7f.1)
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!opts.allowPrivate && isLocalhostName(host)) return { ok: false, reason: `The webhook host ${host} is this machine. ${allowHint}` };

  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.lookup ?? defaultLookup)(host);
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { ok: false, reason: `Could not resolve ${host}${code ? ` (${code})` : ''}.` };
    }
    if (addresses.length === 0) return { ok: false, reason: `Could not resolve ${host} (no addresses).` };
  }
  if (opts.allowPrivate) return { ok: true, addresses };

  for (const address of addresses) {
    const reason = addressRefusal(address, host);
    if (reason) return { ok: false, reason };
  }
  return { ok: true, addresses };
}
