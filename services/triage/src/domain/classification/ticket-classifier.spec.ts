import { DEFAULT_LEXICON, mergeLexicon } from './lexicon';
import { TextModel } from './text-model';
import { TicketClassifier, priorityRulesFallback } from './ticket-classifier';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_TRAINING_CONFIG, chooseMinConfidence, fitTextModel, trainModel } from './text-model-training';
import type { ClassificationInput } from './classification.types';

const classifier = new TicketClassifier();
const signals = (input: ClassificationInput) => classifier.classify(input).reasons.map((r) => r.signal);

describe('TicketClassifier rules (no training)', () => {
  it('makes a VIP account theft with money gone and time pressure P1, with evidence spans', () => {
    const body = '账号被盗，钱被转走了，马上处理！';
    const result = classifier.classify({ body, customerTier: 'vip' });
    expect(result.priority).toBe('P1');
    expect(result.urgent).toBe(true);
    expect(result.important).toBe(true);
    expect(result.category).toBe('security');
    const bySignal = new Map(result.reasons.map((r) => [r.signal, r]));
    expect(bySignal.get('security')?.evidence).toBe('账号被盗');
    expect(bySignal.get('money')?.evidence).toBe('钱被转走');
    expect(bySignal.get('time-pressure')?.evidence).toBe('马上');
    expect(bySignal.get('customer-tier')?.evidence).toContain('vip');
    const span = bySignal.get('time-pressure')?.span;
    expect(span && body.slice(span.start, span.end)).toBe('马上');
    expect(result.modelVersion).toMatch(/^rules:/);
  });

  it('makes a relaxed invoice question P4', () => {
    const result = classifier.classify({ body: '请问发票怎么开？不急' });
    expect(result.priority).toBe('P4');
    expect(result.reasons).toEqual([]);
  });

  it('makes a whole-site outage for all users with ASAP P1', () => {
    const result = classifier.classify({ body: 'Our whole site is down, all users affected, fix ASAP' });
    expect(result.priority).toBe('P1');
    expect(signals({ body: 'Our whole site is down, all users affected, fix ASAP' })).toEqual(
      expect.arrayContaining(['service-failure', 'scope', 'time-pressure']),
    );
  });

  it('makes a no-rush avatar question P4', () => {
    expect(classifier.classify({ body: 'no rush, just wondering how to change my avatar' }).priority).toBe('P4');
  });

  it('makes a double charge P3 (important, not urgent) in the billing category', () => {
    const result = classifier.classify({ body: 'I was charged twice, please refund' });
    expect(result.priority).toBe('P3');
    expect(result.category).toBe('billing');
    expect(result.reasons[0]).toMatchObject({ signal: 'money', evidence: 'charged twice' });
  });

  it.each([
    ['time-pressure', '请尽快处理一下我的问题', 'P2'],
    ['time-pressure', 'Please handle this urgently', 'P2'],
    ['service-failure', '系统宕机了', 'P2'],
    ['service-failure', 'App闪退，打不开', 'P2'],
    ['service-failure', 'I cannot log in to my account', 'P2'],
    ['service-failure', 'There is an outage in our region', 'P2'],
    ['service-failure', '我没法登录了', 'P2'],
    ['service-failure', "I can't sign in since this morning", 'P2'],
    ['negative-emotion', '气死我了，什么破服务', 'P2'],
    ['negative-emotion', 'I am furious about this', 'P2'],
    ['money', '我被重复扣费了', 'P3'],
    ['money', 'I want a refund for my order', 'P3'],
    ['money', '退款没到账', 'P3'],
    ['security', '我的信息被泄露了', 'P3'],
    ['security', 'I think this is fraud', 'P3'],
    ['security', 'There was a suspicious login on my account', 'P3'],
    ['legal', '再不解决我就打12315', 'P3'],
    ['legal', 'My lawyer will contact you', 'P3'],
    ['scope', '所有用户都看不到订单', 'P3'],
    ['scope', 'This affects all users in the company', 'P3'],
  ] as const)('detects %s in "%s" → %s', (signal, body, priority) => {
    const result = classifier.classify({ body });
    expect(result.reasons.map((r) => r.signal)).toContain(signal);
    expect(result.priority).toBe(priority);
  });

  it.each([
    ['不急，有空帮我看下发票', 'time-pressure'],
    ['不着急，慢慢处理', 'time-pressure'],
    ['这个不用急', 'time-pressure'],
    ['This is not urgent', 'time-pressure'],
    ['No rush, but please reply today', 'time-pressure'],
    ['我的账号没有被盗吧？', 'security'],
    ['My account was not hacked, just checking', 'security'],
  ])('negation or hedging in "%s" switches %s off', (body, signal) => {
    const result = classifier.classify({ body });
    expect(result.reasons.map((r) => r.signal)).not.toContain(signal);
    expect(result.priority).toBe('P4');
  });

  it('lists what negation switched off, with the cue kind', () => {
    expect(classifier.classify({ body: '我的账号没有被盗吧？' }).suppressed).toEqual([
      { signal: 'security', evidence: '被盗', span: { field: 'body', start: 6, end: 8 }, by: 'negation' },
    ]);
  });

  it('does not read "不断" as a negation', () => {
    expect(classifier.classify({ body: 'APP不断闪退' }).priority).toBe('P2');
  });

  it('grades negative emotion by intensity', () => {
    const mild = classifier.classify({ body: '送货有点慢' }).reasons.find((r) => r.signal === 'negative-emotion');
    const strong = classifier.classify({ body: '你们太让人失望了，非常失望！！' }).reasons.find((r) => r.signal === 'negative-emotion');
    expect(mild?.weight).toBeLessThan(strong?.weight ?? 0);
    expect(classifier.classify({ body: '送货有点慢' }).urgent).toBe(false);
  });

  it('counts repeated contacts, time already waited and a phone channel towards urgency', () => {
    const body = 'Question about my avatar';
    expect(classifier.classify({ body }).priority).toBe('P4');
    expect(classifier.classify({ body, contactCount: 3 }).priority).toBe('P2');
    expect(classifier.classify({ body, waitedMinutes: 300 }).priority).toBe('P2');
    expect(classifier.classify({ body, contactCount: 2, channel: 'phone' }).priority).toBe('P2');
    expect(classifier.classify({ body, channel: 'phone' }).reasons.map((r) => r.signal)).toEqual(['channel']);
    expect(classifier.classify({ body, channel: 'email' }).reasons).toEqual([]);
  });

  it('treats VIP and enterprise customers as important', () => {
    expect(classifier.classify({ body: '发票怎么开', customerTier: 'enterprise' }).priority).toBe('P3');
    expect(classifier.classify({ body: '发票怎么开', customerTier: 'standard' }).priority).toBe('P4');
  });

  it('covers the whole matrix', () => {
    expect(classifier.classify({ body: 'System down, and I want a refund' }).priority).toBe('P1');
    expect(classifier.classify({ body: 'System down' }).priority).toBe('P2');
    expect(classifier.classify({ body: 'I want a refund' }).priority).toBe('P3');
    expect(classifier.classify({ body: 'How do I change my avatar?' }).priority).toBe('P4');
  });

  it('reports evidence found in the subject with subject offsets', () => {
    const result = classifier.classify({ subject: 'URGENT: refund', body: 'see subject' });
    expect(result.priority).toBe('P1');
    expect(result.reasons.find((r) => r.signal === 'time-pressure')?.span).toEqual({ field: 'subject', start: 0, end: 6 });
  });

  it('uses a tenant lexicon override', () => {
    const tenant = new TicketClassifier({
      lexicon: mergeLexicon(DEFAULT_LEXICON, {
        terms: [{ term: '花呗冻结', signal: 'money', weight: 1 }],
        removeTerms: ['asap'],
      }),
    });
    expect(tenant.classify({ body: '我的花呗冻结了' }).priority).toBe('P3');
    expect(classifier.classify({ body: '我的花呗冻结了' }).priority).toBe('P4');
    expect(tenant.classify({ body: 'reply asap' }).priority).toBe('P4');
    expect(tenant.modelVersion).toContain('tenant');
  });

  it('survives empty and odd input', () => {
    expect(classifier.classify({ body: '' }).priority).toBe('P4');
    expect(classifier.classify({ body: '\u0000\uffff🙂'.repeat(1000) }).priority).toBe('P4');
  });
});

describe('TicketClassifier with learned models', () => {
  const examples = [
    ...['how do i change my avatar', 'where can i update my profile picture', 'question about avatar settings', 'profile photo upload help'].map(
      (body) => ({ body, priority: 'P1', queue: 'profile' }),
    ),
    ...['invoice copy needed', 'please send the invoice again', 'invoice address change', 'need a receipt for my invoice'].map((body) => ({
      body,
      priority: 'P4',
      queue: 'billing',
    })),
  ];
  const repeated = [...examples, ...examples, ...examples];
  const priorityModel = trainModel(repeated, 'priority');
  const categoryModel = trainModel(repeated, 'queue');
  const withModels = new TicketClassifier({ priorityModel, categoryModel, minModelConfidence: 0.5 });

  it('uses a confident learned priority and category and says so', () => {
    const result = withModels.classify({ body: 'how do i change my avatar picture' });
    expect(result.priority).toBe('P1');
    expect(result.category).toBe('profile');
    expect(result.reasons.map((r) => r.signal)).toEqual(expect.arrayContaining(['priority-model', 'category-model']));
    expect(result.modelVersion).toContain(priorityModel.version);
  });

  it('lets hard rules win over the learned priority', () => {
    const result = withModels.classify({ body: 'my avatar page shows my account was hacked' });
    expect(result.reasons.map((r) => r.signal)).toContain('security');
    expect(result.reasons.map((r) => r.signal)).not.toContain('priority-model');
    expect(result.priority).toBe('P3');
  });

  it('applies the confidence gate a model was trained with unless the caller sets one', () => {
    const text = 'invoice avatar';
    const probability = priorityModel.predict(text).probability;
    const above = priorityModel.withMinConfidence(probability - 0.01);
    const below = priorityModel.withMinConfidence(Math.min(1, probability + 0.01));
    const signals = (c: TicketClassifier) => c.classify({ body: text }).reasons.map((r) => r.signal);
    expect(signals(new TicketClassifier({ priorityModel: above }))).toContain('priority-model');
    expect(signals(new TicketClassifier({ priorityModel: below }))).not.toContain('priority-model');
    expect(signals(new TicketClassifier({ priorityModel: below, minModelConfidence: 0 }))).toContain('priority-model');
  });

  it('chooses the gate by how the layered answer scores against the rules it falls back to', () => {
    const docs = ['a', 'b', 'c', 'd'].map((text, i) => ({ text, label: i % 2 === 0 ? 'P1' : 'P4' }));
    // Right answers at modest confidence: a 0.6 gate would hand all of them to the rules.
    const answers = docs.map((d) => ({ label: d.label, probability: 0.45 }));
    const wrongRules = () => ({ label: 'P2', final: false });
    expect(chooseMinConfidence(docs, answers, wrongRules)).toBeLessThanOrEqual(0.45);
    const gold = new Map(docs.map((d) => [d.text, d.label]));
    const rightRules = (text: string) => ({ label: gold.get(text) ?? '', final: false });
    expect(chooseMinConfidence(docs, answers, rightRules)).toBe(DEFAULT_MIN_CONFIDENCE);
    // Final rule answers win whatever the gate: nothing to gain by lowering it.
    expect(chooseMinConfidence(docs, answers, () => ({ label: 'P2', final: true }))).toBe(DEFAULT_MIN_CONFIDENCE);
  });

  it('stores the chosen gate with a priority model trained over rules, and none without', () => {
    const layered = trainModel(repeated, 'priority', { fallback: () => ({ label: 'P2', final: false }) });
    expect(layered.minConfidence).toEqual(expect.any(Number));
    expect(TextModel.fromJSON(JSON.parse(JSON.stringify(layered.toJSON()))).minConfidence).toBe(layered.minConfidence);
    expect(priorityModel.minConfidence).toBeUndefined();
  });

  it('gives a model that reads only subjects the ticket\'s subject, not the body', () => {
    const subjectModel = fitTextModel(
      repeated.map((e) => ({ text: e.body, label: e.queue })),
      { ...DEFAULT_TRAINING_CONFIG, fields: 'subject' },
      'queue',
    );
    const classifier = new TicketClassifier({ categoryModel: subjectModel, minModelConfidence: 0 });
    // The body alone, or subject and body read together, say "profile".
    const ticket = { subject: 'invoice copy', body: 'how do i change my avatar, where can i update my profile picture, profile photo upload help' };
    expect(classifier.classify(ticket).category).toBe('billing');
    expect(classifier.classify({ body: ticket.body }).category).toBe('profile');
    expect(subjectModel.predict(`${ticket.subject}\n${ticket.body}`).label).toBe('profile');
  });

  it('layers the built-in rules as the fallback: hard signals are final', () => {
    const fallback = priorityRulesFallback();
    expect(fallback('the whole site is down for all users, fix asap')).toEqual({ label: 'P1', final: true });
    expect(fallback('no rush, how do i change my avatar').final).toBe(false);
  });
});
