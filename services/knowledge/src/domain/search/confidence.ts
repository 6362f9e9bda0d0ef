import type { ConfidenceSignals } from './search-document';

/**
 * Logistic model over the two signals. The default is the fit `tools/eval/faq-search.ts` prints for the
 * faq `dev` split, where near-duplicate articles make the margin the signal that matters; a tenant's own
 * helpful/not-helpful history is the better source for its threshold once it exists.
 */
export interface ConfidenceCalibration {
  intercept: number;
  topWeight: number;
  marginWeight: number;
}

export const DEFAULT_CONFIDENCE_CALIBRATION: ConfidenceCalibration = {
  intercept: -2.028,
  topWeight: -1.5209,
  marginWeight: 6.6686,
};

export function confidenceOf(signals: ConfidenceSignals, calibration: ConfidenceCalibration): number {
  const z =
    calibration.intercept + calibration.topWeight * signals.top + calibration.marginWeight * signals.margin;
  return 1 / (1 + Math.exp(-z));
}
