import { formatTable, parseOptions } from './options';

describe('npm run eval options', () => {
  it('runs both kinds of rows by default, on ports from 4960 with 8 calls in flight', () => {
    expect(parseOptions([])).toEqual({ quick: false, inProcess: true, search: true, api: true, basePort: 4960, concurrency: 8 });
  });

  it('skips the API rows with --in-process-only and the in-process rows with --api-only', () => {
    expect(parseOptions(['--in-process-only'])).toMatchObject({ inProcess: true, api: false });
    expect(parseOptions(['--api-only', '--concurrency', '4', '--base-port=4964'])).toMatchObject({ inProcess: false, api: true, concurrency: 4, basePort: 4964 });
    expect(() => parseOptions(['--in-process-only', '--api-only'])).toThrow(/exclude/);
  });

  it('runs only the in-process classification rows with --classification-only', () => {
    expect(parseOptions(['--classification-only'])).toMatchObject({ inProcess: true, search: false, api: false });
    expect(parseOptions(['--in-process-only'])).toMatchObject({ search: true });
    expect(() => parseOptions(['--classification-only', '--api-only'])).toThrow(/exclude/);
  });

  it('refuses unknown arguments and bad numbers', () => {
    expect(() => parseOptions(['--inprocess-only'])).toThrow(/unknown argument --inprocess-only/);
    expect(() => parseOptions(['quick'])).toThrow(/unknown argument quick/);
    expect(() => parseOptions(['--concurrency', '0'])).toThrow(/concurrency/);
  });

  it('prints each figure beside its baseline and goal, with per-class F1 below', () => {
    const table = formatTable([
      { task: 'priority (API)', dataset: 'tickets-en-endava', metric: 'macroF1', value: 0.6, majorityBaseline: 0.2, goal: 0.55, perClassF1: { P1: 0.1, P2: 0.9 } },
      { task: 'knowledge search (HTTP)', dataset: 'faq-zh-alipay', metric: 'Recall@1', value: 0.5, majorityBaseline: 0.4, goal: 0.75 },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^task\s+dataset\s+metric\s+ours\s+baseline\s+goal\s+published$/);
    expect(lines[2]).toMatch(/^priority \(API\)\s+tickets-en-endava\s+macroF1\s+0\.600\s+0\.200\s+≥ 0\.55 ✓$/);
    expect(lines[3]).toMatch(/≥ 0\.75 ✗$/);
    // Columns line up however long a task name is.
    expect(lines[2]?.indexOf('0.600')).toBe(lines[3]?.indexOf('0.500'));
    expect(table).toContain('per-class F1 (test):\n  priority (API): P1=0.10 P2=0.90');
  });
});
