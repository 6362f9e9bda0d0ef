import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BusinessCalendar, type BusinessCalendarDefinition } from '../domain/sla';
import { SlaSettingsRepository, type StoredCalendar } from '../infrastructure/sla-settings.repository';

export interface SaveCalendarCommand {
  tenantId: string;
  calendarId: string;
  name: string;
  definition: BusinessCalendarDefinition;
}

/** PUT /v1/calendars/:id — the domain compiles it first, so a bad zone, period or date is a 400. */
@Injectable()
export class SaveCalendarUseCase {
  constructor(private readonly repository: SlaSettingsRepository) {}

  async execute(manager: EntityManager, cmd: SaveCalendarCommand): Promise<StoredCalendar> {
    BusinessCalendar.create(cmd.definition);
    return this.repository.upsertCalendar(manager, cmd.tenantId, {
      id: cmd.calendarId,
      name: cmd.name,
      definition: cmd.definition,
    });
  }
}
