import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ conversationId: 'c1', body: '您好，已为您退款。' });

  it('signs "t.body" with HMAC-SHA256 in hex', () => {
    const expected = createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody('s3cret', body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature and refuses tampering, other secrets, old timestamps and garbage', () => {
    const header = signWebhookBody('s3cret', body, 1700000000);
    expect(verifyWebhookSignature('s3cret', body, header, 1700000100)).toEqual({
      valid: true,
      timestamp: 1700000000,
    });
    expect(verifyWebhookSignature('s3cret', body.replace('c1', 'c2'), header, 1700000100)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('other', body, header, 1700000100)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('s3cret', body, header, 1700001000)).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(verifyWebhookSignature('s3cret', body, 'v1=abc', 1700000000)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyWebhookSignature('s3cret', body, undefined, 1700000000)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });
});
