import type { CompiledLexicon, LexiconMatches, TermMatch } from './lexicon-matcher';
import type { TextModel } from './text-model';

export interface EmotionReading {
  readonly negative: boolean;
  /** 0 (calm) to 1 (furious): word strength, intensifiers, piled-up complaints and exclamation marks. */
  readonly intensity: number;
  /** The strongest lexicon hit, when the lexicon found one. */
  readonly evidence?: TermMatch;
  /** P(negative) from a trained model, when one is configured. */
  readonly modelProbability?: number;
}

export interface NegativeEmotionOptions {
  /** Label of the negative class in the model. */
  readonly negativeLabel: string;
  /** Model probability from which a text counts as negative. */
  readonly modelThreshold: number;
  /** Highest intensity the model alone may assign: it knows polarity, not how angry someone is. */
  readonly modelIntensityCap: number;
}

const DEFAULT_OPTIONS: NegativeEmotionOptions = { negativeLabel: 'negative', modelThreshold: 0.5, modelIntensityCap: 0.6 };
const EXCLAMATION = /[!！]/g;

/**
 * Negative emotion as an urgency input: lexicon terms that are not negated or hedged, strengthened by
 * intensifiers and exclamation marks; optionally widened by a trained polarity model for the tenant's domain.
 */
export class NegativeEmotionDetector {
  private readonly options: NegativeEmotionOptions;
  private readonly negativeIndex: number;

  constructor(
    private readonly lexicon: CompiledLexicon,
    private readonly model?: TextModel,
    options: Partial<NegativeEmotionOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.negativeIndex = model ? model.labels.indexOf(this.options.negativeLabel) : -1;
  }

  detect(text: string, matches: LexiconMatches = this.lexicon.match(text)): EmotionReading {
    const lexical = lexiconIntensity(text, matches);
    if (!this.model || this.negativeIndex < 0) {
      return { negative: lexical.intensity > 0, intensity: lexical.intensity, ...(lexical.evidence ? { evidence: lexical.evidence } : {}) };
    }
    const p = this.model.probabilities(text)[this.negativeIndex] ?? 0;
    const modelNegative = p >= this.options.modelThreshold;
    const intensity = Math.max(lexical.intensity, modelNegative ? this.options.modelIntensityCap * p : 0);
    return {
      negative: lexical.intensity > 0 || modelNegative,
      intensity: round(intensity),
      modelProbability: round(p),
      ...(lexical.evidence ? { evidence: lexical.evidence } : {}),
    };
  }
}

/** Intensity from the lexicon alone; 0 when no live negative-emotion term is present. */
export function lexiconIntensity(text: string, matches: LexiconMatches): { intensity: number; evidence?: TermMatch } {
  if (matches.suppressed.has('negative-emotion')) return { intensity: 0 };
  let strongest: TermMatch | undefined;
  let live = 0;
  let intensified = false;
  for (const m of matches.terms) {
    if (m.term.signal !== 'negative-emotion' || m.negated) continue;
    live++;
    intensified ||= m.intensified;
    if (!strongest || m.term.weight > strongest.term.weight) strongest = m;
  }
  if (!strongest) return { intensity: 0 };
  const exclamations = text.match(EXCLAMATION)?.length ?? 0;
  const intensity =
    strongest.term.weight + (intensified ? 0.15 : 0) + 0.1 * Math.min(2, live - 1) + (exclamations >= 2 ? 0.1 : 0);
  return { intensity: round(Math.min(1, intensity)), evidence: strongest };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
