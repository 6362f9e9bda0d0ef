import { renderTable, width } from './table';

describe('renderTable', () => {
  it('aligns the first column left and figures right', () => {
    const text = renderTable(['phase', 'msg/s'], [['warm-up', '5'], ['max', '1,234']]);
    expect(text.split('\n')).toEqual(['phase    msg/s', '-------  -----', 'warm-up      5', 'max      1,234']);
  });

  it('counts Chinese characters as two columns', () => {
    expect(width('退款ab')).toBe(6);
    const lines = renderTable(['x', 'y'], [['退款', '1']]).split('\n');
    expect(lines[2]).toBe('退款  1');
  });
});
