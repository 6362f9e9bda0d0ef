import { Args } from './args';

describe('Args', () => {
  const args = new Args(['--quick', '--rates', '100,250', '--phase-seconds=5', '--skip', 'raw,in-process', '--flag-off', 'false']);

  it('reads flags, numbers, lists and defaults', () => {
    expect(args.flag('quick')).toBe(true);
    expect(args.flag('flag-off')).toBe(false);
    expect(args.flag('absent')).toBe(false);
    expect(args.numbers('rates', [1])).toEqual([100, 250]);
    expect(args.number('phase-seconds', 20)).toBe(5);
    expect(args.number('max-seconds', 30)).toBe(30);
    expect(args.list('skip')).toEqual(['raw', 'in-process']);
    expect(args.list('only')).toEqual([]);
  });

  it('refuses a number that is not one', () => {
    expect(() => new Args(['--rates', '100,abc']).numbers('rates', [])).toThrow('--rates');
    expect(() => new Args(['--phase-seconds', 'soon']).number('phase-seconds', 1)).toThrow('--phase-seconds');
  });
});
