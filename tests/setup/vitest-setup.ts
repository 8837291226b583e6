// `server-only` throws when imported outside a React Server Component bundle; in unit
// and service tests the modules run in plain Node, which is the server anyway.
import { vi } from 'vitest';
import crypto from 'node:crypto';
vi.mock('server-only', () => ({}));
// Services read the instance key through lib/crypto/secrets; tests use a fixed one and a temp data dir.
process.env.ELEVATE_ENCRYPTION_KEY ??= crypto.createHash('sha256').update('elevate-test-key').digest('base64');
process.env.ELEVATE_DATA_DIR ??= '/tmp/elevate-vitest-data';
