import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SurveySettings } from '../domain';
import { InjectConfig } from '@helpdesk/platform';
import type { FeedbackConfig } from '../config';

export interface SurveyOptOut {
  readonly customerId: string;
  readonly reason: string | null;
  readonly optedOutAt: Date;
}

/** Per-tenant survey settings (service defaults when a tenant has none) and customers' opt-outs. */
@Injectable()
export class SurveySettingsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: FeedbackConfig,
  ) {}

  defaults(): SurveySettings {
    return {
      enabled: true,
      delaySeconds: this.config.SURVEY_DEFAULT_DELAY_SECONDS,
      validityHours: this.config.SURVEY_DEFAULT_VALIDITY_HOURS,
    };
  }

  async get(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<SurveySettings> {
    const rows: Array<{ enabled: boolean; delay_seconds: number; validity_hours: number }> =
      await manager.query(
        `SELECT "enabled", "delay_seconds", "validity_hours" FROM "feedback"."survey_settings" WHERE "tenant_id" = $1`,
        [tenantId],
      );
    const row = rows[0];
    return row === undefined
      ? this.defaults()
      : { enabled: row.enabled, delaySeconds: row.delay_seconds, validityHours: row.validity_hours };
  }

  async put(tenantId: string, settings: SurveySettings): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "feedback"."survey_settings" ("tenant_id", "enabled", "delay_seconds", "validity_hours")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT "pk_survey_settings" DO UPDATE
         SET "enabled" = EXCLUDED."enabled", "delay_seconds" = EXCLUDED."delay_seconds",
             "validity_hours" = EXCLUDED."validity_hours", "updated_at" = now()`,
      [tenantId, settings.enabled, settings.delaySeconds, settings.validityHours],
    );
  }

  async isOptedOut(manager: EntityManager, tenantId: string, customerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "feedback"."survey_opt_outs" WHERE "tenant_id" = $1 AND "customer_id" = $2`,
      [tenantId, customerId],
    );
    return rows.length > 0;
  }

  /** Idempotent: opting out twice keeps the first time and reason. */
  async optOut(tenantId: string, customerId: string, reason: string | null): Promise<SurveyOptOut> {
    await this.dataSource.query(
      `INSERT INTO "feedback"."survey_opt_outs" ("tenant_id", "customer_id", "reason") VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT "pk_survey_opt_outs" DO NOTHING`,
      [tenantId, customerId, reason],
    );
    const rows: Array<{ customer_id: string; reason: string | null; opted_out_at: Date }> =
      await this.dataSource.query(
        `SELECT "customer_id", "reason", "opted_out_at" FROM "feedback"."survey_opt_outs" WHERE "tenant_id" = $1 AND "customer_id" = $2`,
        [tenantId, customerId],
      );
    const row = rows[0];
    return { customerId, reason: row?.reason ?? reason, optedOutAt: row?.opted_out_at ?? new Date() };
  }

  async optIn(tenantId: string, customerId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "feedback"."survey_opt_outs" WHERE "tenant_id" = $1 AND "customer_id" = $2`,
      [tenantId, customerId],
    );
  }
}
