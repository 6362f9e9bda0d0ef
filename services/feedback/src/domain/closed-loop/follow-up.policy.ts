import { NEGATIVE_LEXICON } from './closed-loop.lexicon';
import { escalationTerms, recogniseComplaint } from './complaint.recogniser';
import { LexiconMatcher } from './lexicon.matcher';

export const LOW_CSAT_THRESHOLD = 2;
export const DETRACTOR_NPS_THRESHOLD = 6;

export type FollowUpSubject =
  | {
      readonly kind: 'survey-response';
      readonly csat?: number;
      readonly nps?: number;
      readonly comment?: string;
    }
  | { readonly kind: 'complaint'; readonly body: string };

export type FollowUpReason =
  /** CSAT ≤ 2. */
  | 'low-csat'
  /** NPS ≤ 6 and the comment is negative (negative lexicon, or any legal/media word). */
  | 'detractor-negative-comment'
  /** A survey comment that is itself a complaint ("我要投诉"), whatever the scores. */
  | 'complaint-in-comment'
  /** A complaint filed or recognised in a message. */
  | 'complaint';

export type FollowUpPriority = 'P1' | 'P2';

export type FollowUpDecision =
  | { readonly required: false }
  | {
      readonly required: true;
      /** P1 when legal, regulatory or media words appear, else P2. */
      readonly priority: FollowUpPriority;
      readonly reasons: readonly FollowUpReason[];
      /** Negative or complaint phrases that triggered it, for the follow-up ticket's description. */
      readonly evidence: readonly string[];
      readonly escalation: readonly string[];
    };

const negativeMatcher = new LexiconMatcher(NEGATIVE_LEXICON);
/** Comments are capped at 2000 characters; complaint bodies at 20000. */
const MAX_SCANNED_CHARS = 20_000;

/** Negative phrases in a comment that no negator governs ("太慢", "useless"; not "不差", "not bad"). */
export function negativeTerms(comment: string): string[] {
  return unique(
    negativeMatcher
      .find(comment.slice(0, MAX_SCANNED_CHARS))
      .filter((hit) => !hit.negated)
      .map((hit) => hit.text),
  );
}

/** The closed-loop rule: which feedback must reach a person, and how urgently. */
export function needsFollowUp(subject: FollowUpSubject): FollowUpDecision {
  const text = subject.kind === 'complaint' ? subject.body : (subject.comment ?? '');
  const escalation = escalationTerms(text);
  const reasons: FollowUpReason[] = [];
  const evidence: string[] = [];

  if (subject.kind === 'complaint') {
    reasons.push('complaint');
    evidence.push(...recogniseComplaint(text).evidence);
  } else {
    if (subject.csat !== undefined && subject.csat <= LOW_CSAT_THRESHOLD) reasons.push('low-csat');
    const negative = negativeTerms(text);
    // A threat of lawyers or the press is a negative comment even without a negative word.
    if (
      subject.nps !== undefined &&
      subject.nps <= DETRACTOR_NPS_THRESHOLD &&
      (negative.length > 0 || escalation.length > 0)
    ) {
      reasons.push('detractor-negative-comment');
    }
    const complaint = recogniseComplaint(text);
    if (complaint.complaint) reasons.push('complaint-in-comment');
    if (reasons.length > 0) evidence.push(...negative, ...complaint.evidence);
  }

  if (reasons.length === 0) return { required: false };
  return {
    required: true,
    priority: escalation.length > 0 ? 'P1' : 'P2',
    reasons,
    evidence: unique(evidence),
    escalation,
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
