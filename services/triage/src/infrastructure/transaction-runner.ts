import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/** Deadlock or serialisation failure: the whole transaction can simply run again. */
export function isRetryableTransactionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs work in one transaction and runs it again when Postgres aborts it for a deadlock: replicas that
 * assign and release agents concurrently can lock agent rows in different orders.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryTransaction(() => this.dataSource.transaction(work));
  }
}

export async function retryTransaction<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= MAX_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * n + Math.floor(Math.random() * 20)));
    }
  }
}
