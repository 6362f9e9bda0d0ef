import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

export class ChannelSecretError extends Error {
  override readonly name = 'ChannelSecretError';

  constructor(
    readonly code: 'undecryptable' | 'missing-env' | 'missing-secret',
    message: string,
  ) {
    super(message);
  }
}

/** Reads CHANNEL_SECRETS_KEY (base64 or hex, 32 bytes); outside production a fixed development key stands in. */
export function channelSecretsKey(configured: string | undefined, appEnv: string): Buffer {
  if (configured)
    return /^[0-9a-fA-F]{64}$/.test(configured)
      ? Buffer.from(configured, 'hex')
      : Buffer.from(configured, 'base64');
  if (appEnv === 'production')
    throw new ChannelSecretError('missing-secret', 'CHANNEL_SECRETS_KEY is required in production');
  return createHash('sha256').update('helpdesk development channel secrets', 'utf8').digest();
}

/**
 * AES-256-GCM for secrets kept in channel-account rows: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 * The tenant/account/secret name is authenticated data, so a ciphertext copied into another
 * tenant's row does not decrypt.
 */
export class ChannelSecretsCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the channel secrets key must be 32 bytes');
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new ChannelSecretError('undecryptable', 'the secret is not in a known format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new ChannelSecretError('undecryptable', 'the secret cannot be decrypted with the configured key');
    }
  }
}
