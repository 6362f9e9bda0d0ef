import { ConfigError, loadConfig } from '@helpdesk/platform';
import { IngestionConfig } from './config';

describe('IngestionConfig', () => {
  it('requires the channel secrets key in production and names it', () => {
    expect(() => loadConfig(IngestionConfig, { APP_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig(IngestionConfig, { APP_ENV: 'production' })).toThrow(/CHANNEL_SECRETS_KEY/);
  });

  it('accepts a 32-byte key as hex or base64 and refuses a short one', () => {
    const hex = 'ab'.repeat(32);
    expect(
      loadConfig(IngestionConfig, { APP_ENV: 'production', CHANNEL_SECRETS_KEY: hex }).CHANNEL_SECRETS_KEY,
    ).toBe(hex);
    expect(
      loadConfig(IngestionConfig, {
        APP_ENV: 'production',
        CHANNEL_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      }).CHANNEL_SECRETS_KEY,
    ).toHaveLength(44);
    expect(() => loadConfig(IngestionConfig, { CHANNEL_SECRETS_KEY: 'too-short' })).toThrow(
      /CHANNEL_SECRETS_KEY/,
    );
  });

  it('runs outside production without a key, and reads delivery tuning from the environment', () => {
    const config = loadConfig(IngestionConfig, { DELIVERY_MAX_ATTEMPTS: '3', SMTP_IGNORE_TLS: 'true' });
    expect(config.CHANNEL_SECRETS_KEY).toBeUndefined();
    expect(config.DELIVERY_MAX_ATTEMPTS).toBe(3);
    expect(config.SMTP_IGNORE_TLS).toBe(true);
  });

  it('leaves private webhook URLs to the environment unless told, and reads the webhook retry schedule', () => {
    expect(loadConfig(IngestionConfig, {}).WEBHOOK_ALLOW_PRIVATE_URLS).toBeUndefined();
    const config = loadConfig(IngestionConfig, {
      WEBHOOK_ALLOW_PRIVATE_URLS: 'false',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_RETRY_BASE_MS: '250',
    });
    expect(config.WEBHOOK_ALLOW_PRIVATE_URLS).toBe(false);
    expect(config.WEBHOOK_MAX_ATTEMPTS).toBe(4);
    expect(config.WEBHOOK_RETRY_BASE_MS).toBe(250);
    expect(() => loadConfig(IngestionConfig, { WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
  });
});
