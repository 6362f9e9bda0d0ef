import type { EntityManager } from 'typeorm';

/** Rows of an `UPDATE … RETURNING`: TypeORM answers UPDATE and DELETE with `[rows, rowCount]`. */
export async function returningRows<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
