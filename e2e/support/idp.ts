import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Connect provider for the tests (oidc-provider on a loopback port): one
 * confidential client for Elevate, people with and without MFA in `amr`, a groups claim,
 * and a plain username/password form for the login prompt that Playwright can fill.
 * Every prompt=login asks again; consent is implied for Elevate (a first-party client).
 */

export interface IdpPerson {
  password: string;
  name: string;
  email: string;
  groups: string[];
  /** what the provider says the person signed in with: ['pwd', 'mfa'] or just ['pwd'] */
  amr: string[];
}

export const IDP_PEOPLE: Record<string, IdpPerson> = {
  ada: { password: 'ada-pass', name: 'Ada Lovelace', email: 'ada@corp.test', groups: ['grp-finance-ops'], amr: ['pwd', 'mfa'] },
  bob: { password: 'bob-pass', name: 'Bob Nomfa', email: 'bob@corp.test', groups: ['Finance Operators'], amr: ['pwd'] },
  jen: { password: 'jen-pass', name: 'Jen', email: 'jen@bluewidget.test', groups: [], amr: ['pwd', 'mfa'] },
};

export const IDP_CLIENT = { id: 'elevate-e2e', secret: 'elevate-e2e-secret-value' };
export const IDP_NAME = 'Test IdP';

export interface TestIdp {
  issuer: string;
  /** the variables that point Elevate at this provider */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginForm(uid: string, clientName: string, error?: string) {
  return page(
    'Test IdP sign-in',
    `<p>Sign in to continue to ${esc(clientName)}.</p>
${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Continue</button></form>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

/** Starts the provider for an Elevate at `elevateUrl` (its callback and post-logout addresses are registered). */
export async function startTestIdp(elevateUrl: string): Promise<TestIdp> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const config: Configuration = {
    clients: [
      {
        client_id: IDP_CLIENT.id,
        client_secret: IDP_CLIENT.secret,
        client_name: 'Elevate',
        redirect_uris: [`${elevateUrl}/api/auth/callback/oidc`],
        post_logout_redirect_uris: [`${elevateUrl}/sign-in`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        require_auth_time: true,
      },
    ],
    jwks: { keys: [{ ...(privateKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    // amr rides on the openid scope so every ID token says how the person signed in, as Entra ID and Okta do
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // the ID token carries the profile, e-mail and groups claims, as Entra ID, Okta and Keycloak can be set to do
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const p = IDP_PEOPLE[sub];
      if (!p) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: p.name, email: p.email, email_verified: true, groups: p.groups }) };
    },
    // Elevate is a first-party client: every scope it asks for is granted without a consent page
    async loadExistingGrant(ctx) {
      const oidc = ctx.oidc;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) {
        const found = await oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile groups');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups', 'amr']);
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  };
  // an ES module only: loaded when a spec starts the provider, not when Playwright lists the specs
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, config);
  const oidcHandler = provider.callback();

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!m) return oidcHandler(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginForm(details.uid, 'Elevate'));
        return;
      }
      const form = await readForm(req);
      const who = form.get('username') ?? '';
      const person = IDP_PEOPLE[who];
      if (!person || person.password !== form.get('password')) {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(loginForm(details.uid, 'Elevate', 'Wrong username or password.'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: who, amr: person.amr, remember: true } },
        { mergeWithLastSubmission: false },
      );
    } catch (e) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${(e as Error).message}`);
    }
  });

  return {
    issuer,
    env: {
      ELEVATE_OIDC_ISSUER: issuer,
      ELEVATE_OIDC_CLIENT_ID: IDP_CLIENT.id,
      ELEVATE_OIDC_CLIENT_SECRET: IDP_CLIENT.secret,
      ELEVATE_OIDC_NAME: IDP_NAME,
      ELEVATE_OIDC_SCOPES: 'openid email profile groups',
      ELEVATE_OIDC_ADMIN_GROUPS: 'grp-pim-admins',
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
