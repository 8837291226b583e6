import { describe, expect, it } from 'vitest';
import { addressRefusal, blockedRange, checkWebhookUrl, type Lookup } from './url-guard';

// a fake resolver: the guard's rules are pure once the addresses are known
const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'mixed.example.com': ['93.184.215.14', '10.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
  'siem.corp.example': ['192.168.10.5'],
  'v6only.example.com': ['fd12:3456::1'],
};
const lookup: Lookup = async (host) => {
  if (DNS[host]) return DNS[host];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

describe('checkWebhookUrl', () => {
  const refused: Array<[url: string, reason: RegExp]> = [
    ['ftp://hooks.example.com/x', /must be http or https, not ftp/],
    ['not a url', /not a valid URL/],
    ['http://localhost:3000/hook', /host localhost is this machine/],
    ['http://api.localhost/hook', /host api.localhost is this machine/],
    ['http://127.0.0.1/hook', /127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)/],
    ['http://0x7f.1/hook', /127\.0\.0\.1 is loopback/], // odd IPv4 spellings are normalised first
    ['http://2130706433/hook', /127\.0\.0\.1 is loopback/],
    ['http://[::1]/hook', /::1 is loopback/],
    ['http://0.0.0.0/hook', /0\.0\.0\.0 is unspecified/],
    ['http://[::]/hook', /:: is unspecified/],
    ['http://10.0.0.8/hook', /10\.0\.0\.8 is private \(10\.0\.0\.0\/8\)/],
    ['http://172.16.0.1/hook', /172\.16\.0\.1 is private \(172\.16\.0\.0\/12\)/],
    ['http://172.31.255.254/hook', /172\.31\.255\.254 is private/],
    ['http://192.168.1.1/hook', /192\.168\.1\.1 is private \(192\.168\.0\.0\/16\)/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is link-local/],
    ['http://[fe80::1]/hook', /fe80::1 is link-local/],
    ['http://100.64.0.1/hook', /100\.64\.0\.1 is carrier-grade NAT \(100\.64\.0\.0\/10\)/],
    ['http://224.0.0.251/hook', /224\.0\.0\.251 is multicast/],
    ['http://[ff02::1]/hook', /ff02::1 is multicast/],
    ['http://255.255.255.255/hook', /255\.255\.255\.255 is broadcast/],
    ['http://[fd00::5]/hook', /fd00::5 is unique local \(fc00::\/7\)/],
    ['http://[::ffff:127.0.0.1]/hook', /::ffff:7f00:1 is loopback/], // IPv4-mapped
    ['http://[::ffff:10.0.0.1]/hook', /::ffff:a00:1 is private/],
    ['http://[::ffff:169.254.169.254]/hook', /link-local/],
    ['https://metadata.example.com/x', /169\.254\.169\.254 \(of metadata\.example\.com\) is link-local/],
    ['https://mixed.example.com/x', /10\.1\.2\.3 \(of mixed\.example\.com\) is private/], // any private answer refuses
    ['https://v6only.example.com/x', /fd12:3456::1 \(of v6only\.example\.com\) is unique local/],
    ['https://nowhere.example.com/x', /Could not resolve nowhere\.example\.com \(ENOTFOUND\)/],
  ];
  it.each(refused)('refuses %s', async (url, reason) => {
    const r = await checkWebhookUrl(url, { allowPrivate: false, lookup });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('tells the operator how to allow private addresses, naming the address', async () => {
    const r = await checkWebhookUrl('https://siem.corp.example/in', { allowPrivate: false, lookup });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('192.168.10.5') });
    if (!r.ok) expect(r.reason).toContain('ELEVATE_WEBHOOK_ALLOW_PRIVATE=1');
  });

  const allowed: Array<[url: string, allowPrivate: boolean, addresses: string[]]> = [
    ['https://hooks.example.com/in', false, DNS['hooks.example.com']],
    ['http://93.184.215.14:8080/in', false, ['93.184.215.14']],
    ['http://[2606:4700::1111]/in', false, ['2606:4700::1111']],
    ['http://172.32.0.1/in', false, ['172.32.0.1']], // just outside 172.16/12
    ['http://100.128.0.1/in', false, ['100.128.0.1']], // just outside 100.64/10
    ['https://siem.corp.example/in', true, ['192.168.10.5']],
    ['http://127.0.0.1:9000/in', true, ['127.0.0.1']],
    ['http://localhost:9000/in', true, ['127.0.0.1']],
  ];
  it.each(allowed)('allows %s (allowPrivate %s)', async (url, allowPrivate, addresses) => {
    const r = await checkWebhookUrl(url, { allowPrivate, lookup: async (h) => (h === 'localhost' ? ['127.0.0.1'] : lookup(h)) });
    expect(r).toEqual({ ok: true, addresses });
  });

  it('still refuses what is not http even when private addresses are allowed', async () => {
    expect((await checkWebhookUrl('file:///etc/passwd', { allowPrivate: true, lookup })).ok).toBe(false);
  });
});

describe('blockedRange', () => {
  it.each([
    ['8.8.8.8', null],
    ['2001:4860:4860::8888', null],
    ['fe80::1%eth0', 'link-local'], // resolvers may return a zone id
    ['::ffff:192.168.0.1', 'private'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
  ])('%s → %s', (address, label) => {
    expect(blockedRange(address)?.label ?? null).toBe(label);
  });
});

describe('addressRefusal', () => {
  it('names the address, the host it came from, the range and the switch; null when public', () => {
    expect(addressRefusal('10.1.2.3', 'mixed.example.com')).toBe(
      'The webhook address 10.1.2.3 (of mixed.example.com) is private (10.0.0.0/8). Set ELEVATE_WEBHOOK_ALLOW_PRIVATE=1 to allow webhooks to private networks.',
    );
    expect(addressRefusal('127.0.0.1', '127.0.0.1')).toMatch(/^The webhook address 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)\./);
    expect(addressRefusal('nonsense', 'x.example')).toMatch(/nonsense \(of x\.example\) is not an IP address\./);
    expect(addressRefusal('93.184.215.14', 'hooks.example.com')).toBeNull();
  });
});
