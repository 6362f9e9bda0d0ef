import { DEFAULT_LEXICON, mergeLexicon } from './lexicon';
import { CompiledLexicon } from './lexicon-matcher';
import { NegativeEmotionDetector } from './negative-emotion-detector';
import { trainModel } from './text-model-training';

const lexicon = new CompiledLexicon(DEFAULT_LEXICON);
const detector = new NegativeEmotionDetector(lexicon);

describe('NegativeEmotionDetector', () => {
  it.each([
    ['气死我了，退钱！', true],
    ['I am absolutely furious', true],
    ['我对你们很失望', true],
    ['谢谢，服务很好', false],
    ['Thanks, all good now', false],
    ['不慢，挺好的', false],
    ['not bad at all', false],
  ])('"%s" negative: %s', (text, negative) => {
    expect(detector.detect(text).negative).toBe(negative);
  });

  it('rates intensifiers and exclamation marks as stronger', () => {
    const plain = detector.detect('I am disappointed').intensity;
    const intensified = detector.detect('I am very disappointed').intensity;
    const shouted = detector.detect('I am very disappointed!!!').intensity;
    expect(plain).toBeGreaterThan(0);
    expect(intensified).toBeGreaterThan(plain);
    expect(shouted).toBeGreaterThan(intensified);
    expect(shouted).toBeLessThanOrEqual(1);
  });

  it('points at the strongest word', () => {
    const reading = detector.detect('太慢了，而且态度恶心');
    expect(reading.evidence?.evidence).toBe('恶心');
  });

  it('is switched off by a hedge', () => {
    expect(detector.detect('just curious, is the slow sync a known issue?').negative).toBe(false);
  });

  it('widens to domain words with a trained polarity model, capped in intensity', () => {
    const texts = ['饭菜凉了', '送来都凉透了', '菜是凉的', '汤洒了一半', '包装漏了', '味道很好', '很好吃', '送得很快', '分量足', '下次还点'];
    const examples = texts.flatMap((body, i) => Array.from({ length: 4 }, () => ({ body, queue: i < 5 ? 'negative' : 'other' })));
    const model = trainModel(examples, 'queue');
    const withModel = new NegativeEmotionDetector(lexicon, model);
    expect(detector.detect('凉了').negative).toBe(false);
    const reading = withModel.detect('凉了');
    expect(reading.negative).toBe(true);
    expect(reading.intensity).toBeLessThanOrEqual(0.6);
    expect(withModel.detect('很好吃').negative).toBe(false);
  });

  it('follows a tenant lexicon', () => {
    const tenant = new CompiledLexicon(mergeLexicon(DEFAULT_LEXICON, { terms: [{ term: '坑', signal: 'negative-emotion', weight: 0.9 }] }));
    expect(new NegativeEmotionDetector(tenant).detect('真坑').negative).toBe(true);
  });
});
