import { identitiesOf, normalizeIdentity } from './customer-identity';
import { IngestionException } from './ingestion.exception';

describe('customer identities', () => {
  it('normalises Chinese mobile numbers to E.164 with +86 by default', () => {
    expect(normalizeIdentity('phone', '138 0013 8000').value).toBe('+8613800138000');
    expect(normalizeIdentity('phone', '+1 (415) 555-2671').value).toBe('+14155552671');
  });
  it('lower-cases e-mail addresses', () => {
    expect(normalizeIdentity('email', ' Li.Lei@Example.COM ').value).toBe('li.lei@example.com');
  });
  it('rejects garbage naming the field', () => {
    expect(() => normalizeIdentity('email', 'not-an-email')).toThrow(IngestionException);
    try {
      normalizeIdentity('phone', 'abc');
      throw new Error('expected a failure');
    } catch (e) {
      expect((e as IngestionException).field).toBe('customer.phone');
    }
  });
  it('names the field the caller passes, for identities outside a message', () => {
    try {
      normalizeIdentity('wechat', 'a b', 'identities[1].value');
      throw new Error('expected a failure');
    } catch (e) {
      expect((e as IngestionException).field).toBe('identities[1].value');
    }
  });
  it('requires at least one identifier', () => {
    expect(() => identitiesOf({})).toThrow(/at least one/);
    expect(identitiesOf({ email: 'a@b.cn', externalId: 'CRM-1' }).map((i) => i.type)).toEqual([
      'external',
      'email',
    ]);
  });
});
