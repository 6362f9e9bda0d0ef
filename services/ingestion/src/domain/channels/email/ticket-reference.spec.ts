import {
  buildReplySubject,
  extractTicketReference,
  formatTicketReference,
  InvalidTicketReferenceError,
  normalizeSubject,
} from './ticket-reference';

describe('ticket references in subjects', () => {
  it('formats and finds the same reference again', () => {
    const subject = `Re: Refund ${formatTicketReference('1A2B3C')}`;
    expect(subject).toBe('Re: Refund [#TK-1A2B3C]');
    expect(extractTicketReference(subject)).toBe('1A2B3C');
  });

  it('reads the [Ticket#…] form and ignores subjects without a reference', () => {
    expect(extractTicketReference('AW: [ticket# 9F8E7D] Lieferung')).toBe('9F8E7D');
    expect(extractTicketReference('Order #123 missing')).toBeNull();
    expect(extractTicketReference(undefined)).toBeNull();
  });

  it('refuses references that would break the subject format', () => {
    expect(() => formatTicketReference('a]b')).toThrow(InvalidTicketReferenceError);
    expect(() => formatTicketReference('')).toThrow(InvalidTicketReferenceError);
  });

  it('builds a reply subject with one "Re:" and one reference', () => {
    expect(buildReplySubject('回复：RE: 退款 [#TK-1A2B3C]', '1A2B3C')).toBe('Re: 退款 [#TK-1A2B3C]');
    expect(buildReplySubject('', 'ABC1')).toBe('Re: [#TK-ABC1]');
    expect(buildReplySubject('Invoice', null)).toBe('Re: Invoice');
  });

  it('normalises subjects for threading', () => {
    expect(normalizeSubject('Fwd: Re:  Login   broken [#TK-77AA]')).toBe('Login broken');
  });
});
