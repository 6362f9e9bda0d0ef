import { isUniqueViolation } from '@helpdesk/persistence';

/**
 * Runs a transaction again when it lost a race on a unique constraint (two first messages of one
 * new customer): the retry finds the winner's rows. Idempotency keys are not retried: they mean
 * the same request was already answered.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err: unknown) {
      if (attempt < attempts && isUniqueViolation(err) && !isUniqueViolation(err, 'pk_idempotency_keys'))
        continue;
      throw err;
    }
  }
}
