import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { parseSlaPolicy } from '../domain/sla';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { SlaSettingsRepository, type StoredSlaPolicy } from '../infrastructure/sla-settings.repository';
import { DEFAULT_CALENDAR_ID } from './sla-settings.service';

export interface SaveSlaPolicyCommand {
  tenantId: string;
  policyId: string;
  name: string;
  targets: unknown;
  warningFraction?: number;
  calendarId: string | null;
  isDefault?: boolean;
}

/**
 * PUT /v1/sla-policies/:id — validated by the domain (SlaException → 400). Running clocks keep the targets
 * they started with until their priority changes. The policy "default" is the tenant's default unless
 * another is marked so.
 */
@Injectable()
export class SaveSlaPolicyUseCase {
  constructor(private readonly repository: SlaSettingsRepository) {}

  async execute(manager: EntityManager, cmd: SaveSlaPolicyCommand): Promise<StoredSlaPolicy> {
    const policy = parseSlaPolicy({
      id: cmd.policyId,
      name: cmd.name,
      targets: cmd.targets,
      ...(cmd.warningFraction !== undefined ? { warningFraction: cmd.warningFraction } : {}),
    });
    if (
      cmd.calendarId !== null &&
      cmd.calendarId !== DEFAULT_CALENDAR_ID &&
      !(await this.repository.calendar(cmd.tenantId, cmd.calendarId, manager))
    ) {
      throw new TriageException(
        TriageErrorCode.UnknownCalendar,
        `no calendar "${cmd.calendarId}": configure it with PUT /v1/calendars/${cmd.calendarId}`,
      );
    }
    const currentDefault = await this.repository.defaultPolicy(cmd.tenantId, manager);
    const isDefault = cmd.isDefault ?? (cmd.policyId === 'default' || currentDefault?.id === cmd.policyId);
    return this.repository.upsertPolicy(manager, cmd.tenantId, {
      ...policy,
      calendarId: cmd.calendarId,
      isDefault,
    });
  }
}
