import { FollowUpDecision, FollowUpReason, FollowUpSubject } from './follow-up.policy';

export type RequiredFollowUp = Extract<FollowUpDecision, { required: true }>;

const REASON_TEXT: Readonly<Record<FollowUpReason, string>> = {
  'low-csat': 'low CSAT',
  'detractor-negative-comment': 'NPS detractor with a negative comment',
  'complaint-in-comment': 'complaint in the survey comment',
  complaint: 'complaint',
};

/**
 * One line an agent reads on the follow-up ticket: why it was opened, the scores, and the
 * phrases that triggered it ("low CSAT; CSAT 1, NPS 3; 太慢; legal/media: 律师").
 */
export function describeFollowUp(decision: RequiredFollowUp, subject: FollowUpSubject): string {
  const parts = [decision.reasons.map((reason) => REASON_TEXT[reason]).join(', ')];
  if (subject.kind === 'survey-response') {
    const scores = [
      subject.csat === undefined ? null : `CSAT ${subject.csat}`,
      subject.nps === undefined ? null : `NPS ${subject.nps}`,
    ].filter((score): score is string => score !== null);
    if (scores.length > 0) parts.push(scores.join(', '));
  }
  const evidence = decision.evidence.filter((phrase) => !decision.escalation.includes(phrase));
  if (evidence.length > 0) parts.push(evidence.join(', '));
  if (decision.escalation.length > 0) parts.push(`legal/media: ${decision.escalation.join(', ')}`);
  return parts.join('; ');
}

/** The customer's own words, for the follow-up ticket's description. */
export function followUpSummary(subject: FollowUpSubject): string | null {
  const text = subject.kind === 'complaint' ? subject.body : (subject.comment ?? '');
  const trimmed = text.trim();
  return trimmed.length === 0 ? null : trimmed;
}
