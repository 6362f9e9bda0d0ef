import { Injectable } from '@nestjs/common';
import type { Channel, CustomerTier, Language } from '@helpdesk/contracts';
import {
  DEFAULT_LEXICON,
  TextModel,
  TicketClassifier,
  mergeLexicon,
  type Classification,
  type ClassificationInput,
  type Lexicon,
  type TextModelJson,
} from '../domain/classification';
import type { TicketClassification } from '../domain/ticket';
import { ClassifierRepository } from '../infrastructure/classifier.repository';

export interface ClassifyRequest {
  subject?: string;
  body: string;
  channel?: Channel;
  customerTier?: CustomerTier;
  language?: Language;
  contactCount?: number;
  waitedMinutes?: number;
}

interface CachedClassifier {
  stampKey: string;
  checkedAt: number;
  classifier: TicketClassifier;
  /** Labels of the learned queue model: a predicted category that is one of them names a queue. */
  learnedQueues: ReadonlySet<string>;
}

/** How long a replica trusts its cached classifier before checking for a newer model or lexicon. */
const STAMP_TTL_MS = 1000;

/**
 * One classifier per tenant: the rules with the tenant's lexicon, plus its latest trained priority and
 * queue models. Rebuilt when a new model version or lexicon edit appears (on any replica).
 */
@Injectable()
export class TenantClassifiers {
  private readonly cache = new Map<string, CachedClassifier>();
  private readonly building = new Map<string, Promise<CachedClassifier>>();

  constructor(private readonly repository: ClassifierRepository) {}

  async classify(
    tenantId: string,
    request: ClassifyRequest,
  ): Promise<{ classification: TicketClassification; learnedQueue: string | null }> {
    const entry = await this.entry(tenantId);
    const input: ClassificationInput = {
      body: request.body,
      ...(request.subject !== undefined ? { subject: request.subject } : {}),
      ...(request.channel !== undefined ? { channel: request.channel } : {}),
      ...(request.customerTier !== undefined ? { customerTier: request.customerTier } : {}),
      ...(request.language !== undefined ? { language: request.language } : {}),
      ...(request.contactCount !== undefined ? { contactCount: request.contactCount } : {}),
      ...(request.waitedMinutes !== undefined ? { waitedMinutes: request.waitedMinutes } : {}),
    };
    const result = entry.classifier.classify(input);
    const learned =
      result.reasons.some((r) => r.signal === 'category-model') && entry.learnedQueues.has(result.category);
    return { classification: toTicketClassification(result), learnedQueue: learned ? result.category : null };
  }

  async modelVersion(tenantId: string): Promise<string> {
    return (await this.entry(tenantId)).classifier.modelVersion;
  }

  /** The modelVersion a classifier built from these models (and the tenant's lexicon) reports. */
  async describe(
    tenantId: string,
    priority: TextModelJson | null,
    queue: TextModelJson | null,
  ): Promise<string> {
    const stored = await this.repository.lexicon(tenantId);
    const lexicon: Lexicon = stored ? mergeLexicon(DEFAULT_LEXICON, stored.override) : DEFAULT_LEXICON;
    return new TicketClassifier({
      lexicon,
      ...(priority ? { priorityModel: TextModel.fromJSON(priority) } : {}),
      ...(queue ? { categoryModel: TextModel.fromJSON(queue) } : {}),
    }).modelVersion;
  }

  /** Drops the cached classifier so the next call rebuilds it (after training or a lexicon edit here). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async entry(tenantId: string): Promise<CachedClassifier> {
    const cached = this.cache.get(tenantId);
    const now = Date.now();
    if (cached && now - cached.checkedAt < STAMP_TTL_MS) return cached;
    const stamp = await this.repository.stamp(tenantId);
    const stampKey = `${stamp.version ?? 0}|${stamp.lexiconUpdatedAt ?? ''}`;
    if (cached && cached.stampKey === stampKey) {
      cached.checkedAt = now;
      return cached;
    }
    const inFlight = this.building.get(`${tenantId}|${stampKey}`);
    if (inFlight) return inFlight;
    const build = this.build(tenantId, stamp.version, stampKey).finally(() =>
      this.building.delete(`${tenantId}|${stampKey}`),
    );
    this.building.set(`${tenantId}|${stampKey}`, build);
    return build;
  }

  private async build(tenantId: string, version: number | null, stampKey: string): Promise<CachedClassifier> {
    const stored = await this.repository.lexicon(tenantId);
    const lexicon: Lexicon = stored ? mergeLexicon(DEFAULT_LEXICON, stored.override) : DEFAULT_LEXICON;
    const models = version !== null ? await this.repository.models(tenantId, version) : null;
    const priorityModel = models?.priority ? TextModel.fromJSON(models.priority) : undefined;
    const queueModel = models?.queue ? TextModel.fromJSON(models.queue) : undefined;
    const classifier = new TicketClassifier({
      lexicon,
      ...(priorityModel ? { priorityModel } : {}),
      ...(queueModel ? { categoryModel: queueModel } : {}),
    });
    const entry: CachedClassifier = {
      stampKey,
      checkedAt: Date.now(),
      classifier,
      learnedQueues: new Set(queueModel?.labels ?? []),
    };
    this.cache.set(tenantId, entry);
    return entry;
  }
}

/** The domain result in the api.md shape (reasons keep their evidence spans; suppressed signals are shown too). */
export function toTicketClassification(c: Classification): TicketClassification {
  return {
    priority: c.priority,
    urgent: c.urgent,
    important: c.important,
    category: c.category,
    confidence: c.confidence,
    reasons: c.reasons.map((r) => ({
      signal: r.signal,
      weight: r.weight,
      evidence: r.evidence,
      ...(r.span ? { span: { ...r.span } } : {}),
    })),
    modelVersion: c.modelVersion,
    suppressed: c.suppressed.map((s) => ({
      signal: s.signal,
      evidence: s.evidence,
      by: s.by,
      ...(s.cue !== undefined ? { cue: s.cue } : {}),
    })),
  };
}
