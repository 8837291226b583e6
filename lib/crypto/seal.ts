import crypto from 'node:crypto';

/** AES-256-GCM: "v1.<iv>.<tag>.<ciphertext>" in base64url. Pure (the key is a parameter) so it is testable. */
export function seal(plain: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function unseal(sealed: string, key: Buffer): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('sealed value has an unknown format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Tokens are high-entropy, so a plain SHA-256 is the right hash (no salt or stretching needed). */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
