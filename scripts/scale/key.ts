import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Config } from '@/lib/config/read';

/**
 * The TOTP encryption key exactly as the server resolves it (lib/crypto/secrets.ts, which
 * is server-only): ELEVATE_ENCRYPTION_KEY, else the key file in the data directory,
 * generated (mode 0600) if missing. A server started with the same environment can then
 * decrypt the demo users' TOTP secrets.
 */
export function encryptionKey(cfg: Config): { key: Buffer; source: string } {
  if (cfg.encryptionKey) return { key: Buffer.from(cfg.encryptionKey, 'base64'), source: 'ELEVATE_ENCRYPTION_KEY' };
  const file = path.join(cfg.dataDir, 'encryption-key');
  const read = () => ({ key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'), source: file });
  try {
    return read();
  } catch {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch {
      // a server starting at the same moment wrote it first: use that one
    }
    return read();
  }
}
