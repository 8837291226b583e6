import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { config } from '@/lib/config';

/**
 * The auth secret and the encryption key come from the environment, or are generated
 * on first start and kept under the data directory (mode 0600), so the demo needs no
 * configuration and restarts keep sessions and encrypted TOTP secrets readable.
 */
function fileSecret(name: string, make: () => string): string {
  const dir = config().dataDir;
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dir, { recursive: true });
    const value = make();
    try {
      fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
      return value;
    } catch {
      // another process won the race: use what it wrote
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}

let authSecret: string | undefined;
let encryptionKey: Buffer | undefined;

export function getAuthSecret(): string {
  authSecret ??= config().authSecret ?? fileSecret('auth-secret', () => crypto.randomBytes(32).toString('base64url'));
  return authSecret;
}

export function getEncryptionKey(): Buffer {
  encryptionKey ??= Buffer.from(
    config().encryptionKey ?? fileSecret('encryption-key', () => crypto.randomBytes(32).toString('base64')),
    'base64',
  );
  return encryptionKey;
}
