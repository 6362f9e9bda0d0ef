import { emailRecipientOf, ticketReferenceOf, weChatOpenIdOf } from './reply-recipient';

describe('reply recipients', () => {
  it('answers to Reply-To before From', () => {
    const metadata = {
      email: {
        from: { address: 'li@example.cn', name: '李雷' },
        replyTo: [{ address: 'support-li@example.cn', name: null }],
      },
    };
    expect(emailRecipientOf(metadata)).toEqual({ address: 'support-li@example.cn', name: null });
    expect(
      emailRecipientOf({ email: { from: { address: 'li@example.cn', name: '李雷' }, replyTo: [] } }),
    ).toEqual({ address: 'li@example.cn', name: '李雷' });
  });

  it('finds nothing in metadata of another channel or of the wrong shape', () => {
    expect(emailRecipientOf({})).toBeNull();
    expect(emailRecipientOf({ email: { from: 'li@example.cn' } })).toBeNull();
    expect(weChatOpenIdOf({ wechat: { openId: 'oUser_1' } })).toBe('oUser_1');
    expect(weChatOpenIdOf({ wechat: { openId: 42 } })).toBeNull();
  });

  it('shortens a ticket id to the subject reference', () => {
    expect(ticketReferenceOf('7D1F3C2A-5b6e-4c8d-9a0b-1c2d3e4f5a6b')).toBe('7d1f3c2a');
    expect(ticketReferenceOf(null)).toBeNull();
  });
});
