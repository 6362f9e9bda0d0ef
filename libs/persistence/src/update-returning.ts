import type { EntityManager } from 'typeorm';

/**
 * Runs an UPDATE … RETURNING and gives its rows. TypeORM's Postgres driver answers UPDATE and
 * DELETE with `[rows, affectedCount]` instead of the rows themselves.
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
