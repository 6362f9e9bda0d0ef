import { InvalidCursorError } from '@helpdesk/persistence';
import { ProblemException, type DomainErrorMapper } from '@helpdesk/platform';
import { TextModelError } from '../domain/classification';
import { SlaException, type SlaErrorCode } from '../domain/sla';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';

const statusOf = (code: TriageErrorCode): number => {
  switch (code) {
    case TriageErrorCode.TicketNotFound:
    case TriageErrorCode.AgentNotFound:
    case TriageErrorCode.QueueNotFound:
    case TriageErrorCode.SlaPolicyNotFound:
    case TriageErrorCode.CalendarNotFound:
    case TriageErrorCode.ClassifierNotTrained:
      return 404;
    case TriageErrorCode.InvalidTransition:
    case TriageErrorCode.AgentAtCapacity:
      return 409;
    case TriageErrorCode.InvalidCursor:
    case TriageErrorCode.NothingToChange:
      return 400;
    case TriageErrorCode.UnknownAgent:
    case TriageErrorCode.UnknownQueue:
    case TriageErrorCode.UnknownCalendar:
    case TriageErrorCode.NotEnoughTrainingData:
    case TriageErrorCode.TrainingFailed:
      return 422;
  }
};

const slaStatusOf = (code: SlaErrorCode): number => {
  switch (code) {
    case 'INVALID_TIMEZONE':
    case 'INVALID_TIME_OF_DAY':
    case 'INVALID_PERIOD':
    case 'OVERLAPPING_PERIODS':
    case 'INVALID_DATE':
    case 'CONFLICTING_DAY':
    case 'INVALID_DURATION':
    case 'INVALID_INSTANT':
    case 'INVALID_POLICY':
      return 400;
    case 'NO_BUSINESS_TIME':
    case 'INVALID_CLOCK_STATE':
      return 422;
    case 'INVALID_TRANSITION':
      return 409;
  }
};

export const mapTriageError: DomainErrorMapper = (error) => {
  if (error instanceof InvalidCursorError)
    return new ProblemException(400, 'cursor is not valid', [{ field: 'cursor', message: 'invalid' }]);
  if (error instanceof TriageException)
    return new ProblemException(statusOf(error.code), error.message, undefined, undefined, error.code);
  if (error instanceof SlaException)
    return new ProblemException(
      slaStatusOf(error.code),
      error.message,
      undefined,
      undefined,
      error.code.toLowerCase().replace(/_/g, '-'),
    );
  if (error instanceof TextModelError)
    return new ProblemException(
      422,
      error.message,
      undefined,
      undefined,
      error.code.toLowerCase().replace(/_/g, '-'),
    );
  return undefined;
};
