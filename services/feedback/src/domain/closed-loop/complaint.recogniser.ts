import { COMPLAINT_LEXICON, ESCALATION_LEXICON, THREAT_LEXICON } from './closed-loop.lexicon';
import { LexiconMatcher } from './lexicon.matcher';

export interface ComplaintRecognition {
  readonly complaint: boolean;
  /** Complaint phrases found and not negated ("投诉", "i want to complain", "12315"). */
  readonly evidence: readonly string[];
  /** Complaint phrases found under a negation ("不是投诉", "no complaints"): the reason it is not one. */
  readonly negated: readonly string[];
  /** Legal, regulatory or media words, negated or not: a conditional threat still escalates. */
  readonly escalation: readonly string[];
}

const complaintMatcher = new LexiconMatcher(COMPLAINT_LEXICON);
const threatMatcher = new LexiconMatcher(THREAT_LEXICON);
const escalationMatcher = new LexiconMatcher(ESCALATION_LEXICON);

/** Texts longer than this are judged on their beginning: complaints are stated early. */
const MAX_SCANNED_CHARS = 20_000;

/** Does an incoming message ask to complain? Pure; never throws. */
export function recogniseComplaint(messageText: unknown): ComplaintRecognition {
  const text = typeof messageText === 'string' ? messageText.slice(0, MAX_SCANNED_CHARS) : '';
  const hits = [...complaintMatcher.find(text), ...threatMatcher.find(text)].sort(
    (a, b) => a.start - b.start,
  );
  const evidence = unique(hits.filter((hit) => !hit.negated).map((hit) => hit.text));
  return {
    complaint: evidence.length > 0,
    evidence,
    negated: unique(hits.filter((hit) => hit.negated).map((hit) => hit.text)),
    escalation: escalationTerms(text),
  };
}

export function escalationTerms(text: string): string[] {
  return unique(escalationMatcher.find(text.slice(0, MAX_SCANNED_CHARS)).map((hit) => hit.text));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
