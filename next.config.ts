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

const config: NextConfig = {
  // Tests and parallel local runs may build into their own directory; the default is .next.
  distDir: process.env.ELEVATE_DIST_DIR || '.next',
  poweredByHeader: false,
  // `npm test` type-checks the whole project with tsc first; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // forbidden() answers refused admin pages with a real 403 status (app/(portal)/admin/forbidden.tsx)
    authInterrupts: true,
    // resource imports (Azure Resource Graph exports) can be several MB of JSON
    serverActions: { bodySizeLimit: '20mb' },
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
