import { describe, expect, it } from 'vitest';
import { readConfig, ConfigError } from './read';

describe('configuration', () => {
  it('has working defaults for the embedded demo', () => {
    const c = readConfig({});
    expect(c.port).toBe(3000);
    expect(c.demo).toBe(true);
    expect(c.dbPath.endsWith('data/elevate.db')).toBe(true);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.tls).toBeUndefined();
    expect(c.sessionHours).toBe(12);
    expect(c.sessionIdleMinutes).toBe(60);
  });

  it('reads overrides', () => {
    const c = readConfig({
      PORT: '8443',
      ELEVATE_DEMO: 'off',
      ELEVATE_DB: '/tmp/x.db',
      ELEVATE_TLS_CERT: 'c.pem',
      ELEVATE_TLS_KEY: 'k.pem',
    });
    expect(c).toMatchObject({
      port: 8443,
      demo: false,
      dbPath: '/tmp/x.db',
      publicUrl: 'https://localhost:8443',
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
    });
    expect(readConfig({ ELEVATE_SESSION_IDLE_MINUTES: '5' }).sessionIdleMinutes).toBe(5);
    expect(readConfig({ ELEVATE_SESSION_IDLE_MINUTES: '1440' }).sessionIdleMinutes).toBe(1440);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 1 to 65535, got "eighty"'],
    [{ ELEVATE_DEMO: 'maybe' }, 'ELEVATE_DEMO must be 1/0'],
    [{ ELEVATE_URL: 'not a url' }, 'ELEVATE_URL must be an absolute URL'],
    [{ ELEVATE_ENCRYPTION_KEY: 'short' }, 'ELEVATE_ENCRYPTION_KEY must be 32 bytes in base64'],
    [{ ELEVATE_AUTH_SECRET: 'short' }, 'ELEVATE_AUTH_SECRET must be at least 32 characters'],
    [{ ELEVATE_TLS_CERT: 'c.pem' }, 'ELEVATE_TLS_CERT and ELEVATE_TLS_KEY must be set together'],
    [{ ELEVATE_LOCKOUT_THRESHOLD: '0' }, 'ELEVATE_LOCKOUT_THRESHOLD must be a whole number from 1 to 100'],
    [{ ELEVATE_SESSION_IDLE_MINUTES: '4' }, 'ELEVATE_SESSION_IDLE_MINUTES must be a whole number from 5 to 1440, got "4"'],
    [{ ELEVATE_SESSION_IDLE_MINUTES: '1441' }, 'ELEVATE_SESSION_IDLE_MINUTES must be a whole number from 5 to 1440'],
    [{ ELEVATE_SESSION_IDLE_MINUTES: '30.5' }, 'ELEVATE_SESSION_IDLE_MINUTES must be a whole number from 5 to 1440'],
    [{ ELEVATE_API_PAGE_SIZE: '1001' }, 'ELEVATE_API_PAGE_SIZE must be a whole number from 1 to 1000, got "1001"'],
    [{ ELEVATE_ADMIN_EMAIL: 'root' }, 'ELEVATE_ADMIN_EMAIL must be an e-mail address'],
  ])('a bad value stops start-up naming the variable: %j', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('reads the API page size and the initial administrator, with their defaults', () => {
    expect(readConfig({})).toMatchObject({ apiPageSize: 100, adminEmail: 'admin@elevate.local' });
    expect(readConfig({ ELEVATE_API_PAGE_SIZE: '2', ELEVATE_ADMIN_EMAIL: 'ops@example.com' })).toMatchObject({
      apiPageSize: 2,
      adminEmail: 'ops@example.com',
    });
  });
});
