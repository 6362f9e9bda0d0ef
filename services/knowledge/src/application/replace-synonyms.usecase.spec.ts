import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';
import { validSynonymGroups } from './replace-synonyms.usecase';

function fieldOf(groups: unknown): string | undefined {
  try {
    validSynonymGroups(groups);
  } catch (err) {
    if (err instanceof KnowledgeException && err.code === KnowledgeErrorCode.InvalidSynonyms) return err.field;
    throw err;
  }
  return undefined;
}

describe('validSynonymGroups', () => {
  it('trims terms and drops repeats that differ only in case or width', () => {
    expect(validSynonymGroups([[' 花呗 ', '蚂蚁花呗', '花呗'], ['Refund', 'money back', 'refund', 'ＲＥＦＵＮＤ']])).toEqual([
      ['花呗', '蚂蚁花呗'],
      ['Refund', 'money back'],
    ]);
  });

  it('names the field of the first problem', () => {
    expect(fieldOf('花呗=蚂蚁花呗')).toBe('groups');
    expect(fieldOf([['a', 'b'], 'c'])).toBe('groups.1');
    expect(fieldOf([['花呗', '花呗 ']])).toBe('groups.0');
    expect(fieldOf([['ok', 42]])).toBe('groups.0.1');
    expect(fieldOf([['ok', ' ']])).toBe('groups.0.1');
    expect(fieldOf([['ok', 'x'.repeat(101)]])).toBe('groups.0.1');
    expect(fieldOf(Array.from({ length: 1001 }, () => ['a', 'b']))).toBe('groups');
    expect(fieldOf([])).toBeUndefined();
  });
});
