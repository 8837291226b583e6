import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { OidcConfig } from '@/lib/config/read';

/** next-auth's id for the provider: the callback URL an administrator registers is <ELEVATE_URL>/api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = 'oidc';

export const callbackUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/api/auth/callback/${OIDC_PROVIDER_ID}`;
export const wellKnownUrl = (issuer: string) => `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

export type IdTokenClaims = Record<string, unknown> & { sub: string };

/**
 * The organisation's OpenID Connect provider through next-auth's own OAuth support (ADR 100):
 * discovery from the issuer, authorization code flow with PKCE, state and nonce checked by
 * openid-client, and the person read from the ID token's claims (not userinfo), which carry
 * auth_time, amr and acr for the MFA step-up. Extra CAs come from NODE_EXTRA_CA_CERTS.
 */
export function oidcProvider(cfg: OidcConfig): OAuthConfig<IdTokenClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: cfg.name,
    type: 'oauth',
    wellKnown: wellKnownUrl(cfg.issuer),
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    authorization: { params: { scope: cfg.scopes } },
    checks: ['pkce', 'state', 'nonce'],
    idToken: true,
    httpOptions: { timeout: 10_000 },
    // the Elevate user is found or made in the signIn callback (lib/auth/oidc/callback.ts), which replaces this id
    profile: (claims) => ({
      id: claims.sub,
      name: typeof claims.name === 'string' ? claims.name : null,
      email: typeof claims.email === 'string' ? claims.email : null,
    }),
  };
}
