/**
 * Only a path on this site is honoured as the return address after sign-in (no open
 * redirect). Browsers read `\` as `/` and drop tabs and newlines, so `/\evil.test` or
 * `/\t/evil.test` would leave the site although they start with a single slash:
 * resolve against a placeholder origin and keep the result only if it stayed there.
 */
export function safeReturn(url: string | undefined): string {
  if (!url || !url.startsWith('/')) return '/';
  try {
    const base = 'http://elevate.invalid';
    const resolved = new URL(url, base);
    if (resolved.origin !== base) return '/';
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return '/';
  }
}
