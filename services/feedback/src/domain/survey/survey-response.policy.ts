import { FeedbackErrorCode, FeedbackException, FieldError } from '../feedback.exception';

export const CSAT_MIN = 1;
export const CSAT_MAX = 5;
export const NPS_MIN = 0;
export const NPS_MAX = 10;
/** Counted in Unicode code points, so a Chinese character or an emoji is one character. */
export const COMMENT_MAX_CHARS = 2000;

/** As it arrives from HTTP or a chat reply: anything, validated here. */
export interface SurveyResponseInput {
  readonly csat?: unknown;
  readonly nps?: unknown;
  readonly comment?: unknown;
}

/** A validated answer; a blank comment is stored as absent. */
export interface SurveyAnswer {
  readonly csat?: number;
  readonly nps?: number;
  readonly comment?: string;
}

export interface RecordedSurveyAnswer extends SurveyAnswer {
  readonly answeredAt: Date;
}

/** The survey row as the store holds it; `answer` set means the single use is spent. */
export interface SurveyState {
  readonly surveyId: string;
  readonly tenantId: string;
  readonly ticketId: string;
  readonly expiresAt: Date;
  readonly answer: RecordedSurveyAnswer | null;
}

export class SurveyResponseError extends FeedbackException {
  constructor(errors: readonly FieldError[]) {
    super(FeedbackErrorCode.SurveyResponseInvalid, 'survey response is invalid', errors);
    this.name = 'SurveyResponseError';
  }
}

export type SurveyResponseDecision =
  /** Store `answer` (conditionally on the row still being unanswered) and publish survey.completed. */
  | { readonly kind: 'accepted'; readonly answer: RecordedSurveyAnswer }
  /** The same answer again (a retry or a double tap): answer OK with the stored answer, change nothing. */
  | { readonly kind: 'duplicate'; readonly answer: RecordedSurveyAnswer }
  /** Already answered differently → 409; the first answer stands. */
  | { readonly kind: 'conflict'; readonly answer: RecordedSurveyAnswer; readonly error: FeedbackException }
  /** Not answered before it expired → 401 like an expired token. */
  | { readonly kind: 'expired'; readonly error: FeedbackException }
  /** Input out of range → 400 with one error per field. */
  | { readonly kind: 'invalid'; readonly error: SurveyResponseError };

export type SurveyAnswerValidation =
  | { readonly ok: true; readonly answer: SurveyAnswer }
  | { readonly ok: false; readonly error: SurveyResponseError };

export function validateSurveyResponse(input: unknown): SurveyAnswerValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      error: new SurveyResponseError([
        { field: 'body', message: 'must be an object with csat, nps or comment' },
      ]),
    };
  }
  const { csat, nps, comment } = input as SurveyResponseInput;
  const errors: FieldError[] = [];
  const csatValue = scoreIn(csat, CSAT_MIN, CSAT_MAX, 'csat', errors);
  const npsValue = scoreIn(nps, NPS_MIN, NPS_MAX, 'nps', errors);
  let commentValue: string | undefined;
  if (comment !== undefined && comment !== null) {
    if (typeof comment !== 'string') {
      errors.push({ field: 'comment', message: 'must be a string' });
    } else if (comment.includes('\u0000')) {
      // Neither PostgreSQL text nor JSON events can carry a NUL character.
      errors.push({ field: 'comment', message: 'must not contain NUL characters' });
    } else if ([...comment].length > COMMENT_MAX_CHARS) {
      errors.push({ field: 'comment', message: `must be at most ${COMMENT_MAX_CHARS} characters` });
    } else {
      const trimmed = comment.trim();
      commentValue = trimmed.length > 0 ? trimmed : undefined;
    }
  }
  if (errors.length === 0 && csatValue === undefined && npsValue === undefined) {
    errors.push({ field: 'csat', message: 'at least one of csat or nps is required' });
  }
  if (errors.length > 0) return { ok: false, error: new SurveyResponseError(errors) };
  return {
    ok: true,
    answer: {
      ...(csatValue === undefined ? {} : { csat: csatValue }),
      ...(npsValue === undefined ? {} : { nps: npsValue }),
      ...(commentValue === undefined ? {} : { comment: commentValue }),
    },
  };
}

/**
 * The single-use rule as a pure decision. The store must still apply "accepted" with a
 * conditional write (answer IS NULL) and, if it lost a race, call this again with the fresh row.
 * An identical repeat is answered OK even after expiry, so a retried request never flips to an error.
 */
export function applyResponse(survey: SurveyState, input: unknown, now: Date): SurveyResponseDecision {
  const validation = validateSurveyResponse(input);
  if (!validation.ok) return { kind: 'invalid', error: validation.error };
  const { answer } = validation;
  if (survey.answer !== null) {
    if (sameAnswer(survey.answer, answer)) return { kind: 'duplicate', answer: survey.answer };
    return {
      kind: 'conflict',
      answer: survey.answer,
      error: new FeedbackException(
        FeedbackErrorCode.SurveyAlreadyAnswered,
        'this survey has already been answered',
      ),
    };
  }
  if (now.getTime() >= survey.expiresAt.getTime()) {
    return {
      kind: 'expired',
      error: new FeedbackException(FeedbackErrorCode.SurveyExpired, 'this survey has expired'),
    };
  }
  return { kind: 'accepted', answer: { ...answer, answeredAt: now } };
}

function sameAnswer(stored: SurveyAnswer, incoming: SurveyAnswer): boolean {
  return (
    stored.csat === incoming.csat &&
    stored.nps === incoming.nps &&
    (stored.comment ?? '') === (incoming.comment ?? '')
  );
}

function scoreIn(
  value: unknown,
  min: number,
  max: number,
  field: string,
  errors: FieldError[],
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.push({ field, message: `must be an integer from ${min} to ${max}` });
    return undefined;
  }
  return value;
}
