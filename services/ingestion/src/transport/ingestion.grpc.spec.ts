import { toSubmitMessageBody } from './ingestion.grpc';

describe('toSubmitMessageBody', () => {
  it('treats proto3 empty strings as absent fields', () => {
    const body = toSubmitMessageBody({
      channel: 'api',
      customer: { externalId: 'CRM-1', email: '', phone: '', wechatOpenId: '', name: '', tier: '' },
      subject: '',
      body: 'hello',
      language: '',
      attachments: [],
      externalMessageId: '',
      conversationId: '',
      occurredAt: '',
      idempotencyKey: 'k-1',
      metadata: {},
    });
    expect(body).toEqual({ channel: 'api', customer: { externalId: 'CRM-1' }, body: 'hello' });
  });

  it('reads int64 attachment sizes from their decimal strings and keeps metadata', () => {
    const body = toSubmitMessageBody({
      channel: 'web',
      customer: null,
      body: 'see attached',
      attachments: [{ filename: 'a.png', contentType: 'image/png', size: '2048', url: 'https://x.example/a.png' }],
      metadata: { source: 'portal' },
    });
    expect(body).toEqual({
      channel: 'web',
      body: 'see attached',
      attachments: [{ filename: 'a.png', contentType: 'image/png', size: 2048, url: 'https://x.example/a.png' }],
      metadata: { source: 'portal' },
    });
  });
});
