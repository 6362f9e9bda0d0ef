import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { forgetInTransaction, memoInTransaction } from '@helpdesk/persistence';
import type { BusinessCalendarDefinition, SlaPolicy, SlaTarget, TicketPriority } from '../domain/sla';

interface PolicyRow {
  tenant_id: string;
  id: string;
  name: string;
  targets: Record<TicketPriority, SlaTarget>;
  warning_fraction: number;
  calendar_id: string | null;
  is_default: boolean;
  updated_at: Date;
}

interface CalendarRow {
  tenant_id: string;
  id: string;
  name: string;
  definition: BusinessCalendarDefinition;
  updated_at: Date;
}

/** A tenant's policy: the domain policy plus the calendar its business-hours targets count on. */
export interface StoredSlaPolicy extends SlaPolicy {
  calendarId: string | null;
  isDefault: boolean;
  updatedAt: string | null;
}

export interface StoredCalendar {
  id: string;
  name: string;
  definition: BusinessCalendarDefinition;
  updatedAt: string | null;
}

const toPolicy = (r: PolicyRow): StoredSlaPolicy => ({
  id: r.id,
  name: r.name,
  targets: r.targets,
  warningFraction: r.warning_fraction,
  calendarId: r.calendar_id,
  isDefault: r.is_default,
  updatedAt: r.updated_at.toISOString(),
});

const toCalendar = (r: CalendarRow): StoredCalendar => ({
  id: r.id,
  name: r.name,
  definition: r.definition,
  updatedAt: r.updated_at.toISOString(),
});

@Injectable()
export class SlaSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async policies(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredSlaPolicy[]> {
    const rows: PolicyRow[] = await manager.query(
      `SELECT * FROM "triage"."sla_policies" WHERE "tenant_id" = $1 ORDER BY "id"`,
      [tenantId],
    );
    return rows.map(toPolicy);
  }

  async policy(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredSlaPolicy | null> {
    const rows: PolicyRow[] = await manager.query(
      `SELECT * FROM "triage"."sla_policies" WHERE "tenant_id" = $1 AND "id" = $2`,
      [tenantId, id],
    );
    return rows[0] ? toPolicy(rows[0]) : null;
  }

  async defaultPolicy(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredSlaPolicy | null> {
    // Once per transaction: every new ticket of a consumer's chunk starts its clocks with it.
    return memoInTransaction(manager, `triage.sla-policies:${tenantId}`, async () => {
      const rows: PolicyRow[] = await manager.query(
        `SELECT * FROM "triage"."sla_policies" WHERE "tenant_id" = $1 AND "is_default"`,
        [tenantId],
      );
      return rows[0] ? toPolicy(rows[0]) : null;
    });
  }

  /** Creates or replaces a policy; a new default takes the role from the previous one. */
  async upsertPolicy(
    manager: EntityManager,
    tenantId: string,
    p: Omit<StoredSlaPolicy, 'updatedAt'>,
  ): Promise<StoredSlaPolicy> {
    forgetInTransaction(manager, `triage.sla-policies:${tenantId}`);
    if (p.isDefault) {
      await manager.query(
        `UPDATE "triage"."sla_policies" SET "is_default" = false, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" <> $2 AND "is_default"`,
        [tenantId, p.id],
      );
    }
    const rows: PolicyRow[] = await manager.query(
      `INSERT INTO "triage"."sla_policies" ("tenant_id", "id", "name", "targets", "warning_fraction", "calendar_id", "is_default")
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
       ON CONFLICT ("tenant_id", "id") DO UPDATE SET "name" = EXCLUDED."name", "targets" = EXCLUDED."targets",
         "warning_fraction" = EXCLUDED."warning_fraction", "calendar_id" = EXCLUDED."calendar_id", "is_default" = EXCLUDED."is_default", "updated_at" = now()
       RETURNING *`,
      [tenantId, p.id, p.name, JSON.stringify(p.targets), p.warningFraction, p.calendarId, p.isDefault],
    );
    const row = rows[0];
    if (!row) throw new Error('policy upsert returned nothing');
    return toPolicy(row);
  }

  async calendars(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredCalendar[]> {
    const rows: CalendarRow[] = await manager.query(
      `SELECT * FROM "triage"."business_calendars" WHERE "tenant_id" = $1 ORDER BY "id"`,
      [tenantId],
    );
    return rows.map(toCalendar);
  }

  async calendar(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredCalendar | null> {
    return memoInTransaction(manager, `triage.calendars:${tenantId}:${id}`, async () => {
      const rows: CalendarRow[] = await manager.query(
        `SELECT * FROM "triage"."business_calendars" WHERE "tenant_id" = $1 AND "id" = $2`,
        [tenantId, id],
      );
      return rows[0] ? toCalendar(rows[0]) : null;
    });
  }

  async upsertCalendar(
    manager: EntityManager,
    tenantId: string,
    c: Omit<StoredCalendar, 'updatedAt'>,
  ): Promise<StoredCalendar> {
    forgetInTransaction(manager, `triage.calendars:${tenantId}:`);
    const rows: CalendarRow[] = await manager.query(
      `INSERT INTO "triage"."business_calendars" ("tenant_id", "id", "name", "definition") VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT ("tenant_id", "id") DO UPDATE SET "name" = EXCLUDED."name", "definition" = EXCLUDED."definition", "updated_at" = now()
       RETURNING *`,
      [tenantId, c.id, c.name, JSON.stringify(c.definition)],
    );
    const row = rows[0];
    if (!row) throw new Error('calendar upsert returned nothing');
    return toCalendar(row);
  }
}
