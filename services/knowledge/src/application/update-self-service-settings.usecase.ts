import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import type { SelfServiceSettings } from './self-service.policy';

export interface UpdateSelfServiceSettingsCommand {
  tenantId: string;
  /** Fields left out keep their current value. */
  changes: Partial<SelfServiceSettings>;
}

/** Changes a tenant's self-service rules; the next ticket is judged by them. */
@Injectable()
export class UpdateSelfServiceSettingsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: KnowledgeSettingsRepository,
  ) {}

  async execute(command: UpdateSelfServiceSettingsCommand): Promise<SelfServiceSettings & { updatedAt: string }> {
    const at = new Date();
    const next = await this.dataSource.transaction(async (manager) => {
      // Serialise concurrent partial updates of one tenant.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('knowledge.settings:' || $1))`, [command.tenantId]);
      const { updatedAt: _previous, ...current } = await this.settings.selfService(command.tenantId, manager);
      const c = command.changes;
      const merged: SelfServiceSettings = {
        autoAnswerEnabled: c.autoAnswerEnabled ?? current.autoAnswerEnabled,
        autoAnswerThreshold: c.autoAnswerThreshold ?? current.autoAnswerThreshold,
        autoAnswerMinScore: c.autoAnswerMinScore ?? current.autoAnswerMinScore,
        autoAnswerPriorities: c.autoAnswerPriorities ? [...new Set(c.autoAnswerPriorities)] : current.autoAnswerPriorities,
        autoAnswerCategories: c.autoAnswerCategories ? [...new Set(c.autoAnswerCategories.map((s) => s.trim()).filter(Boolean))] : current.autoAnswerCategories,
        gapMaxScore: c.gapMaxScore ?? current.gapMaxScore,
      };
      await this.settings.saveSelfService(manager, command.tenantId, merged, at);
      return merged;
    });
    return { ...next, updatedAt: at.toISOString() };
  }
}
