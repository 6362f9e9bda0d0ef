import {
  HARD_SIGNALS,
  IMPORTANCE_TEXT_SIGNALS,
  URGENCY_TEXT_SIGNALS,
  type TextSignal,
} from './lexicon';
import type { CompiledLexicon, TermMatch } from './lexicon-matcher';
import type { NegativeEmotionDetector } from './negative-emotion-detector';
import {
  priorityOf,
  type Classification,
  type ClassificationInput,
  type ClassificationReason,
  type EvidenceSpan,
  type SuppressedSignal,
} from './classification.types';

export interface RuleThresholds {
  /** Summed signal weight from which a ticket is urgent / important. */
  readonly urgent: number;
  readonly important: number;
  /** Contacts about the same issue from which the customer is clearly chasing (weight 1), and half of that. */
  readonly repeatContactsStrong: number;
  readonly repeatContactsWeak: number;
  /** Minutes waited from which waiting counts fully, and half. */
  readonly waitedStrong: number;
  readonly waitedWeak: number;
}

export const DEFAULT_RULE_THRESHOLDS: RuleThresholds = {
  urgent: 0.75,
  important: 0.75,
  repeatContactsStrong: 3,
  repeatContactsWeak: 2,
  waitedStrong: 240,
  waitedWeak: 60,
};

/** Synchronous channels carry more urgency: someone on the phone is waiting right now. */
const CHANNEL_URGENCY: Readonly<Record<string, number>> = { phone: 0.5, wechat: 0.2, app: 0.2, social: 0.2 };
const TIER_IMPORTANCE: Readonly<Record<string, number>> = { vip: 1, enterprise: 1 };

/** Category named after the strongest kind of problem seen; the learned category model can replace it. */
const CATEGORY_BY_SIGNAL: readonly [TextSignal, string][] = [
  ['security', 'security'],
  ['legal', 'legal'],
  ['service-failure', 'technical'],
  ['money', 'billing'],
  ['negative-emotion', 'complaint'],
];

export type RuleOutcome = Omit<Classification, 'modelVersion'> & {
  readonly urgencyScore: number;
  readonly importanceScore: number;
  readonly hardSignals: readonly TextSignal[];
};

/** Joins subject and body the way the matcher sees them and maps offsets back to the field they came from. */
export function classificationText(input: Pick<ClassificationInput, 'subject' | 'body'>): {
  text: string;
  spanOf: (start: number, end: number) => EvidenceSpan;
} {
  const subject = input.subject ?? '';
  if (subject === '') return { text: input.body, spanOf: (start, end) => ({ field: 'body', start, end }) };
  const offset = subject.length + 1;
  return {
    text: `${subject}\n${input.body}`,
    spanOf: (start, end) =>
      start < subject.length
        ? { field: 'subject', start, end: Math.min(end, subject.length) }
        : { field: 'body', start: start - offset, end: end - offset },
  };
}

/**
 * The day-one classifier: lexicon signals (negation- and hedge-aware) plus what is known about the
 * customer and the conversation, combined on the urgent × important matrix.
 */
export class PriorityRules {
  constructor(
    private readonly lexicon: CompiledLexicon,
    private readonly emotion: NegativeEmotionDetector,
    private readonly thresholds: RuleThresholds = DEFAULT_RULE_THRESHOLDS,
  ) {}

  evaluate(input: ClassificationInput): RuleOutcome {
    const { text, spanOf } = classificationText(input);
    const matches = this.lexicon.match(text);
    const strongest = new Map<TextSignal, TermMatch>();
    const suppressed: SuppressedSignal[] = [];
    for (const m of matches.terms) {
      const signal = m.term.signal;
      if (m.negated || matches.suppressed.has(signal)) {
        const hedge = matches.hedges.find((h) => h.hedge.suppresses.includes(signal));
        suppressed.push({
          signal,
          evidence: m.evidence,
          span: spanOf(m.start, m.end),
          by: m.negated ? 'negation' : 'hedge',
          ...(!m.negated && hedge ? { cue: hedge.evidence } : {}),
        });
        continue;
      }
      if (signal === 'negative-emotion') continue; // weighed by the detector below
      const current = strongest.get(signal);
      if (!current || m.term.weight > current.term.weight) strongest.set(signal, m);
    }

    const reasons: ClassificationReason[] = [];
    const textReason = (m: TermMatch, weight = m.term.weight): ClassificationReason => ({
      signal: m.term.signal,
      weight,
      evidence: m.evidence,
      span: spanOf(m.start, m.end),
    });

    let urgency = 0;
    for (const signal of URGENCY_TEXT_SIGNALS) {
      const m = strongest.get(signal);
      if (m) {
        urgency += m.term.weight;
        reasons.push(textReason(m));
      }
    }
    const emotion = this.emotion.detect(text, matches);
    if (emotion.negative && emotion.intensity > 0) {
      urgency += emotion.intensity;
      reasons.push(
        emotion.evidence
          ? textReason(emotion.evidence, emotion.intensity)
          : { signal: 'negative-emotion', weight: emotion.intensity, evidence: `model p=${emotion.modelProbability ?? 0}` },
      );
    }
    const contacts = input.contactCount ?? 1;
    if (contacts >= this.thresholds.repeatContactsWeak) {
      const weight = contacts >= this.thresholds.repeatContactsStrong ? 1 : 0.5;
      urgency += weight;
      reasons.push({ signal: 'repeat-contact', weight, evidence: `contact ${contacts} about this issue` });
    }
    const waited = input.waitedMinutes ?? 0;
    if (waited >= this.thresholds.waitedWeak) {
      const weight = waited >= this.thresholds.waitedStrong ? 1 : 0.5;
      urgency += weight;
      reasons.push({ signal: 'waiting-time', weight, evidence: `waited ${Math.round(waited)} min` });
    }
    const channelWeight = input.channel ? (CHANNEL_URGENCY[input.channel] ?? 0) : 0;
    if (channelWeight > 0) {
      urgency += channelWeight;
      reasons.push({ signal: 'channel', weight: channelWeight, evidence: `channel ${input.channel ?? ''}` });
    }

    let importance = 0;
    const tierWeight = input.customerTier ? (TIER_IMPORTANCE[input.customerTier] ?? 0) : 0;
    if (tierWeight > 0) {
      importance += tierWeight;
      reasons.push({ signal: 'customer-tier', weight: tierWeight, evidence: `customer tier ${input.customerTier ?? ''}` });
    }
    for (const signal of IMPORTANCE_TEXT_SIGNALS) {
      const m = strongest.get(signal);
      if (m) {
        importance += m.term.weight;
        reasons.push(textReason(m));
      }
    }

    const urgent = urgency >= this.thresholds.urgent;
    const important = importance >= this.thresholds.important;
    const hardSignals = HARD_SIGNALS.filter((s) => {
      const m = strongest.get(s);
      return m !== undefined && m.term.weight >= 1;
    });
    const category = CATEGORY_BY_SIGNAL.find(([signal]) =>
      signal === 'negative-emotion' ? emotion.negative : strongest.has(signal),
    )?.[1] ?? 'general';
    reasons.sort((a, b) => b.weight - a.weight);
    return {
      priority: priorityOf(urgent, important),
      urgent,
      important,
      category,
      confidence: round(Math.min(axisConfidence(urgency, this.thresholds.urgent), axisConfidence(importance, this.thresholds.important))),
      reasons,
      suppressed,
      urgencyScore: round(urgency),
      importanceScore: round(importance),
      hardSignals,
    };
  }
}

/**
 * How sure the rules are about one axis: high when the score clears the threshold well; moderate when
 * nothing fired at all (the lexicon may simply have missed the words); lowest just under the threshold.
 */
function axisConfidence(score: number, threshold: number): number {
  if (score >= threshold) return Math.min(0.99, 0.75 + (0.25 * (score - threshold)) / threshold);
  if (score === 0) return 0.7;
  return 0.5 + (0.2 * (threshold - score)) / threshold;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
