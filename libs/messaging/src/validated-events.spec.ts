import { RecentlyValidated } from './validated-events';

describe('RecentlyValidated', () => {
  it('knows the texts added, whole texts only', () => {
    const seen = new RecentlyValidated(10);
    seen.add('{"id":"a","type":"ticket.created"}');
    expect(seen.has('{"id":"a","type":"ticket.created"}')).toBe(true);
    expect(seen.has('{"id":"a","type":"ticket.created" }')).toBe(false);
    expect(seen.has('{"id":"a"')).toBe(false);
  });

  it('forgets the oldest text beyond its capacity', () => {
    const seen = new RecentlyValidated(3);
    for (const text of ['1', '2', '3', '2', '4']) seen.add(text);
    expect(seen.size).toBe(3);
    expect(['1', '2', '3', '4'].map((t) => seen.has(t))).toEqual([false, true, true, true]);
  });
});
