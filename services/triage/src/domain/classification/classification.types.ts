import type { Channel, CustomerTier, Language, Priority } from '@helpdesk/contracts';
import type { TextSignal } from './lexicon';

/** What a ticket is classified from (api.md `POST /v1/classify`, plus what triage knows about the conversation). */
export interface ClassificationInput {
  readonly subject?: string;
  readonly body: string;
  readonly channel?: Channel;
  readonly customerTier?: CustomerTier;
  readonly language?: Language;
  /** Contacts about this same issue, this one included (1 = first contact). */
  readonly contactCount?: number;
  /** Minutes the customer has already waited for an answer, computed by the caller from its clock. */
  readonly waitedMinutes?: number;
}

export type ContextSignal = 'customer-tier' | 'repeat-contact' | 'waiting-time' | 'channel';
export type ModelSignal = 'priority-model' | 'category-model';
export type ClassificationSignal = TextSignal | ContextSignal | ModelSignal;

export interface EvidenceSpan {
  readonly field: 'subject' | 'body';
  readonly start: number;
  readonly end: number;
}

/** One reason in api.md's `reasons`: which signal, how much it counted, the text that triggered it. */
export interface ClassificationReason {
  readonly signal: ClassificationSignal;
  readonly weight: number;
  readonly evidence: string;
  /** Where the evidence sits in the input; absent for signals that do not come from the text. */
  readonly span?: EvidenceSpan;
}

/** A signal the rules saw but switched off, and why: shown so an agent can check the call. */
export interface SuppressedSignal {
  readonly signal: TextSignal;
  readonly evidence: string;
  readonly span: EvidenceSpan;
  readonly by: 'negation' | 'hedge';
  readonly cue?: string;
}

/** The api.md classification shape plus `suppressed` and span offsets on reasons. */
export interface Classification {
  readonly priority: Priority;
  readonly urgent: boolean;
  readonly important: boolean;
  readonly category: string;
  readonly confidence: number;
  readonly reasons: ClassificationReason[];
  readonly modelVersion: string;
  readonly suppressed: SuppressedSignal[];
}

export function priorityOf(urgent: boolean, important: boolean): Priority {
  if (urgent) return important ? 'P1' : 'P2';
  return important ? 'P3' : 'P4';
}

export function axesOf(priority: Priority): { urgent: boolean; important: boolean } {
  return { urgent: priority === 'P1' || priority === 'P2', important: priority === 'P1' || priority === 'P3' };
}
