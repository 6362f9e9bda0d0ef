import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import type { TrainingExample, TrainingTarget } from '../domain/classification';
import type { TrainingJob, TrainingReply } from './classifier-training.worker';

/**
 * The compiled worker script. Running from TypeScript sources (tests), the build output beside them is
 * used: a worker thread cannot load .ts files.
 */
function workerScript(): string {
  const compiled = join(__dirname, 'classifier-training.worker.js');
  if (existsSync(compiled)) return compiled;
  const built = join(__dirname, '..', '..', 'dist', 'src', 'infrastructure', 'classifier-training.worker.js');
  if (existsSync(built)) return built;
  throw new Error(`classifier training worker not found (${compiled}); run the build first`);
}

/** Trains models in a worker thread, one training at a time per process (the machine's cores are shared). */
@Injectable()
export class ClassifierTrainer {
  private queue: Promise<unknown> = Promise.resolve();

  train(examples: TrainingExample[], targets: TrainingTarget[]): Promise<TrainingReply> {
    const job: TrainingJob = { examples, targets };
    const next = this.queue.then(() => this.runWorker(job));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private runWorker(job: TrainingJob): Promise<TrainingReply> {
    return new Promise<TrainingReply>((resolve, reject) => {
      const worker = new Worker(workerScript(), { workerData: job });
      let settled = false;
      worker.once('message', (reply: TrainingReply) => {
        settled = true;
        resolve(reply);
        void worker.terminate();
      });
      worker.once('error', (err: Error) => {
        if (!settled) reject(err);
        settled = true;
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`training worker exited with code ${code}`));
        settled = true;
      });
    });
  }
}
