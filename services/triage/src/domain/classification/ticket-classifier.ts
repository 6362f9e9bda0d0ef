import { PRIORITIES, type Priority } from '@helpdesk/contracts';
import { DEFAULT_LEXICON, type Lexicon } from './lexicon';
import { CompiledLexicon } from './lexicon-matcher';
import { NegativeEmotionDetector } from './negative-emotion-detector';
import { DEFAULT_RULE_THRESHOLDS, PriorityRules, type RuleThresholds } from './priority-rules';
import { TextModelError, type ExplainedPrediction, type TextModel } from './text-model';
import { DEFAULT_MIN_CONFIDENCE, type FallbackAnswer } from './text-model-training';
import { axesOf, type Classification, type ClassificationInput, type ClassificationReason } from './classification.types';

export interface TicketClassifierConfig {
  /** The tenant's lexicon (DEFAULT_LEXICON merged with its overrides). */
  readonly lexicon?: Lexicon;
  readonly thresholds?: RuleThresholds;
  /** Learned from the tenant's labelled tickets and agents' corrections; labels must be P1–P4. */
  readonly priorityModel?: TextModel;
  /** Learned category/queue; its labels are the tenant's queue names. */
  readonly categoryModel?: TextModel;
  /** Learned polarity for the negative-emotion signal (label 'negative'). */
  readonly emotionModel?: TextModel;
  /**
   * Model probability needed before a learned answer replaces the rules'; when not given, each model's own
   * (chosen when it was trained), else DEFAULT_MIN_CONFIDENCE.
   */
  readonly minModelConfidence?: number;
}

const PRIORITY_SET: ReadonlySet<string> = new Set(PRIORITIES);

function isPriority(label: string): label is Priority {
  return PRIORITY_SET.has(label);
}

/**
 * Classifies a ticket: rules first; a confident learned priority replaces the rules' unless a hard signal
 * (security, outage, legal threat) fired; a confident learned category replaces the rules' category.
 * Build one per tenant configuration and reuse it: construction compiles the lexicon.
 */
export class TicketClassifier {
  readonly modelVersion: string;
  private readonly rules: PriorityRules;
  private readonly priorityModel: TextModel | undefined;
  private readonly categoryModel: TextModel | undefined;
  private readonly priorityConfidence: number;
  private readonly categoryConfidence: number;

  constructor(config: TicketClassifierConfig = {}) {
    const lexicon = config.lexicon ?? DEFAULT_LEXICON;
    const compiled = new CompiledLexicon(lexicon);
    this.rules = new PriorityRules(compiled, new NegativeEmotionDetector(compiled, config.emotionModel), config.thresholds ?? DEFAULT_RULE_THRESHOLDS);
    if (config.priorityModel && !config.priorityModel.labels.every(isPriority)) {
      throw new TextModelError('INVALID_MODEL', 'priority model labels must be P1–P4');
    }
    this.priorityModel = config.priorityModel;
    this.categoryModel = config.categoryModel;
    this.priorityConfidence = config.minModelConfidence ?? config.priorityModel?.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.categoryConfidence = config.minModelConfidence ?? config.categoryModel?.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.modelVersion = [
      `rules:${lexicon.version}`,
      ...(config.priorityModel ? [`priority:${config.priorityModel.version}`] : []),
      ...(config.categoryModel ? [`category:${config.categoryModel.version}`] : []),
      ...(config.emotionModel ? [`emotion:${config.emotionModel.version}`] : []),
    ].join('+');
  }

  classify(input: ClassificationInput): Classification {
    const outcome = this.rules.evaluate(input);
    let { priority, urgent, important, category, confidence } = outcome;
    const reasons: ClassificationReason[] = [...outcome.reasons];

    if (this.priorityModel && outcome.hardSignals.length === 0) {
      const predicted = this.priorityModel.explain(this.priorityModel.textOf(input), 3, this.priorityConfidence);
      if (predicted.probability >= this.priorityConfidence && isPriority(predicted.label)) {
        priority = predicted.label;
        ({ urgent, important } = axesOf(priority));
        confidence = round(predicted.probability);
        reasons.unshift({ signal: 'priority-model', weight: confidence, evidence: evidenceText(predicted) });
      }
    }
    if (this.categoryModel) {
      const predicted = this.categoryModel.explain(this.categoryModel.textOf(input), 3, this.categoryConfidence);
      if (predicted.probability >= this.categoryConfidence) {
        category = predicted.label;
        reasons.push({ signal: 'category-model', weight: round(predicted.probability), evidence: evidenceText(predicted) });
      }
    }
    return { priority, urgent, important, category, confidence, reasons, modelVersion: this.modelVersion, suppressed: outcome.suppressed };
  }

}

/**
 * The built-in rules as the answer a learned priority model is layered over (what `classify` falls back to
 * on text alone), for choosing the model's confidence gate at training time.
 */
export function priorityRulesFallback(lexicon: Lexicon = DEFAULT_LEXICON): FallbackAnswer {
  const compiled = new CompiledLexicon(lexicon);
  const rules = new PriorityRules(compiled, new NegativeEmotionDetector(compiled), DEFAULT_RULE_THRESHOLDS);
  return (text) => {
    const outcome = rules.evaluate({ body: text });
    return { label: outcome.priority, final: outcome.hardSignals.length > 0 };
  };
}

/** The words that drove a learned answer, e.g. "refund, charged twice". */
function evidenceText(predicted: ExplainedPrediction): string {
  return predicted.evidence.length > 0 ? predicted.evidence.map((e) => e.feature).join(', ') : predicted.label;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
