/** Every failure the feedback domain can report; the transport layer maps each code to a problem+json status. */
export enum FeedbackErrorCode {
  /** Token structure, encoding or payload unreadable → 401. */
  SurveyTokenMalformed = 'survey_token_malformed',
  /** Unknown key id or signature mismatch → 401. */
  SurveyTokenForged = 'survey_token_forged',
  /** Signature valid but past its expiry → 401. */
  SurveyTokenExpired = 'survey_token_expired',
  /** A key id or secret unusable for signing: a configuration fault, not bad input. */
  SurveyTokenKeyInvalid = 'survey_token_key_invalid',
  /** Survey fields to sign are missing or invalid: a programming fault in the caller. */
  SurveyTokenPayloadInvalid = 'survey_token_payload_invalid',
  /** Out-of-range or missing scores, over-long comment → 400. */
  SurveyResponseInvalid = 'survey_response_invalid',
  /** The survey was already answered with a different answer → 409. */
  SurveyAlreadyAnswered = 'survey_already_answered',
  /** The survey expired before it was answered → 401 (same as an expired token). */
  SurveyExpired = 'survey_expired',
  /** Survey settings out of range → 400. */
  SurveySettingsInvalid = 'survey_settings_invalid',
  /** A correctly signed token for a survey this service does not hold (e.g. another environment's) → 404. */
  SurveyNotFound = 'survey_not_found',
  /** Metrics query with an unusable range or grouping → 400. */
  MetricsQueryInvalid = 'metrics_query_invalid',
  /** A metrics rebuild is already running (on this or another replica) → 409. */
  MetricsRebuildRunning = 'metrics_rebuild_running',
  /** No rebuild with that id in this tenant (unknown, or its status has expired) → 404. */
  MetricsRebuildNotFound = 'metrics_rebuild_not_found',
}

/** One field-level problem, shaped like problem+json `errors[]`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class FeedbackException extends Error {
  constructor(
    readonly code: FeedbackErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'FeedbackException';
  }
}
