import { DEV_SURVEY_TOKEN_KEYS, parseSurveyTokenKeys } from './survey-token-keys';

const secret = 'x'.repeat(32);

describe('parseSurveyTokenKeys', () => {
  it('reads the signing key first and keeps older keys for verification', () => {
    expect(parseSurveyTokenKeys(`k2:${secret}b, k1:${secret}a`)).toEqual({
      ok: true,
      keys: [
        { id: 'k2', secret: `${secret}b` },
        { id: 'k1', secret: `${secret}a` },
      ],
    });
  });

  it('keeps a colon inside the secret', () => {
    expect(parseSurveyTokenKeys(`k1:${secret}:tail`)).toEqual({
      ok: true,
      keys: [{ id: 'k1', secret: `${secret}:tail` }],
    });
  });

  it('accepts the development default', () => {
    expect(parseSurveyTokenKeys(DEV_SURVEY_TOKEN_KEYS).ok).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['no id', `:${secret}`],
    ['no separator', secret],
    ['short secret', 'k1:short'],
    ['duplicate id', `k1:${secret},k1:${secret}`],
    ['bad id', `k.1:${secret}`],
  ])('rejects %s', (_label, spec) => {
    expect(parseSurveyTokenKeys(spec).ok).toBe(false);
  });
});
