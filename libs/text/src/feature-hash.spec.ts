import { FeatureHasher, FeatureHashingError, SparseVector } from './feature-hash';
import { normalizeText } from './normalize';
import { stemEnglish, stemSpan } from './stem';

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

  it('hashes every feature to the index models were trained with', () => {
    // Pinned from the string-building implementation: stored models depend on these indices.
    const subwords = new FeatureHasher({ dimension: 1 << 18, wordBigrams: true, hanCharNgrams: [1, 2, 3], wordCharNgrams: [3, 4], stem: true, dropStopWords: true });
    const text = "Queries about the STOPPED installation: we don't get Rechnungsadresse updates, ＶＰＮ crashes 服务器宕机了!";
    const expected: [string, number][] = [
      ['query', 161251], ['<qu', 232515], ['que', 166852], ['uer', 171877], ['ery', 246219], ['ry>', 244160],
      ['stop', 207589], ['query stop', 75536], ['install', 254368], ['stop install', 63460], ['<in', 211798],
      ['ins', 140329], ['nst', 217208], ['sta', 96743], ['tal', 42656], ['all', 23590], ['ll>', 41815],
      ['<ins', 138047], ['inst', 212583], ['nsta', 202587], ['stal', 153041], ['tall', 168740], ['all>', 63944],
      ["don't", 22893], ["install don't", 99190], ['<do', 2268], ['don', 217824], ["on'", 128555], ["n't", 65084],
      ["'t>", 27570], ['get', 42839], ["don't get", 205977], ['rechnungsadresse', 102723],
      ['get rechnungsadresse', 27865], ['<re', 3432], ['rec', 81811], ['ech', 98049], ['chn', 21170], ['hnu', 195832],
      ['nun', 189192], ['ung', 228521], ['ngs', 104681], ['gsa', 19284], ['sad', 132117], ['adr', 58412],
      ['dre', 255616], ['res', 88259], ['ess', 128752], ['sse', 197284], ['se>', 7411], ['<rec', 34897],
      ['rech', 243745], ['echn', 236477], ['chnu', 151365], ['hnun', 237602], ['nung', 1981], ['ungs', 101166],
      ['ngsa', 204312], ['gsad', 154768], ['sadr', 60965], ['adre', 220907], ['dres', 37001], ['ress', 171280],
      ['esse', 208015], ['sse>', 71790], ['update', 234612], ['rechnungsadresse update', 8253], ['<up', 172856],
      ['upd', 173190], ['pda', 242834], ['dat', 27384], ['ate', 113145], ['te>', 170586], ['<upd', 207316],
      ['upda', 104357], ['pdat', 116242], ['date', 251175], ['ate>', 226373], ['vpn', 57039], ['update vpn', 187433],
      ['crash', 87512], ['vpn crash', 247436], ['<cr', 49240], ['cra', 145189], ['ras', 27391], ['ash', 48277],
      ['sh>', 237330], ['服', 223830], ['务', 51226], ['器', 134229], ['宕', 150334], ['机', 231487], ['了', 186843],
      ['服务', 175317], ['务器', 93558], ['器宕', 9024], ['宕机', 215628], ['机了', 120123], ['服务器', 46983], ['务器宕', 91993],
      ['器宕机', 248846], ['宕机了', 35326],
    ];
    expect(subwords.namedFeatures(text).map((f) => [f.name, f.index])).toEqual(expected);
    const vector = subwords.vectorize(text);
    expect(Array.from(vector.indices.slice(0, vector.size))).toEqual(expected.map(([, index]) => index));
  });

  it('names features from the scan just made, and scans again for another text', () => {
    const text = 'The server CRASHED again 服务器宕机';
    const fresh = new FeatureHasher(hasher.options);
    const all = fresh.namedFeatures(text);
    const index = (name: string): number => all.find((f) => f.name === name)?.index ?? -1;
    hasher.vectorize(text);
    expect(hasher.namesOf(text, [index('server crash'), index('器宕')])).toEqual(fresh.namesOf(text, [index('server crash'), index('器宕')]));
    hasher.vectorize('something else entirely');
    expect(hasher.namesOf(text, [index('crash')])).toEqual(new Map([[index('crash'), 'crash']]));
  });

  it('separates words at every kind of whitespace, as the normalised text does', () => {
    const text = '  The\tserver\u00a0CRASHED\u1680again\u3000服务器\u2028宕机 \n ';
    expect(hasher.namedFeatures(text)).toEqual(hasher.namedFeatures(normalizeText(text)));
    expect(hasher.namedFeatures(text).map((f) => f.name)).toEqual(['server', 'crash', 'server crash', '服', '务', '器', '服务', '务器', '宕', '机', '宕机']);
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

describe('stemSpan', () => {
  it.each(['crashes', 'crashed', 'crashing', 'stopped', 'refunds', 'queries', 'status', 'supplies', 'replies', 'ties', 'passes', 'wishes', 'watches', 'boxes', 'buzzes', 'installing', 'accessed', 'agreed', 'quickly', 'payment', 'creation', 'lying', 'bed', 'ies', 'is'])(
    '%s is stemmed as stemEnglish does, without building strings',
    (word) => {
      const text = `(${word})`;
      const span = stemSpan(text, 1, 1 + word.length);
      expect(text.slice(1, 1 + (span >> 1)) + (span & 1 ? 'y' : '')).toBe(stemEnglish(word));
    },
  );
});
