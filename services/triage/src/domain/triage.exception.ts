export enum TriageErrorCode {
  TicketNotFound = 'ticket-not-found',
  InvalidTransition = 'invalid-transition',
  InvalidCursor = 'invalid-cursor',
  AgentNotFound = 'agent-not-found',
  AgentAtCapacity = 'agent-at-capacity',
  QueueNotFound = 'queue-not-found',
  SlaPolicyNotFound = 'sla-policy-not-found',
  CalendarNotFound = 'calendar-not-found',
  NothingToChange = 'nothing-to-change',
  UnknownAgent = 'unknown-agent',
  UnknownQueue = 'unknown-queue',
  UnknownCalendar = 'unknown-calendar',
  NotEnoughTrainingData = 'not-enough-training-data',
  ClassifierNotTrained = 'classifier-not-trained',
  TrainingFailed = 'training-failed',
}

export class TriageException extends Error {
  constructor(
    readonly code: TriageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TriageException';
  }
}
