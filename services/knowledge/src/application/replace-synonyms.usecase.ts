import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeText } from '@helpdesk/text';
import { EventPublisher } from '@helpdesk/messaging';
import { KnowledgeSettingsRepository } from '../infrastructure/knowledge-settings.repository';
import { KnowledgeErrorCode, KnowledgeException } from './knowledge.exception';
import { SearchIndexService } from './search-index.service';

export const MAX_SYNONYM_GROUPS = 1000;
export const MAX_GROUP_TERMS = 20;
export const MAX_TERM_LENGTH = 100;

export interface ReplaceSynonymsCommand {
  tenantId: string;
  groups: unknown;
}

/** Terms trimmed, repeats (after normalisation) dropped; every group must keep two or more terms. */
export function validSynonymGroups(groups: unknown): string[][] {
  const fail = (field: string, message: string): never => {
    throw new KnowledgeException(KnowledgeErrorCode.InvalidSynonyms, message, field);
  };
  if (!Array.isArray(groups)) return fail('groups', 'groups must be an array of arrays of terms.');
  if (groups.length > MAX_SYNONYM_GROUPS) return fail('groups', `at most ${MAX_SYNONYM_GROUPS} groups.`);
  return groups.map((group: unknown, i) => {
    if (!Array.isArray(group)) return fail(`groups.${i}`, 'a group must be an array of terms.');
    if (group.length > MAX_GROUP_TERMS) return fail(`groups.${i}`, `a group has at most ${MAX_GROUP_TERMS} terms.`);
    const terms: string[] = [];
    const seen = new Set<string>();
    group.forEach((term: unknown, j) => {
      if (typeof term !== 'string') return fail(`groups.${i}.${j}`, 'a term must be a string.');
      const trimmed = term.trim();
      if (trimmed.length === 0 || trimmed.length > MAX_TERM_LENGTH) return fail(`groups.${i}.${j}`, `a term has 1 to ${MAX_TERM_LENGTH} characters.`);
      const key = normalizeText(trimmed);
      if (seen.has(key)) return;
      seen.add(key);
      terms.push(trimmed);
    });
    if (terms.length < 2) return fail(`groups.${i}`, 'a group needs at least two different terms.');
    return terms;
  });
}

/** Replaces a tenant's synonym groups (花呗 = 蚂蚁花呗, refund = money back) on every replica. */
@Injectable()
export class ReplaceSynonymsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: KnowledgeSettingsRepository,
    private readonly publisher: EventPublisher,
    private readonly index: SearchIndexService,
  ) {}

  async execute(command: ReplaceSynonymsCommand): Promise<{ groups: string[][]; updatedAt: string }> {
    const groups = validSynonymGroups(command.groups);
    const at = new Date();
    await this.dataSource.transaction(async (manager) => {
      await this.settings.replaceSynonyms(manager, command.tenantId, groups, at);
      await this.publisher.publish(manager, {
        type: 'synonyms.changed',
        tenantId: command.tenantId,
        aggregateId: command.tenantId,
        payload: { groups: groups.length },
      });
    });
    this.index.setSynonyms(command.tenantId, groups);
    return { groups, updatedAt: at.toISOString() };
  }
}
