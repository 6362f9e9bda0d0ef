import { ProblemException, type DomainErrorMapper } from '@helpdesk/platform';
import { FeedbackErrorCode, FeedbackException } from '../domain';

const statusOf = (code: FeedbackErrorCode): number => {
  switch (code) {
    case FeedbackErrorCode.SurveyTokenMalformed:
    case FeedbackErrorCode.SurveyTokenForged:
    case FeedbackErrorCode.SurveyTokenExpired:
    case FeedbackErrorCode.SurveyExpired:
      return 401;
    case FeedbackErrorCode.SurveyResponseInvalid:
    case FeedbackErrorCode.SurveySettingsInvalid:
    case FeedbackErrorCode.MetricsQueryInvalid:
      return 400;
    case FeedbackErrorCode.SurveyNotFound:
    case FeedbackErrorCode.MetricsRebuildNotFound:
      return 404;
    case FeedbackErrorCode.SurveyAlreadyAnswered:
    case FeedbackErrorCode.MetricsRebuildRunning:
      return 409;
    // Configuration or programming faults, never the caller's input.
    case FeedbackErrorCode.SurveyTokenKeyInvalid:
    case FeedbackErrorCode.SurveyTokenPayloadInvalid:
      return 500;
  }
};

export const mapFeedbackError: DomainErrorMapper = (error) => {
  if (!(error instanceof FeedbackException)) return undefined;
  const status = statusOf(error.code);
  if (status === 500)
    return new ProblemException(500, 'survey tokens are misconfigured', undefined, undefined, error.code);
  return new ProblemException(
    status,
    error.message,
    error.errors.length > 0 ? [...error.errors] : undefined,
    status === 401 ? { 'WWW-Authenticate': 'Bearer realm="survey"' } : undefined,
    error.code,
  );
};
