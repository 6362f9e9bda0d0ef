import { FeatureHasher, FeatureHashingError, SparseVector } from './feature-hash';
import { stemEnglish } from './stem';

describe('FeatureHasher', () => {
  const hasher = new FeatureHasher({ dimension: 1 << 12, wordBigrams: true, hanCharNgrams: [1, 2], wordCharNgrams: [], stem: true, dropStopWords: true });

  it('names word, word-pair and Chinese character n-gram features', () => {
    const names = hasher.namedFeatures('The server CRASHED again 服务器宕机').map((f) => f.name);
    expect(names).toEqual(['server', 'crash', 'server crash', '服', '务', '器', '宕', '机', '服务', '务器', '器宕', '宕机']);
  });

  it('gives the same text the same unit-length vector and reuses the buffer', () => {
    const out = new SparseVector(2);
    const a = hasher.vectorize('login failed 登录失败', out);
    const indices = Array.from(a.indices.slice(0, a.size));
    const b = hasher.vectorize('login failed 登录失败', out);
    expect(b).toBe(out);
    expect(Array.from(b.indices.slice(0, b.size))).toEqual(indices);
    let norm = 0;
    for (let i = 0; i < b.size; i++) norm += (b.values[i] ?? 0) ** 2;
    expect(norm).toBeCloseTo(1);
    expect(indices.every((i) => i >= 0 && i < 1 << 12)).toBe(true);
  });

  it('names just the features asked for, whether they come early, late or not at all', () => {
    const text = 'The server CRASHED again 服务器宕机';
    const all = hasher.namedFeatures(text);
    const index = (name: string): number => all.find((f) => f.name === name)?.index ?? -1;
    const names = hasher.namesOf(text, [index('server'), index('宕机')]);
    expect([...names.values()].sort()).toEqual(['server', '宕机'].sort());
    expect(hasher.namesOf(text, [index('server')])).toEqual(new Map([[index('server'), 'server']]));
    const absent = hasher.namesOf('nothing here', [index('宕机')]);
    expect(absent.size).toBe(0);
  });

  it('produces nothing for punctuation-only input and rejects a bad dimension', () => {
    expect(hasher.vectorize('!!! ？？').size).toBe(0);
    expect(() => new FeatureHasher({ ...hasher.options, dimension: 1000 })).toThrow(FeatureHashingError);
  });
});

describe('stemEnglish', () => {
  it.each([
    ['crashes', 'crash'],
    ['crashed', 'crash'],
    ['crashing', 'crash'],
    ['stopped', 'stop'],
    ['refunds', 'refund'],
    ['queries', 'query'],
    ['status', 'status'],
  ])('%s → %s', (word, stem) => expect(stemEnglish(word)).toBe(stem));
});
