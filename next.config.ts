import type { NextConfig } from 'next';

// Next inlines small bootstrap scripts, so scripts need 'unsafe-inline'; everything else is same-origin only.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'" + (process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * The configured public URL's host (as lib/config reads it: ELEVATE_URL, else NEXTAUTH_URL,
 * which scripts/serve.mjs sets before Next loads this file): behind a proxy that does not
 * pass the host on, Next's server-action origin check accepts it as serve.mjs's check does.
 */
function publicHost(): string[] {
  const url = process.env.ELEVATE_URL ?? process.env.NEXTAUTH_URL;
  if (!url) return [];
  try {
    return [new URL(url).host];
  } catch {
    return [];
  }
}

const config: NextConfig = {
  // Tests and parallel local runs may build into their own directory; the default is .next.
  distDir: process.env.ELEVATE_DIST_DIR || '.next',
  poweredByHeader: false,
  // `npm test` type-checks the whole project with tsc first; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // forbidden() answers refused admin pages with a real 403 status (app/(portal)/admin/forbidden.tsx)
    authInterrupts: true,
    // Body limits (ADR 091). scripts/serve.mjs answers a body over its path's limit with 413
    // before Next reads it (lib/http/request-guard.mjs): 20 MB for the resource import's page,
    // 1 MB everywhere else. Next's own limits are set to the largest of those so they never
    // cut a body serve.mjs let through. proxyClientMaxBodySize: proxy.ts runs on page paths,
    // where server actions post, and Next buffers at most this much of a body for it,
    // silently cutting the rest (a 12 MB import failed with "Unexpected end of form").
    serverActions: { bodySizeLimit: '20mb', allowedOrigins: publicHost() },
    proxyClientMaxBodySize: '20mb',
  },
  reactStrictMode: true,
  typedRoutes: false,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: csp },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
        ],
      },
    ];
  },
};

export default config;
