import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TextModelJson, TrainingExample, TrainingTarget } from '../domain/classification';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import {
  ClassifierRepository,
  type ClassifierFigures,
  type ClassifierVersionSummary,
  type ModelFigures,
} from '../infrastructure/classifier.repository';
import { ClassifierTrainer } from '../infrastructure/classifier-trainer';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import type { TargetOutcome } from '../infrastructure/classifier-training.worker';
import { TenantClassifiers } from './tenant-classifiers.service';

export interface TrainClassifierCommand {
  tenantId: string;
  /** Labelled examples sent with the request; the tenant's recorded corrections are always added (they win). */
  examples: TrainingExample[];
}

export interface TrainingResult extends ClassifierVersionSummary {
  modelVersion: string;
}

/**
 * Trains the tenant's priority and queue models (a target needs two labels or more) off the event loop,
 * stores them as a new version with their held-out figures, and switches classification to them.
 */
@Injectable()
export class TrainClassifierUseCase {
  constructor(
    private readonly repository: ClassifierRepository,
    private readonly trainer: ClassifierTrainer,
    private readonly transactions: TransactionRunner,
    private readonly classifiers: TenantClassifiers,
  ) {}

  /** With a manager, the new version is stored in that transaction (the caller's idempotency record). */
  async execute(cmd: TrainClassifierCommand, manager?: EntityManager): Promise<TrainingResult> {
    const corrections = await this.repository.corrections(cmd.tenantId);
    const examples = [...cmd.examples, ...corrections];
    if (examples.length === 0) {
      throw new TriageException(
        TriageErrorCode.NotEnoughTrainingData,
        'no examples given and no corrections recorded yet',
      );
    }
    const targets: TrainingTarget[] = (['priority', 'queue'] as const).filter((t) =>
      examples.some((e) => typeof e[t] === 'string'),
    );
    const reply = await this.trainer.train(examples, targets);
    if (!reply.ok)
      throw new TriageException(TriageErrorCode.TrainingFailed, `training failed: ${reply.error}`);
    const skipped: Record<string, string> = {};
    for (const target of ['priority', 'queue'] as const) {
      if (!targets.includes(target)) skipped[target] = `no example has a ${target} label`;
    }
    const models: Record<TrainingTarget, TextModelJson | null> = { priority: null, queue: null };
    for (const target of targets) {
      const outcome: TargetOutcome | undefined = reply.outcomes[target];
      if (outcome && 'model' in outcome) models[target] = outcome.model;
      else skipped[target] = outcome?.skipped ?? 'not trained';
    }
    if (!models.priority && !models.queue) {
      throw new TriageException(
        TriageErrorCode.NotEnoughTrainingData,
        `nothing could be trained: ${Object.entries(skipped)
          .map(([t, why]) => `${t}: ${why}`)
          .join('; ')}`,
      );
    }
    const figures: ClassifierFigures = {
      priority: figuresOf(models.priority),
      queue: figuresOf(models.queue),
      skipped,
    };
    const version = { ...models, figures, examples: cmd.examples.length, corrections: corrections.length };
    const saved = manager
      ? await this.repository.saveVersion(manager, cmd.tenantId, version)
      : await this.transactions.run((m) => this.repository.saveVersion(m, cmd.tenantId, version));
    this.classifiers.invalidate(cmd.tenantId);
    return {
      ...saved,
      modelVersion: await this.classifiers.describe(cmd.tenantId, models.priority, models.queue),
    };
  }
}

function figuresOf(model: TextModelJson | null): ModelFigures | null {
  if (!model) return null;
  const e = model.evaluation;
  return {
    modelVersion: model.version,
    algorithm: model.algorithm,
    labels: [...model.labels],
    trainedOn: model.trainedOn,
    trainExamples: e?.trainExamples ?? 0,
    heldOutExamples: e?.heldOutExamples ?? 0,
    macroF1: round(e?.metrics.macroF1 ?? 0),
    accuracy: round(e?.metrics.accuracy ?? 0),
    perClass: Object.fromEntries(
      Object.entries(e?.metrics.perClass ?? {}).map(([label, m]) => [
        label,
        { precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), support: m.support },
      ]),
    ),
    majorityLabel: e?.majorityLabel ?? '',
    majorityBaseline: {
      macroF1: round(e?.majorityBaseline.macroF1 ?? 0),
      accuracy: round(e?.majorityBaseline.accuracy ?? 0),
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
