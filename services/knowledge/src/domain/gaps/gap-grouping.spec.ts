import { SearchErrorCode, SearchException } from '../search/search.exception';
import { groupGaps, type GapQuery } from './gap-grouping';

const day = (d: number): Date => new Date(Date.UTC(2026, 10, d, 8));
const q = (text: string, at = day(1), bestScore = 0.1): GapQuery => ({ text, at, bestScore });

describe('groupGaps', () => {
  it('groups differently worded questions about the same thing and counts them', () => {
    const groups = groupGaps(
      [
        q('花呗怎么开通分期付款', day(1)),
        q('花呗怎么开通分期付款？', day(2)),
        q('花呗如何开通分期付款', day(3)),
        q('How do I change my delivery address', day(2)),
        q('how do i change my delivery address?', day(4)),
        q('借呗额度为什么是零', day(5)),
      ],
      0.4,
    );
    expect(groups.map((g) => g.count)).toEqual([3, 2]);
    expect(groups[0].label).toBe('花呗怎么开通分期付款');
    expect(groups[0].examples).toEqual(
      expect.arrayContaining(['花呗如何开通分期付款', '花呗怎么开通分期付款？']),
    );
    expect(groups[0].firstAt).toEqual(day(1));
    expect(groups[0].lastAt).toEqual(day(3));
    expect(groups[1].examples).toHaveLength(2);
  });

  it('leaves out questions that found a good article', () => {
    const groups = groupGaps(
      [q('花呗怎么还款', day(1), 0.9), q('花呗怎么还款', day(2), 0.8), q('花呗如何还款', day(3), 0.2)],
      0.4,
    );
    expect(groups).toEqual([]);
  });

  it('keeps unrelated questions apart at a strict threshold', () => {
    const groups = groupGaps(
      [q('花呗怎么还款'), q('花呗怎么还款'), q('花呗怎么开通'), q('花呗怎么开通')],
      0.8,
      { minCount: 1 },
    );
    expect(groups.map((g) => g.label).sort()).toEqual(['花呗怎么开通', '花呗怎么还款']);
  });

  it('ignores empty questions and rejects a threshold outside (0, 1]', () => {
    expect(groupGaps([q('  ？？ '), q('')], 0.5, { minCount: 1 })).toEqual([]);
    expect(() => groupGaps([], 0)).toThrow(SearchException);
    let caught: unknown;
    try {
      groupGaps([], 1.5);
    } catch (e) {
      caught = e;
    }
    expect((caught as SearchException | undefined)?.code).toBe(SearchErrorCode.InvalidThreshold);
  });
});
