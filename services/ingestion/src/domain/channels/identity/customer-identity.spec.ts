import { IdentityError, normalizeIdentity, type IdentityType } from './customer-identity';

/** The error a call throws, or undefined; lets tests assert on typed error fields. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

describe('normalizeIdentity', () => {
  it('lower-cases and trims e-mail addresses', () => {
    expect(normalizeIdentity('email', '  Zhang.San@Example.CN ')).toBe('zhang.san@example.cn');
    expect(normalizeIdentity('email', 'mailto:ops+vip@corp.example.com')).toBe('ops+vip@corp.example.com');
  });

  it('stores phones in E.164 with China as the default region', () => {
    expect(normalizeIdentity('phone', '138 0013 8000')).toBe('+8613800138000');
    expect(normalizeIdentity('phone', '020 7946 0958', { defaultRegion: 'GB' })).toBe('+442079460958');
  });

  it('keeps WeChat ids and external ids verbatim', () => {
    expect(normalizeIdentity('wechat', ' oUpF8uMuAJO_M2pxb1Q9zNjWeS6o ')).toBe(
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    );
    expect(normalizeIdentity('external', 'CRM-00042-Ab')).toBe('CRM-00042-Ab');
  });

  it.each<[IdentityType, string, string]>([
    ['email', 'not-an-email', 'invalid-email'],
    ['email', 'a@b', 'invalid-email'],
    ['email', 'two@@example.com', 'invalid-email'],
    ['email', 'dots..here@example.com', 'invalid-email'],
    ['email', '', 'invalid-email'],
    ['phone', 'call me', 'invalid-phone'],
    ['wechat', 'has spaces in it', 'invalid-wechat-id'],
    ['wechat', 'abc', 'invalid-wechat-id'],
    ['external', '   ', 'invalid-external-id'],
    ['external', 'a\u0000b', 'invalid-external-id'],
    ['external', 'x'.repeat(129), 'invalid-external-id'],
  ])('refuses %s %j', (type, value, code) => {
    const failure = caught(() => normalizeIdentity(type, value));
    expect(failure).toBeInstanceOf(IdentityError);
    expect(failure).toMatchObject({ code, type });
  });

  it('refuses an unknown type coming from untyped input', () => {
    expect(caught(() => normalizeIdentity('fax' as IdentityType, '123'))).toMatchObject({
      code: 'unknown-type',
    });
  });
});
