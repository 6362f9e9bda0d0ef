import { parentPort, workerData } from 'node:worker_threads';
import {
  TextModelError,
  priorityRulesFallback,
  trainModel,
  type TextModelJson,
  type TrainingExample,
  type TrainingTarget,
} from '../domain/classification';

/** What the trainer sends: the examples and which targets to learn. */
export interface TrainingJob {
  examples: TrainingExample[];
  targets: TrainingTarget[];
}

export type TargetOutcome = { model: TextModelJson } | { skipped: string };

export type TrainingReply =
  { ok: true; outcomes: Partial<Record<TrainingTarget, TargetOutcome>> } | { ok: false; error: string };

/** Training is seconds of pure CPU: it runs here, off the event loop that serves HTTP and Kafka heartbeats. */
function run(job: TrainingJob): TrainingReply {
  const outcomes: Partial<Record<TrainingTarget, TargetOutcome>> = {};
  for (const target of job.targets) {
    try {
      // A priority model is layered over the built-in rules: its confidence gate is chosen against them.
      const options = target === 'priority' ? { fallback: priorityRulesFallback() } : {};
      outcomes[target] = { model: trainModel(job.examples, target, options).toJSON() };
    } catch (err) {
      if (!(err instanceof TextModelError)) throw err;
      outcomes[target] = { skipped: err.message };
    }
  }
  return { ok: true, outcomes };
}

if (parentPort) {
  let reply: TrainingReply;
  try {
    reply = run(workerData as TrainingJob);
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
}
