import { OutboxFeedCursor } from './outbox-feed';

const rows = (...seqs: number[]): Array<{ seq: number }> => seqs.map((seq) => ({ seq }));

describe('OutboxFeedCursor', () => {
  it('delivers consecutive rows and advances past them', () => {
    const cursor = new OutboxFeedCursor(10);
    expect(cursor.advance(rows(11, 12, 13), 0).map((r) => r.seq)).toEqual([11, 12, 13]);
    expect(cursor.position).toBe(13);
    expect(cursor.advance(rows(12, 13), 0)).toEqual([]);
  });

  it('waits at a gap for a transaction that may still commit, and delivers it in order when it does', () => {
    const cursor = new OutboxFeedCursor(10);
    expect(cursor.advance(rows(11, 13), 0).map((r) => r.seq)).toEqual([11]);
    expect(cursor.advance(rows(13), 1000)).toEqual([]);
    expect(cursor.position).toBe(11);
    expect(cursor.advance(rows(12, 13), 1500).map((r) => r.seq)).toEqual([12, 13]);
  });

  it('passes a gap that stays open longer than the grace period (rolled back)', () => {
    const cursor = new OutboxFeedCursor(10, 2000);
    expect(cursor.advance(rows(14, 15), 0)).toEqual([]);
    expect(cursor.advance(rows(14, 15), 1999)).toEqual([]);
    expect(cursor.advance(rows(14, 15), 2000).map((r) => r.seq)).toEqual([14, 15]);
    expect(cursor.position).toBe(15);
  });

  it('times each gap from when it was first seen', () => {
    const cursor = new OutboxFeedCursor(0, 2000);
    expect(cursor.advance(rows(2), 0)).toEqual([]);
    expect(cursor.advance(rows(2), 2000).map((r) => r.seq)).toEqual([2]);
    // A new gap after 2: its own grace period starts now.
    expect(cursor.advance(rows(4), 2500)).toEqual([]);
    expect(cursor.advance(rows(4), 4400)).toEqual([]);
    expect(cursor.advance(rows(4), 4500).map((r) => r.seq)).toEqual([4]);
  });
});
