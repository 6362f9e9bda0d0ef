import { IsOptional, IsString } from 'class-validator';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';

class SampleConfig extends BaseServiceConfig {
  override HTTP_PORT = 3999;
  override DB_USER = 'helpdesk_sample';
  @IsOptional() @IsString() EXTRA_SECRET?: string;
}

describe('loadConfig', () => {
  it('keeps optional variables that have no default, and only declared ones', () => {
    const config = loadConfig(SampleConfig, { DB_PASSWORD: 's3cret', DEMO_API_KEY: 'demo-key-123', EXTRA_SECRET: 'x', PATH: '/usr/bin', HTTP_PORT: '4000' });
    expect(config.DB_PASSWORD).toBe('s3cret');
    expect(config.DEMO_API_KEY).toBe('demo-key-123');
    expect(config.EXTRA_SECRET).toBe('x');
    expect(config.HTTP_PORT).toBe(4000);
    expect(config).not.toHaveProperty('PATH');
  });

  it('stops with a message naming each bad variable, hiding secrets', () => {
    try {
      loadConfig(SampleConfig, { HTTP_PORT: 'eighty', APP_ENV: 'staging', DEMO_API_KEY: 'short' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).message;
      expect(text).toMatch(/HTTP_PORT/);
      expect(text).toMatch(/APP_ENV/);
      expect(text).toMatch(/DEMO_API_KEY \(\*\*\*\)/);
    }
  });

  it('rejects malformed rate-limit overrides', () => {
    expect(() => loadConfig(SampleConfig, { RATE_LIMIT_OVERRIDES: '{"acme":-1}' })).toThrow(/RATE_LIMIT_OVERRIDES/);
  });
});
