import 'server-only';
import { wellKnownUrl } from './provider';

interface Discovery {
  end_session_endpoint?: string;
}

let cached: { issuer: string; at: number; doc: Discovery } | null = null;
const TTL_MS = 60 * 60_000;

/** The provider's discovery document (for end_session_endpoint), kept an hour; null when the provider cannot be reached. */
export async function discovery(issuer: string, now = Date.now()): Promise<Discovery | null> {
  if (cached && cached.issuer === issuer && now - cached.at < TTL_MS) return cached.doc;
  try {
    const res = await fetch(wellKnownUrl(issuer), { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const doc = (await res.json()) as Discovery;
    cached = { issuer, at: now, doc };
    return doc;
  } catch {
    return null;
  }
}
