import { randomBytes } from 'node:crypto';
import { ChannelSecretError, ChannelSecretsCipher, channelSecretsKey } from './channel-secrets.cipher';

describe('ChannelSecretsCipher', () => {
  const cipher = new ChannelSecretsCipher(randomBytes(32));

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = cipher.encrypt('dev-wechat-token', 'demo/wechat/default/token');
    expect(sealed).not.toContain('dev-wechat-token');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt(sealed, 'demo/wechat/default/token')).toBe('dev-wechat-token');
  });

  it('refuses a ciphertext moved to another tenant, a tampered one and another key', () => {
    const sealed = cipher.encrypt('s3cret', 'tenant-a/webhook/crm/secret');
    expect(() => cipher.decrypt(sealed, 'tenant-b/webhook/crm/secret')).toThrow(ChannelSecretError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'tenant-a/webhook/crm/secret')).toThrow(ChannelSecretError);
    expect(() =>
      new ChannelSecretsCipher(randomBytes(32)).decrypt(sealed, 'tenant-a/webhook/crm/secret'),
    ).toThrow(/cannot be decrypted/);
    expect(() => cipher.decrypt('garbage', 'x')).toThrow(/known format/);
  });

  it('reads hex and base64 keys, and has a development key only outside production', () => {
    const key = randomBytes(32);
    expect(channelSecretsKey(key.toString('hex'), 'production').equals(key)).toBe(true);
    expect(channelSecretsKey(key.toString('base64'), 'production').equals(key)).toBe(true);
    expect(channelSecretsKey(undefined, 'development')).toHaveLength(32);
    expect(() => channelSecretsKey(undefined, 'production')).toThrow(/required in production/);
  });
});
