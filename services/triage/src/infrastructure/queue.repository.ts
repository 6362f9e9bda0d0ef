import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { forgetInTransaction, memoInTransaction } from '@helpdesk/persistence';
import type { Queue } from '../domain/routing';

interface QueueRow {
  tenant_id: string;
  id: string;
  name: string;
  skills: string[];
  vip: boolean;
  supervisor: boolean;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface StoredQueue extends Queue {
  skills: string[];
  vip: boolean;
  supervisor: boolean;
  isDefault: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export type QueueSettings = Pick<StoredQueue, 'name' | 'skills' | 'vip' | 'supervisor' | 'isDefault'>;

const toQueue = (r: QueueRow): StoredQueue => ({
  id: r.id,
  name: r.name,
  skills: r.skills,
  vip: r.vip,
  supervisor: r.supervisor,
  isDefault: r.is_default,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

@Injectable()
export class QueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Read once per transaction (every new ticket of a consumer's chunk routes with them). */
  async list(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<StoredQueue[]> {
    return memoInTransaction(manager, `triage.queues:${tenantId}`, async () => {
      const rows: QueueRow[] = await manager.query(
        `SELECT * FROM "triage"."queues" WHERE "tenant_id" = $1 ORDER BY "id"`,
        [tenantId],
      );
      return rows.map(toQueue);
    });
  }

  /** Creates or replaces a queue; a new default queue takes the role from the previous one. */
  async upsert(manager: EntityManager, tenantId: string, id: string, s: QueueSettings): Promise<StoredQueue> {
    forgetInTransaction(manager, `triage.queues:${tenantId}`);
    if (s.isDefault) {
      await manager.query(
        `UPDATE "triage"."queues" SET "is_default" = false, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" <> $2 AND "is_default"`,
        [tenantId, id],
      );
    }
    const rows: QueueRow[] = await manager.query(
      `INSERT INTO "triage"."queues" ("tenant_id", "id", "name", "skills", "vip", "supervisor", "is_default") VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("tenant_id", "id") DO UPDATE SET "name" = EXCLUDED."name", "skills" = EXCLUDED."skills", "vip" = EXCLUDED."vip",
         "supervisor" = EXCLUDED."supervisor", "is_default" = EXCLUDED."is_default", "updated_at" = now()
       RETURNING *`,
      [tenantId, id, s.name, [...s.skills], s.vip, s.supervisor, s.isDefault],
    );
    const row = rows[0];
    if (!row) throw new Error('queue upsert returned nothing');
    return toQueue(row);
  }
}
