import { FeedbackErrorCode, FeedbackException, FieldError } from '../feedback.exception';

/** A tenant's survey settings; absent settings fall back to the service defaults. */
export interface SurveySettings {
  readonly enabled: boolean;
  /** How long after resolution the survey goes out (a resolution is often reopened within minutes). */
  readonly delaySeconds: number;
  /** How long the link and the chat answer stay open after sending. */
  readonly validityHours: number;
}

export const MAX_SURVEY_DELAY_SECONDS = 30 * 24 * 3600;
export const MAX_SURVEY_VALIDITY_HOURS = 90 * 24;

export type SurveySuppression =
  /** The customer asked not to be surveyed. */
  | 'opted-out'
  /** The tenant switched surveys off. */
  | 'disabled'
  /** The ticket is itself the follow-up of a complaint or bad rating: the customer is told, not surveyed again. */
  | 'follow-up-ticket'
  /** The conversation's channel cannot carry a survey. */
  | 'unreachable'
  /** The resolution is older than a survey would stay open (a replayed or long-delayed event). */
  | 'stale';

export type SurveyScheduleDecision =
  | { readonly kind: 'schedule'; readonly dueAt: Date }
  | { readonly kind: 'suppress'; readonly reason: SurveySuppression };

export interface SurveyScheduleInput {
  readonly resolvedAt: Date;
  /** When the resolution is being handled. */
  readonly now: Date;
  readonly settings: SurveySettings;
  readonly optedOut: boolean;
  readonly followUpTicket: boolean;
}

/** Whether and when a resolved ticket gets its one survey. */
export function decideSurveySchedule(input: SurveyScheduleInput): SurveyScheduleDecision {
  if (input.optedOut) return { kind: 'suppress', reason: 'opted-out' };
  if (!input.settings.enabled) return { kind: 'suppress', reason: 'disabled' };
  if (input.followUpTicket) return { kind: 'suppress', reason: 'follow-up-ticket' };
  // Replaying the ticket topic must not survey customers about tickets closed long ago.
  const dueAt = new Date(input.resolvedAt.getTime() + input.settings.delaySeconds * 1000);
  if (input.now.getTime() >= surveyExpiry(dueAt, input.settings).getTime())
    return { kind: 'suppress', reason: 'stale' };
  return { kind: 'schedule', dueAt };
}

/** The link and chat answer expire this long after the survey was sent. */
export function surveyExpiry(sentAt: Date, settings: SurveySettings): Date {
  return new Date(sentAt.getTime() + settings.validityHours * 3600 * 1000);
}

/** Settings as an administrator sends them; every problem is named by field. */
export function validateSurveySettings(input: {
  readonly enabled?: unknown;
  readonly delaySeconds?: unknown;
  readonly validityHours?: unknown;
}): SurveySettings {
  const { enabled, delaySeconds, validityHours } = input;
  const delayValid = isIntegerIn(delaySeconds, 0, MAX_SURVEY_DELAY_SECONDS);
  const validityValid = isIntegerIn(validityHours, 1, MAX_SURVEY_VALIDITY_HOURS);
  if (typeof enabled === 'boolean' && delayValid && validityValid) {
    return { enabled, delaySeconds, validityHours };
  }
  const errors: FieldError[] = [];
  if (typeof enabled !== 'boolean') errors.push({ field: 'enabled', message: 'must be a boolean' });
  if (!delayValid)
    errors.push({
      field: 'delaySeconds',
      message: `must be an integer from 0 to ${MAX_SURVEY_DELAY_SECONDS}`,
    });
  if (!validityValid)
    errors.push({
      field: 'validityHours',
      message: `must be an integer from 1 to ${MAX_SURVEY_VALIDITY_HOURS}`,
    });
  throw new FeedbackException(FeedbackErrorCode.SurveySettingsInvalid, 'survey settings are invalid', errors);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
