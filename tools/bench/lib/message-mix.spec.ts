import { LOAD_CHANNELS, MessageMix } from './message-mix';

describe('MessageMix', () => {
  it('mixes the four channels and both languages, every message from a new customer until one is accepted', () => {
    const mix = new MessageMix('run1', 3);
    const messages = Array.from({ length: 400 }, () => mix.next());
    expect(new Set(messages.map((m) => m.body.channel))).toEqual(new Set(LOAD_CHANNELS));
    expect(new Set(messages.map((m) => m.language))).toEqual(new Set(['zh', 'en']));
    expect(messages.every((m) => m.followUpOf === undefined)).toBe(true);
    const customers = messages.map((m) => m.body.customer.email ?? m.body.customer.externalId);
    expect(new Set(customers).size).toBe(messages.length);
    expect(messages.filter((m) => m.language === 'zh').every((m) => /[\u4e00-\u9fff]/.test(m.body.body))).toBe(true);
  });

  it('sends some follow-ups in conversations already accepted, from the same customer', () => {
    const mix = new MessageMix('run2', 5, 0.3);
    const first = mix.next();
    mix.accepted({ customer: first.body.customer, conversationId: 'conv-1', channel: first.body.channel });
    const later = Array.from({ length: 200 }, () => mix.next());
    const followUps = later.filter((m) => m.followUpOf !== undefined);
    expect(followUps.length).toBeGreaterThan(30);
    expect(followUps.length).toBeLessThan(100);
    for (const f of followUps) {
      expect(f.body.conversationId).toBe('conv-1');
      expect(f.body.customer).toEqual(first.body.customer);
      expect(f.body.channel).toBe(first.body.channel);
    }
  });

  it('is the same traffic for the same seed', () => {
    const a = new MessageMix('r', 9);
    const b = new MessageMix('r', 9);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });
});
