import { LexiconEntry } from './lexicon.matcher';

const zh = (...patterns: string[]): LexiconEntry[] =>
  patterns.map((pattern) => ({ pattern, match: 'substring' }));
const words = (...patterns: string[]): LexiconEntry[] =>
  patterns.map((pattern) => ({ pattern, match: 'word' }));
const neutralZh = (...patterns: string[]): LexiconEntry[] =>
  patterns.map((pattern) => ({ pattern, match: 'substring', neutral: true }));
const neutralWords = (...patterns: string[]): LexiconEntry[] =>
  patterns.map((pattern) => ({ pattern, match: 'word', neutral: true }));

/** Everyday phrases that contain a shorter negative or escalation phrase but mean something else. */
const SHIELDS: readonly LexiconEntry[] = [
  ...neutralZh(
    '差不多',
    '出差',
    '差旅',
    '差异',
    '时差',
    '误差',
    '偏差',
    '差点',
    '差距',
    '相差',
    '差价',
    '差额',
    '温差',
    '参差',
    '交差',
    '邮差',
  ),
  ...neutralZh('无差', '再也不用', '慢慢', '不好说', '不慢', '不算慢', '好久没', '太久没', '很久没'),
  ...neutralZh('不好意思', '没用过', '垃圾邮件', '垃圾短信', '垃圾桶', '垃圾箱', '多媒体', '工商银行'),
  ...neutralWords('press (?:the |any )?(?:button|key|enter|\\d)', 'too bad'),
];

/** A comment this negative turns a passive or detractor NPS answer into a follow-up. */
export const NEGATIVE_LEXICON: readonly LexiconEntry[] = [
  ...SHIELDS,
  ...zh(
    '差',
    '差评',
    '太慢',
    '好慢',
    '很慢',
    '慢死',
    '失望',
    '投诉',
    '垃圾',
    '糟糕',
    '不满意',
    '不满',
    '很烂',
    '太烂',
    '烂透',
  ),
  ...zh(
    '骗子',
    '欺骗',
    '坑人',
    '被坑',
    '没用',
    '无用',
    '没解决',
    '没有解决',
    '未解决',
    '不解决',
    '敷衍',
    '推诿',
    '再也不',
  ),
  ...zh('不会再', '气死', '恶心', '难用', '不专业', '不负责', '态度恶劣', '不好', '太差'),
  // Service failures customers describe without an opinion word: waiting, wrong or missing items, price.
  ...zh(
    '太久',
    '很久',
    '好久',
    '超时',
    '慢了',
    '太晚',
    '迟到',
    '延误',
    '太长',
    '送错',
    '发错',
    '少送',
    '漏送',
    '少发',
    '漏发',
  ),
  ...zh(
    '不值',
    '太贵',
    '太坑',
    '有点坑',
    '无语',
    '醉了',
    '太一般',
    '很一般',
    '一般般',
    '难吃',
    '太少',
    '别点',
    '不会在有',
  ),
  ...words(
    'terrible',
    'useless',
    'never again',
    'awful',
    'horrible',
    'worst',
    'bad',
    'disappoint(?:ed|ing|ment)?',
    'slow',
    'rude',
  ),
  ...words(
    'unhelpful',
    'not helpful',
    'waste of (?:time|money)',
    'frustrat(?:ed|ing|ion)',
    'angry',
    'furious',
    'ridiculous',
    'scam',
  ),
  ...words(
    'poor',
    'pathetic',
    'unacceptable',
    'incompetent',
    'complain(?:t|ts|s|ed|ing)?',
    'unresolved',
    'not resolved',
  ),
  ...words("didn't help", 'did not help', 'hate'),
];

/** Someone asking to complain, in so many words. */
export const COMPLAINT_LEXICON: readonly LexiconEntry[] = [
  ...SHIELDS,
  ...zh('投诉', '我要投诉', '客诉', '维权', '讨说法', '讨个说法'),
  ...words('complain(?:t|ts|s|ed|ing)?', 'i want to complain', 'file a complaint', 'formal complaint'),
];

/** Legal, regulatory or media exposure: the follow-up becomes P1. */
export const ESCALATION_LEXICON: readonly LexiconEntry[] = [
  ...SHIELDS,
  ...words('12315', '12345'),
  ...zh(
    '315晚会',
    '消协',
    '消费者协会',
    '律师',
    '起诉',
    '法院',
    '诉讼',
    '曝光',
    '媒体',
    '记者',
    '工商局',
    '市场监管',
    '监管部门',
    '监管局',
    '银保监',
  ),
  ...words(
    'lawyers?',
    'attorneys?',
    'sue',
    'suing',
    'sued',
    'lawsuit',
    'legal action',
    'court',
    'regulators?',
    'regulatory',
  ),
  ...words('ombudsman', 'consumer protection', 'press', 'journalists?', 'reporters?', 'media'),
];

/** Escalation phrases that by themselves announce a complaint ("我要打12315"), even without 投诉. */
export const THREAT_LEXICON: readonly LexiconEntry[] = [
  ...SHIELDS,
  ...words('12315', '12345'),
  ...zh('消协', '消费者协会', '起诉', '曝光', '律师函', '工商局', '市场监管', '监管部门', '监管局'),
  ...words('sue', 'suing', 'lawsuit', 'legal action', 'regulators?', 'ombudsman', 'consumer protection'),
];
