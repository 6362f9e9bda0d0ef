import { normalizePhone, PhoneNumberError } from './phone-number';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['0086 13800138000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['(010) 1234 5678', '+861012345678'],
    ['400-800-1234', '+864008001234'],
    ['１３８００１３８０００', '+8613800138000'],
    ['+1 650-253-0000', '+16502530000'],
  ])('reads %s as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it('reads national numbers in the region it is given', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['anonymous', 'not-a-number'],
    ['12', 'invalid'],
    ['95588', 'invalid'],
    ['1380013800012345678', 'too-long'],
    ['x'.repeat(100), 'too-long'],
  ])('refuses %j', (raw, code) => {
    let failure: unknown;
    try {
      normalizePhone(raw);
    } catch (error: unknown) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PhoneNumberError);
    expect(failure).toMatchObject({ code });
  });
});
