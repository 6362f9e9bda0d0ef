export const SLA_ERROR_CODES = [
  'INVALID_TIMEZONE',
  'INVALID_TIME_OF_DAY',
  'INVALID_PERIOD',
  'OVERLAPPING_PERIODS',
  'INVALID_DATE',
  'CONFLICTING_DAY',
  'INVALID_DURATION',
  'INVALID_INSTANT',
  'NO_BUSINESS_TIME',
  'INVALID_POLICY',
  'INVALID_CLOCK_STATE',
  'INVALID_TRANSITION',
] as const;
export type SlaErrorCode = (typeof SLA_ERROR_CODES)[number];

/** Raised for bad calendars, policies, durations or clock transitions; mapped to 4xx/409 at the edge. */
export class SlaException extends Error {
  constructor(
    readonly code: SlaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaException';
  }
}
