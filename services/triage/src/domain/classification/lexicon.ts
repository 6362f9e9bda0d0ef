/** Text signals the rules look for. Each one feeds exactly one axis of the urgent × important matrix. */
export type TextSignal =
  | 'time-pressure'
  | 'service-failure'
  | 'negative-emotion'
  | 'money'
  | 'security'
  | 'legal'
  | 'scope';

export const URGENCY_TEXT_SIGNALS: readonly TextSignal[] = ['time-pressure', 'service-failure', 'negative-emotion'];
export const IMPORTANCE_TEXT_SIGNALS: readonly TextSignal[] = ['money', 'security', 'legal', 'scope'];
/** Signals a learned model may never overrule: a missed hack, outage or legal threat costs too much. */
export const HARD_SIGNALS: readonly TextSignal[] = ['security', 'service-failure', 'legal'];

export interface LexiconTerm {
  readonly term: string;
  readonly signal: TextSignal;
  /** Contribution to its axis; 1 alone makes the axis true, smaller values need company. */
  readonly weight: number;
}

/** A phrase that switches a signal off for the whole message ("不急", "no rush"). */
export interface LexiconHedge {
  readonly term: string;
  readonly suppresses: readonly TextSignal[];
}

export interface Lexicon {
  readonly version: string;
  readonly terms: readonly LexiconTerm[];
  readonly hedges: readonly LexiconHedge[];
  /** Words that negate a term that follows closely in the same clause ("没有被盗", "not urgent"). */
  readonly negators: readonly string[];
  /** Words that raise the intensity of a negative-emotion term that follows ("太差", "very angry"). */
  readonly intensifiers: readonly string[];
}

/** A tenant's changes: terms added or re-weighted, terms removed, extra hedges, negators, intensifiers. */
export interface LexiconOverride {
  readonly version?: string;
  readonly terms?: readonly LexiconTerm[];
  readonly removeTerms?: readonly string[];
  readonly hedges?: readonly LexiconHedge[];
  readonly negators?: readonly string[];
  readonly intensifiers?: readonly string[];
}

function entries(signal: TextSignal, weight: number, terms: string): LexiconTerm[] {
  return terms
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((term) => ({ term, signal, weight }));
}

export const DEFAULT_LEXICON: Lexicon = {
  version: 'lexicon-1',
  terms: [
    // Time pressure.
    ...entries('time-pressure', 1, '马上|立刻|立即|赶紧|赶快|紧急|十万火急|火速|急用|今天之内|今天内|今天必须|尽快处理|刻不容缓|urgent|urgently|asap|a.s.a.p|immediately|right away|right now|emergency|as soon as possible|time-sensitive|time sensitive|top priority|at once|within the hour'),
    ...entries('time-pressure', 0.8, '尽快|着急|很急|急|急急|在线等|等不了|today|by tonight|by end of day|quickly|hurry|deadline|critical|as soon as you can|as fast as possible'),
    ...entries('time-pressure', 0.4, '快点|早点|soon|promptly'),
    // Service failure.
    ...entries('service-failure', 1, '宕机|挂了|崩了|崩溃|瘫痪|无法登录|登录不了|登不上|不能登录|无法登陆|登陆不了|支付失败|付款失败|无法支付|付不了款|闪退|打不开|无法访问|访问不了|服务不可用|服务中断|断网|掉线|一直报错|没法登录|登录失败|进不去|用不了|无法使用|不能用|页面空白|outage|is down|are down|went down|goes down|site down|service down|system down|server down|cannot log in|can\'t log in|cant log in|can not log in|unable to log in|cannot login|can\'t login|unable to login|not able to log in|cannot access|can\'t access|unable to access|can\'t sign in|cannot sign in|unable to sign in|login failed|login fails|no one can log in|nobody can log in|not responding|keeps crashing|payment failed|payment fails|crash|crashes|crashed|crashing|not loading|won\'t load|stopped working|not working|doesn\'t work|does not work|service unavailable|unavailable|502|503|500 error'),
    ...entries('service-failure', 0.6, '报错|故障|异常|卡住|卡死|失败|error|broken|fails|failed|failing|bug'),
    // Negative emotion; intensity grows with the word and with intensifiers and exclamation marks.
    ...entries('negative-emotion', 0.9, '愤怒|气死|气炸|火大|忍无可忍|受够了|垃圾|骗子|恶心|furious|outraged|livid|fed up|disgusting|ridiculous|unacceptable|scam|pathetic|worst'),
    ...entries('negative-emotion', 0.6, '投诉|差评|太差|很差|失望|不满|不满意|生气|无语|坑人|坑爹|离谱|过分|烂|angry|complaint|complain|terrible|awful|horrible|frustrated|frustrating|disappointed|annoyed|upset|useless'),
    ...entries('negative-emotion', 0.4, '慢|郁闷|糟糕|bad|poor|slow|annoying|not happy|unhappy'),
    // Money at stake.
    ...entries('money', 1, '退款|扣款|重复扣费|多扣|扣了两次|乱扣费|扣费|被扣|退钱|钱被转走|转走|盗刷|赔偿|账单错误|refund|charged twice|double charged|double charge|overcharged|chargeback|unauthorized charge|billing error|money back|compensation|invoice is wrong|wrong amount|charged me twice|double billed|double-charged|overcharge|unauthorized transaction|unauthorised transaction|扣了钱|没收到退款|钱没到账|退款没到账'),
    ...entries('money', 0.6, '付款|支付|账单|发票金额|费用|订单金额|payment|billing|invoice|charged|charge|price'),
    // Security and privacy.
    ...entries('security', 1, '账号被盗|账户被盗|被盗|盗号|被盗刷|被黑|黑客|泄露|泄漏|隐私|诈骗|欺诈|钓鱼|异地登录|被冒用|身份被盗|hacked|compromised|stolen|data breach|security breach|leaked|data leak|fraud|phishing|identity theft|unauthorized access|unauthorised access|account takeover|privacy|gdpr|malware|ransomware|suspicious login|someone logged into my account|password was changed|密码被改|异常登录|被人登录'),
    // Legal, regulatory and media threats.
    ...entries('legal', 1, '12315|消协|消费者协会|工商局|市场监管|律师|起诉|法院|诉讼|报警|警察|曝光|媒体|记者|微博曝光|监管部门|银保监|lawyer|attorney|lawsuit|sue|suing|legal action|court|regulator|ombudsman|trading standards|consumer protection|the press|journalist|news media|social media post|small claims|cfpb|ftc|better business bureau|投诉到|举报'),
    // Scope of impact.
    ...entries('scope', 1, '所有用户|全部用户|全体用户|大面积|大批|所有客户|全公司|整个系统|全网|all users|all customers|all of our users|every user|everyone|entire company|whole company|whole site|entire site|whole system|all stores|company-wide|所有人都|大家都|nobody can|no one can'),
    ...entries('scope', 0.6, '很多用户|大量|批量|多个订单|所有订单|很多订单|many users|many customers|many orders|multiple orders|all orders|several customers|all our|whole team|entire team'),
  ],
  hedges: [
    ...'不急|不着急|不用急|不必着急|不太急|不紧急|慢慢来|有空再|有空的时候|方便的时候|no rush|no hurry|not urgent|not in a hurry|not a priority|whenever you can|when you get a chance|when you have time|at your convenience|low priority'
      .split('|')
      .map((term) => ({ term, suppresses: ['time-pressure'] as const })),
    ...'只是问问|只是咨询|随便问问|just wondering|just curious|out of curiosity'
      .split('|')
      .map((term) => ({ term, suppresses: ['time-pressure', 'negative-emotion'] as const })),
  ],
  negators: '不|没|没有|未|无需|不用|不必|别|并非|不是|not|no|never|nothing|without|isn\'t|wasn\'t|aren\'t|weren\'t|don\'t|doesn\'t|didn\'t|hasn\'t|haven\'t'.split('|'),
  intensifiers: '太|非常|特别|极其|超级|十分|相当|真的|实在|very|so|extremely|really|absolutely|totally|completely|utterly|incredibly'.split('|'),
};

/**
 * A tenant's lexicon: the base with the override applied. A term in the override replaces the base entry
 * with the same text (so a tenant can re-weight or re-assign it); `removeTerms` drops entries.
 */
export function mergeLexicon(base: Lexicon, override: LexiconOverride): Lexicon {
  const removed = new Set((override.removeTerms ?? []).map((t) => t.toLowerCase()));
  const replaced = new Set((override.terms ?? []).map((t) => t.term.toLowerCase()));
  const keep = (t: { term: string }) => !removed.has(t.term.toLowerCase()) && !replaced.has(t.term.toLowerCase());
  return {
    version: override.version ?? `${base.version}+tenant`,
    terms: [...base.terms.filter(keep), ...(override.terms ?? []).filter((t) => !removed.has(t.term.toLowerCase()))],
    hedges: [...base.hedges.filter((h) => !removed.has(h.term.toLowerCase())), ...(override.hedges ?? [])],
    negators: unique([...base.negators, ...(override.negators ?? [])]),
    intensifiers: unique([...base.intensifiers, ...(override.intensifiers ?? [])]),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export const TEXT_SIGNALS: readonly TextSignal[] = [...URGENCY_TEXT_SIGNALS, ...IMPORTANCE_TEXT_SIGNALS];

export class LexiconOverrideError extends Error {
  readonly code = 'INVALID_LEXICON_OVERRIDE';
  constructor(message: string) {
    super(message);
    this.name = 'LexiconOverrideError';
  }
}

const MAX_ENTRIES = 5000;
const MAX_TERM_LENGTH = 100;

/** Validates a tenant's lexicon override as received (e.g. stored JSON); anything off is a typed error. */
export function parseLexiconOverride(value: unknown): LexiconOverride {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LexiconOverrideError('override must be an object');
  const record = value as Record<string, unknown>;
  const list = (field: string): unknown[] => {
    const v = record[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new LexiconOverrideError(`${field} must be an array`);
    if (v.length > MAX_ENTRIES) throw new LexiconOverrideError(`${field} has more than ${MAX_ENTRIES} entries`);
    return v;
  };
  const term = (v: unknown, field: string): string => {
    if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_TERM_LENGTH) {
      throw new LexiconOverrideError(`${field} entries must be non-empty strings up to ${MAX_TERM_LENGTH} characters`);
    }
    return v.trim();
  };
  const signal = (v: unknown, field: string): TextSignal => {
    const found = TEXT_SIGNALS.find((s) => s === v);
    if (!found) throw new LexiconOverrideError(`${field}: unknown signal ${JSON.stringify(v)}`);
    return found;
  };
  const version = record['version'];
  if (version !== undefined && (typeof version !== 'string' || version.length > 100)) throw new LexiconOverrideError('version must be a short string');
  return {
    ...(typeof version === 'string' ? { version } : {}),
    terms: list('terms').map((entry) => {
      if (typeof entry !== 'object' || entry === null) throw new LexiconOverrideError('terms entries must be objects');
      const e = entry as Record<string, unknown>;
      const weight = e['weight'];
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 2) {
        throw new LexiconOverrideError('terms[].weight must be a number from 0 to 2');
      }
      return { term: term(e['term'], 'terms[].term'), signal: signal(e['signal'], 'terms[].signal'), weight };
    }),
    removeTerms: list('removeTerms').map((t) => term(t, 'removeTerms')),
    hedges: list('hedges').map((entry) => {
      if (typeof entry !== 'object' || entry === null) throw new LexiconOverrideError('hedges entries must be objects');
      const e = entry as Record<string, unknown>;
      const suppresses = e['suppresses'];
      if (!Array.isArray(suppresses) || suppresses.length === 0) throw new LexiconOverrideError('hedges[].suppresses must list signals');
      return { term: term(e['term'], 'hedges[].term'), suppresses: suppresses.map((s) => signal(s, 'hedges[].suppresses')) };
    }),
    negators: list('negators').map((t) => term(t, 'negators')),
    intensifiers: list('intensifiers').map((t) => term(t, 'intensifiers')),
  };
}
