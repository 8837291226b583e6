// ESLint (flat config): Next's rules (core web vitals, TypeScript) plus the import boundaries
// the architecture depends on (docs/decisions/130-lint-format-boundaries.md). `npm test` runs it.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** Storage is reached through services in lib/, never from pages or components. */
const storage = [
  { group: ['@/db', '@/db/*'], message: 'Pages and components ask services in lib/; queries live there, not here.' },
  { regex: '^(\\.\\./)+db(/|$)', message: 'Pages and components ask services in lib/; queries live there, not here.' },
  { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'Queries live in lib/ services.' },
];

/** The policy engine is pure: its own modules only (time is a parameter, data is handed in). */
const impure = [
  { regex: '^@/(?!lib/policy(/|$))', message: 'lib/policy is pure: it may import only lib/policy.' },
  { regex: '^(node:|fs$|path$|crypto$|os$|child_process$)', message: 'lib/policy is pure: no I/O.' },
  {
    regex: '^(next|react|react-dom|drizzle-orm|better-sqlite3|server-only|zod)(/|$)',
    message: 'lib/policy is pure: no frameworks or storage.',
  },
];

/** A relative import that climbs out of lib/policy. */
const outside = (regex) => ({ regex, message: 'lib/policy is pure: it may import only lib/policy.' });

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['.next/**', '.next-*/**', 'node_modules/**', 'test-results/**', 'data/**', 'next-env.d.ts', 'db/migrations/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Prettier wraps code at 140; comments and strings it cannot wrap stay readable too
      'max-len': ['error', { code: 160, ignoreUrls: true }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: storage }] },
  },
  {
    files: ['lib/policy/*.ts'],
    ignores: ['lib/policy/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...impure, outside('^\\.\\./')] }] },
  },
  {
    files: ['lib/policy/*/**/*.ts'],
    ignores: ['lib/policy/**/*.test.ts', 'lib/policy/testing/cedar.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...impure, outside('^(\\.\\./){2,}')] }] },
  },
  {
    // server components render once per request on the server: reading the clock there is the
    // request's time, not an impure render (client components keep the rule)
    files: ['app/**/page.tsx', 'app/**/layout.tsx', 'app/**/*-tab.tsx'],
    rules: { 'react-hooks/purity': 'off' },
  },
  {
    // tests read arbitrary JSON answers and poke at internals on purpose
    files: ['**/*.test.ts', 'tests/**', 'e2e/**', 'lib/**/*.scenario.ts', 'lib/**/test-support.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Playwright fixtures call their `use` argument: not React's hook
    files: ['e2e/**', 'tests/**', 'scripts/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];

export default config;
