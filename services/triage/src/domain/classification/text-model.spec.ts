import { majorityBaseline, scoreLabels, stratifiedSplit } from './classification-metrics';
import { FeatureHasher } from '@helpdesk/text';
import { TextModel, TextModelError, softmax, type ExplainedPrediction } from './text-model';
import { DEFAULT_TRAINING_CONFIG, fitTextModel, selectTextModelCrossValidated, trainModel, type LabeledText, type TrainingExample } from './text-model-training';

const topics: Record<string, string[]> = {
  billing: ['invoice', 'refund', 'charged', 'payment', 'receipt', '退款', '发票', '扣费'],
  access: ['password', 'login', 'locked', 'reset', 'account', '登录', '密码', '账号'],
  delivery: ['parcel', 'shipping', 'courier', 'tracking', 'late', '快递', '物流', '配送'],
};

/** Deterministic synthetic tickets: each mixes words of its topic with shared filler. */
function examples(perLabel: number): TrainingExample[] {
  const filler = ['hello', 'please', 'help', 'today', 'thanks', '你好', '谢谢'];
  const out: TrainingExample[] = [];
  for (const [queue, words] of Object.entries(topics)) {
    for (let i = 0; i < perLabel; i++) {
      const pick = (k: number) => words[(i * 7 + k * 3) % words.length] ?? '';
      out.push({ body: `${filler[i % filler.length]} ${pick(0)} ${pick(1)} ${filler[(i + 3) % filler.length]} ${pick(2)}`, queue });
    }
  }
  return out;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof TextModelError ? error.code : 'not a TextModelError';
  }
  return undefined;
}

describe('trainModel', () => {
  const model = trainModel(examples(30), 'queue');

  it('learns the queue of unseen tickets in English and Chinese', () => {
    expect(model.predict('I need a refund for this invoice').label).toBe('billing');
    expect(model.predict('忘记密码，无法登录账号').label).toBe('access');
    expect(model.predict('where is my parcel, tracking shows late').label).toBe('delivery');
    expect(model.predict('快递物流太慢').probability).toBeGreaterThan(1 / 3);
  });

  it('stores held-out figures beside the majority baseline', () => {
    const evaluation = model.evaluation;
    expect(evaluation?.heldOutExamples).toBe(18);
    expect(evaluation?.metrics.macroF1).toBeGreaterThan(evaluation?.majorityBaseline.macroF1 ?? 1);
    expect(Object.keys(evaluation?.metrics.perClass ?? {}).sort()).toEqual(['access', 'billing', 'delivery']);
  });

  it('is deterministic and versioned by its data', () => {
    const again = trainModel(examples(30), 'queue');
    expect(again.version).toBe(model.version);
    expect(Array.from(again.weights.slice(0, 5000))).toEqual(Array.from(model.weights.slice(0, 5000)));
    expect(trainModel(examples(29), 'queue').version).not.toBe(model.version);
  });

  it('treats a later example for the same text as a correction', () => {
    const base = examples(10);
    const first = base[0];
    const corrected = trainModel([...base, { body: first?.body ?? '', queue: 'delivery' }], 'queue');
    const uniqueTexts = new Set(base.map((e) => e.body)).size;
    expect(corrected.trainedOn).toBe(uniqueTexts);
    expect(trainModel([...base, { body: 'a brand new text', queue: 'delivery' }], 'queue').trainedOn).toBe(uniqueTexts + 1);
  });

  it('round-trips through JSON with identical predictions', () => {
    const restored = TextModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (const text of ['refund please', '登录不了', 'courier lost it']) {
      expect(restored.predict(text)).toEqual(model.predict(text));
    }
    expect(restored.evaluation?.metrics.macroF1).toBe(model.evaluation?.metrics.macroF1);
  });

  it('loads a stored model of the earlier format (no confidence gate recorded)', () => {
    const { minConfidence: _dropped, ...older } = model.withMinConfidence(0.3).toJSON();
    const restored = TextModel.fromJSON(JSON.parse(JSON.stringify(older)));
    expect(restored.minConfidence).toBeUndefined();
    expect(restored.predict('refund please')).toEqual(model.predict('refund please'));
  });

  it('explains a prediction with the words that drove it', () => {
    const explained = model.explain('refund my invoice');
    expect(explained.label).toBe('billing');
    expect(explained.evidence.map((e) => e.feature)).toEqual(expect.arrayContaining(['refund']));
  });

  it('rejects unusable training sets and malformed models with typed errors', () => {
    expect(() => trainModel([{ body: 'a', queue: 'x' }], 'queue')).toThrow(TextModelError);
    expect(codeOf(() => trainModel(examples(5).map((e) => ({ ...e, queue: 'same' })), 'queue'))).toBe('SINGLE_LABEL');
    expect(codeOf(() => TextModel.fromJSON({ format: 'nope' }))).toBe('INVALID_MODEL');
    const json = model.toJSON();
    expect(() => TextModel.fromJSON({ ...json, weights: { rows: json.weights.rows, values: 'AAAA' } })).toThrow(TextModelError);
    expect(() => TextModel.fromJSON({ ...json, bias: [1] })).toThrow(TextModelError);
  });
});

/** A prediction worked out the straightforward way: dense weight rows, names from a full scan of the text. */
function referenceExplain(model: TextModel, text: string, top = 3): ExplainedPrediction {
  const hasher = new FeatureHasher(model.features);
  const vector = hasher.vectorize(text);
  const scores = model.scoreVector(vector);
  const k = model.labels.length;
  const best = scores.indexOf(Math.max(...scores));
  const probability = 1 / Array.from(scores).reduce((sum, s) => sum + Math.exp(s - (scores[best] ?? 0)), 0);
  const names = new Map<number, string>();
  for (const f of hasher.namedFeatures(text)) if (!names.has(f.index)) names.set(f.index, f.name);
  const value = vector.values[0] ?? 0;
  const evidence = [...names.keys()]
    .map((index) => {
      const row = Array.from(model.weights.subarray(index * k, index * k + k));
      const sum = row.reduce((a, b) => a + b, 0);
      return { feature: names.get(index) ?? '', weight: ((row[best] ?? 0) - sum / k) * value };
    })
    .filter((e) => e.weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, top)
    .map((e) => ({ feature: e.feature, weight: Math.round(e.weight * 1000) / 1000 }));
  return { label: model.labels[best] ?? '', probability, evidence };
}

describe('prediction over packed weights', () => {
  const subwords = { ...DEFAULT_TRAINING_CONFIG, features: { ...DEFAULT_TRAINING_CONFIG.features, wordCharNgrams: [3, 4] } };
  const docs: LabeledText[] = [
    ...examples(20).map((e) => ({ text: e.body, label: e.queue ?? '' })),
    { text: 'Rechnungsadresse ändern, die Rechnung ist falsch', label: 'billing' },
    { text: 'Passwort vergessen, Anmeldung gesperrt', label: 'access' },
    { text: 'Lieferung verspätet, Paket nicht angekommen', label: 'delivery' },
  ];
  const model = fitTextModel(docs, subwords, 'queue');
  const texts = [
    'I need a refund for this invoice: charged twice, refund refund!!',
    '忘记密码，无法登录账号，密码重置也不行',
    'Die Rechnungsadresse ist falsch und das Paket ist verspätet',
    'password reset queries stopped working after the courier called',
    'nothing anyone trained on',
    '',
  ];

  it('scores, explains and names evidence exactly as the dense matrix does', () => {
    for (const text of texts) {
      expect(model.explain(text)).toEqual(referenceExplain(model, text));
      expect(model.probabilities(text)).toEqual(softmax(model.scoreVector(model.vectorize(text))));
    }
    expect(model.explain(texts[0] ?? '').evidence.length).toBeGreaterThan(0);
  });

  it('gives the same answers after a round trip through JSON and for derived models', () => {
    const restored = TextModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const shifted = model.withBias(model.bias.map((b, c) => b + c / 10));
    for (const text of texts) {
      expect(restored.explain(text, 5)).toEqual(referenceExplain(model, text, 5));
      expect(shifted.explain(text)).toEqual(referenceExplain(shifted, text));
    }
  });
});

describe('linear SVM over TF-IDF features', () => {
  const docs: LabeledText[] = examples(20).map((e) => ({ text: e.body, label: e.queue ?? '' }));
  const config = { ...DEFAULT_TRAINING_CONFIG, algorithm: 'linear-svm' as const, idf: true, epochs: 30 };
  const model = fitTextModel(docs, config, 'queue');

  it('separates the topics in English and Chinese', () => {
    expect(model.predict('refund the payment').label).toBe('billing');
    expect(model.predict('密码重置').label).toBe('access');
    expect(model.predict('courier tracking').label).toBe('delivery');
  });

  it('folds the IDF factors into the stored weights: a restored model scores the same', () => {
    const restored = TextModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.algorithm).toBe('linear-svm');
    for (const text of ['refund please', '登录不了', 'courier lost it']) expect(restored.probabilities(text)).toEqual(model.probabilities(text));
  });

  it('weighs a word shared by every topic less than without IDF', () => {
    // "hello" appears in many texts of every label: IDF shrinks it against the topic words.
    const plain = fitTextModel(docs, { ...config, idf: false }, 'queue');
    const spread = (m: TextModel, word: string) => {
      const p = m.probabilities(word);
      return Math.max(...p) - Math.min(...p);
    };
    expect(spread(model, 'hello') / spread(model, 'refund')).toBeLessThan(spread(plain, 'hello') / spread(plain, 'refund'));
  });
});

describe('model selection', () => {
  it('chooses among configurations by cross-validation and records the choice', () => {
    const docs: LabeledText[] = examples(16).map((e) => ({ text: e.body, label: e.queue ?? '' }));
    // Logistic regression that never steps keeps all-zero weights: it must not be chosen.
    const hopeless = { ...DEFAULT_TRAINING_CONFIG, learningRate: 0 };
    const selected = selectTextModelCrossValidated(docs, [hopeless, DEFAULT_TRAINING_CONFIG], 'queue');
    expect(selected.config).toBe(DEFAULT_TRAINING_CONFIG);
    expect(selected.crossValidatedMacroF1).toBeGreaterThan(0.9);
  });

  it('keeps label indices aligned when a label is missing from the cross-validated share', () => {
    const withRare = [...examples(20), { body: 'gift card voucher', queue: 'vouchers' }];
    const model = trainModel(withRare, 'queue');
    expect(model.labels).toEqual(['access', 'billing', 'delivery', 'vouchers']);
    expect(model.predict('invoice refund').label).toBe('billing');
  });
});

describe('complement naive Bayes', () => {
  it('separates the same topics', () => {
    const docs: LabeledText[] = examples(20).map((e) => ({ text: e.body, label: e.queue ?? '' }));
    const model = fitTextModel(docs, { ...DEFAULT_TRAINING_CONFIG, algorithm: 'complement-naive-bayes' }, 'queue');
    expect(model.predict('refund the payment').label).toBe('billing');
    expect(model.predict('密码重置').label).toBe('access');
  });
});

describe('metrics', () => {
  it('computes accuracy, per-class and macro F1', () => {
    const m = scoreLabels(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(m.accuracy).toBe(0.75);
    expect(m.perClass['a']?.f1).toBeCloseTo(2 / 3);
    expect(m.perClass['b']?.f1).toBeCloseTo(0.8);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2);
  });

  it('scores the majority baseline', () => {
    const m = majorityBaseline(['a', 'a', 'b'], ['a', 'b', 'b', 'b']);
    expect(m.accuracy).toBe(0.25);
    expect(m.perClass['b']?.f1).toBe(0);
  });

  it('splits stratified and reproducibly, keeping rare classes in the held-out part', () => {
    const items = [...Array.from({ length: 50 }, () => 'big'), 'rare', 'rare'];
    const { train, heldOut } = stratifiedSplit(items, (x) => x, 0.2, 7);
    expect(heldOut.filter((x) => x === 'rare')).toHaveLength(1);
    expect(heldOut.filter((x) => x === 'big')).toHaveLength(10);
    expect(train).toHaveLength(41);
  });
});

describe('reading only the subject', () => {
  const names = Object.keys(topics);
  // Subjects name the topic; bodies are quoted threads about any topic, whatever the label.
  const tickets = examples(16).map((e, i) => {
    const words = topics[names[(i * 7) % names.length] ?? ''] ?? [];
    const body = [0, 2, 3, 5, 6].map((k) => words[(i + k) % words.length]).join(' ');
    return { subject: e.body, body, queue: e.queue ?? '' };
  });
  const docs: LabeledText[] = tickets.map((t) => ({ text: `${t.subject}\n${t.body}`, label: t.queue, ticket: t }));
  const subjectOnly = { ...DEFAULT_TRAINING_CONFIG, fields: 'subject' as const };

  it('is chosen by cross-validation when bodies mislead, and then ignores the body', () => {
    const selected = selectTextModelCrossValidated(docs, [DEFAULT_TRAINING_CONFIG, subjectOnly], 'queue');
    expect(selected.config.fields).toBe('subject');
    const ticket = { subject: 'refund for this invoice', body: 'parcel courier tracking late' };
    expect(selected.model.textOf(ticket)).toBe('refund for this invoice');
    expect(selected.model.predict(selected.model.textOf(ticket)).label).toBe('billing');
  });

  it('reads the body of a ticket without a subject', () => {
    const model = fitTextModel(docs, subjectOnly, 'queue');
    expect(model.textOf({ body: 'password reset, account locked' })).toBe('password reset, account locked');
    expect(model.textOf({ subject: '  ', body: 'courier late' })).toBe('courier late');
  });

  it('keeps its fields through JSON; a stored model without them reads subject and body', () => {
    const model = fitTextModel(docs, subjectOnly, 'queue');
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    expect(TextModel.fromJSON(json).fields).toBe('subject');
    const { fields: _dropped, ...older } = json;
    const restored = TextModel.fromJSON(older);
    expect(restored.fields).toBe('subject-and-body');
    expect(restored.textOf({ subject: 'refund', body: 'courier late' })).toBe('refund\ncourier late');
    expect(codeOf(() => TextModel.fromJSON({ ...json, fields: 'signature' }))).toBe('INVALID_MODEL');
  });

  it('is not tried when no example has a subject', () => {
    const bodies: LabeledText[] = tickets.map((t) => ({ text: t.subject, label: t.queue, ticket: { body: t.subject } }));
    const hopeless = { ...DEFAULT_TRAINING_CONFIG, learningRate: 0 };
    const selected = selectTextModelCrossValidated(bodies, [hopeless, subjectOnly, DEFAULT_TRAINING_CONFIG], 'queue');
    expect(selected.config).toBe(DEFAULT_TRAINING_CONFIG);
    expect(selected.model.fields).toBe('subject-and-body');
  });

  it('is what the training path chooses from subjects and bodies sent separately', () => {
    const model = trainModel(tickets, 'queue');
    expect(model.fields).toBe('subject');
  });
});
