import {
  pickWebhookAccount,
  secretReferenceProblem,
  validateChannelAccount,
  type ChannelAccount,
} from './channel-account';
import { IngestionException } from './ingestion.exception';

const account = (name: string, settings: Record<string, unknown>, enabled = true): ChannelAccount => ({
  id: name,
  tenantId: 't',
  channel: 'webhook',
  name,
  settings,
  secrets: { secret: { encrypted: 'v1.x' } },
  enabled,
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
});

function problemsOf(fn: () => void): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IngestionException);
    return ((e as IngestionException).problems ?? []).map((p) => p.field);
  }
  return [];
}

describe('channel accounts', () => {
  it('require what each kind needs to work', () => {
    expect(problemsOf(() => validateChannelAccount('wechat', { settings: {}, secretNames: [] }))).toEqual([
      'secrets.token',
    ]);
    expect(
      problemsOf(() =>
        validateChannelAccount('webhook', { settings: { url: 'ftp://x' }, secretNames: ['secret'] }),
      ),
    ).toEqual(['settings.url']);
    expect(
      problemsOf(() =>
        validateChannelAccount('wechat', {
          settings: { appId: 'wx1234' },
          secretNames: ['token', 'encodingAesKey', 'appSecret'],
        }),
      ),
    ).toEqual([]);
  });

  it('refuse secrets a kind does not know and settings of the wrong shape', () => {
    expect(
      problemsOf(() =>
        validateChannelAccount('email', { settings: { fromAddress: 'nope' }, secretNames: ['token'] }),
      ),
    ).toEqual(['settings.fromAddress', 'secrets.token']);
    expect(
      problemsOf(() =>
        validateChannelAccount('webhook', {
          settings: { url: 'https://p.example/h', channels: ['fax'] },
          secretNames: ['secret'],
        }),
      ),
    ).toEqual(['settings.channels']);
  });

  it('read secrets only from CHANNEL_SECRET_ variables or as a value, never both', () => {
    expect(secretReferenceProblem('token', { env: 'CHANNEL_SECRET_ACME_TOKEN' })).toBeNull();
    expect(secretReferenceProblem('token', { value: 's3cret' })).toBeNull();
    expect(secretReferenceProblem('token', { env: 'DB_PASSWORD' })).toMatch(/CHANNEL_SECRET_/);
    expect(secretReferenceProblem('token', { env: 'CHANNEL_SECRET_X', value: 'y' })).toMatch(/exactly one/);
    expect(secretReferenceProblem('bad name', { value: 'y' })).toMatch(/letters and digits/);
  });

  it('pick the webhook account listing the channel, else one listing none, never a disabled one', () => {
    const accounts = [
      account('web-only', { url: 'u', channels: ['web'] }),
      account('default', { url: 'u' }),
      account('off', { url: 'u', channels: ['app'] }, false),
    ];
    expect(pickWebhookAccount(accounts, 'web')?.name).toBe('web-only');
    expect(pickWebhookAccount(accounts, 'app')?.name).toBe('default');
    expect(pickWebhookAccount([accounts[0]], 'social')).toBeNull();
  });
});
