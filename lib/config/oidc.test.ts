import { describe, expect, it } from 'vitest';
import { readConfig } from './read';

const provider = {
  ELEVATE_OIDC_ISSUER: 'https://login.example.com/tenant/v2.0',
  ELEVATE_OIDC_CLIENT_ID: 'elevate',
  ELEVATE_OIDC_CLIENT_SECRET: 's3cret',
};

describe('single sign-on configuration', () => {
  it('is off without a provider, and password sign-in stays on', () => {
    const c = readConfig({});
    expect(c.oidc).toBeUndefined();
    expect(c.passwordSignIn).toBe(true);
  });

  it('reads a provider with its defaults, keeping the issuer exactly as given', () => {
    const c = readConfig({ ...provider, ELEVATE_OIDC_ISSUER: 'https://idp.example.com/' });
    expect(c.oidc).toEqual({
      issuer: 'https://idp.example.com/',
      clientId: 'elevate',
      clientSecret: 's3cret',
      name: 'Single sign-on',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      adminGroups: [],
      mfaAcr: undefined,
    });
  });

  it('reads the optional settings', () => {
    const c = readConfig({
      ...provider,
      ELEVATE_OIDC_NAME: 'Contoso',
      ELEVATE_OIDC_SCOPES: 'openid email profile groups',
      ELEVATE_OIDC_GROUPS_CLAIM: 'roles',
      ELEVATE_OIDC_ADMIN_GROUPS: ' pim-admins , 0b5f…-id ,',
      ELEVATE_OIDC_MFA_ACR: 'urn:mfa',
      ELEVATE_PASSWORD_SIGNIN: '0',
    });
    expect(c.oidc).toMatchObject({
      name: 'Contoso',
      scopes: 'openid email profile groups',
      groupsClaim: 'roles',
      adminGroups: ['pim-admins', '0b5f…-id'],
      mfaAcr: 'urn:mfa',
    });
    expect(c.passwordSignIn).toBe(false);
  });

  it.each([
    [{ ELEVATE_OIDC_ISSUER: 'https://idp.example.com' }, 'must be set together'],
    [{ ...provider, ELEVATE_OIDC_ISSUER: 'http://idp.example.com' }, 'must be an https URL'],
    [{ ...provider, ELEVATE_OIDC_ISSUER: 'not a url' }, 'must be an absolute URL'],
    [{ ...provider, ELEVATE_OIDC_SCOPES: 'email profile' }, 'must include openid'],
    [{ ...provider, ELEVATE_OIDC_SCOPES: 'openid  email' }, 'separated by single spaces'],
    [{ ELEVATE_PASSWORD_SIGNIN: '0' }, 'needs single sign-on'],
    [{ ...provider, ELEVATE_PASSWORD_SIGNIN: 'maybe' }, 'ELEVATE_PASSWORD_SIGNIN must be'],
  ])('refuses %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  it('accepts plain http on a loopback issuer (the test provider)', () => {
    expect(readConfig({ ...provider, ELEVATE_OIDC_ISSUER: 'http://127.0.0.1:4010' }).oidc?.issuer).toBe('http://127.0.0.1:4010');
    expect(readConfig({ ...provider, ELEVATE_OIDC_ISSUER: 'http://localhost:4010/' }).oidc?.issuer).toBe('http://localhost:4010/');
  });
});
