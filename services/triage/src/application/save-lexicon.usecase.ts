import { Injectable } from '@nestjs/common';
import {
  CompiledLexicon,
  DEFAULT_LEXICON,
  mergeLexicon,
  type LexiconOverride,
} from '../domain/classification';
import { ClassifierRepository } from '../infrastructure/classifier.repository';
import { TenantClassifiers } from './tenant-classifiers.service';

/** PUT /v1/classifier/lexicon — the tenant's terms, hedges, negators and intensifiers on top of the built-in lexicon. */
@Injectable()
export class SaveLexiconUseCase {
  constructor(
    private readonly repository: ClassifierRepository,
    private readonly classifiers: TenantClassifiers,
  ) {}

  async execute(
    tenantId: string,
    override: LexiconOverride,
  ): Promise<{ override: LexiconOverride; updatedAt: string; terms: number }> {
    const merged = mergeLexicon(DEFAULT_LEXICON, override);
    // Compiling proves the merged lexicon is usable before it replaces the current one.
    new CompiledLexicon(merged);
    const updatedAt = await this.repository.saveLexicon(tenantId, override);
    this.classifiers.invalidate(tenantId);
    return { override, updatedAt, terms: merged.terms.length };
  }
}
