import type { Priority } from '@helpdesk/contracts';

/** A tenant's self-service rules. */
export interface SelfServiceSettings {
  autoAnswerEnabled: boolean;
  /** Smallest search confidence (0–1) at which the best article is sent without a person. */
  autoAnswerThreshold: number;
  /**
   * Smallest score (0–1) of the best article. Confidence rests mostly on the margin to the runner-up,
   * so a lone weak match (one shared word in a small knowledge base) can look confident; this stops it.
   */
  autoAnswerMinScore: number;
  /** Priorities that count as a simple question. */
  autoAnswerPriorities: Priority[];
  /** Triage categories that count as a simple question. */
  autoAnswerCategories: string[];
  /** Ticket questions whose best article scored below this are knowledge gaps. */
  gapMaxScore: number;
}

/**
 * The smallest threshold at which the engine's confidence (calibrated on the faq `dev` split) was right at
 * least 80 % of the time there: 0.45 answered 0.8 % of dev paraphrases with 80 % precision. A tenant's own
 * helpful/not-helpful history is the better guide once it has one.
 */
export const DEFAULT_AUTO_ANSWER_THRESHOLD = 0.45;

/**
 * Far below what faq `dev`'s confident answers scored (all 0.3 or more) and below a ticket's usual share
 * (a full sentence around the article's words scores about 0.2), but above a lone shared word (about 0.06).
 */
export const DEFAULT_AUTO_ANSWER_MIN_SCORE = 0.15;

/**
 * Triage's rule-based classifier names categories security, legal, technical, billing, complaint and
 * general; of those only general questions and billing questions are simple enough to answer from an article.
 */
export const DEFAULT_SELF_SERVICE_SETTINGS: SelfServiceSettings = {
  autoAnswerEnabled: true,
  autoAnswerThreshold: DEFAULT_AUTO_ANSWER_THRESHOLD,
  autoAnswerMinScore: DEFAULT_AUTO_ANSWER_MIN_SCORE,
  autoAnswerPriorities: ['P3', 'P4'],
  autoAnswerCategories: ['general', 'billing'],
  gapMaxScore: 0.5,
};

export interface TicketQuestion {
  priority: Priority;
  category: string | null;
  /** Set on a follow-up ticket about a bad experience: a person handles those. */
  followUpOf: string | null;
}

export interface BestAnswer {
  articleId: string;
  confidence: number;
  /** The article's search score (0–1). */
  score: number;
  /** The text that would be sent; an article without a body has nothing to send. */
  answer: string;
}

export type AutoAnswerDecision =
  | { propose: true }
  | { propose: false; reason: 'disabled' | 'follow-up' | 'priority' | 'category' | 'no-article' | 'no-answer-text' | 'low-confidence' | 'low-score' };

/** Whether a ticket is a simple question: the tenant's priorities and categories, never a follow-up. */
export function isSimpleQuestion(ticket: TicketQuestion, settings: SelfServiceSettings): boolean {
  return (
    ticket.followUpOf === null &&
    settings.autoAnswerPriorities.includes(ticket.priority) &&
    ticket.category !== null &&
    settings.autoAnswerCategories.includes(ticket.category)
  );
}

/** A simple question whose best article is confident enough is answered with it, without a person. */
export function decideAutoAnswer(ticket: TicketQuestion, best: BestAnswer | undefined, settings: SelfServiceSettings): AutoAnswerDecision {
  if (!settings.autoAnswerEnabled) return { propose: false, reason: 'disabled' };
  if (ticket.followUpOf !== null) return { propose: false, reason: 'follow-up' };
  if (!settings.autoAnswerPriorities.includes(ticket.priority)) return { propose: false, reason: 'priority' };
  if (ticket.category === null || !settings.autoAnswerCategories.includes(ticket.category)) return { propose: false, reason: 'category' };
  if (!best) return { propose: false, reason: 'no-article' };
  if (best.confidence < settings.autoAnswerThreshold) return { propose: false, reason: 'low-confidence' };
  if (best.score < settings.autoAnswerMinScore) return { propose: false, reason: 'low-score' };
  if (best.answer.trim().length === 0) return { propose: false, reason: 'no-answer-text' };
  return { propose: true };
}

/** Auto-answer outcome: awaiting until the ticket is resolved without a person (deflected) or a person is needed. */
export type AutoAnswerOutcome = 'awaiting' | 'deflected' | 'escalated';
