import { SlaException, type SlaErrorCode } from './sla.exception';

/** The SlaException code a call throws, 'no error', or 'other error' for anything else. */
export function thrownSlaCode(fn: () => unknown): SlaErrorCode | 'no error' | 'other error' {
  try {
    fn();
  } catch (error: unknown) {
    return error instanceof SlaException ? error.code : 'other error';
  }
  return 'no error';
}
