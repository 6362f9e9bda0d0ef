import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { TOPICS, parseEvent, type TypedEnvelope } from '@helpdesk/contracts';
import { InjectConfig, InjectLogger, ServiceInfrastructure, type AppLogger } from '@helpdesk/platform';
import { AssociationRelearningService } from '../application/association-relearning.service';
import { SearchIndexService } from '../application/search-index.service';
import type { KnowledgeConfig } from '../config';
import type { ArticleFeedback } from '../domain/search';

/** Next offset to read, per partition. */
type Positions = Map<number, string>;

interface TenantChanges {
  articles: Set<string>;
  synonyms: boolean;
  feedback: Map<string, ArticleFeedback>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps this replica's search index in step with every replica's writes.
 *
 * At boot the end offsets of `knowledge.articles.v1` are read first, then the index is rebuilt from
 * Postgres, then a private consumer (a group of its own per replica, committing nothing) reads the
 * topic from those offsets. A change committed before the rebuild read is in the rows it read; one
 * committed after is published after the offsets were taken; so none is missed. Applying a change
 * re-reads the article's current row, so repeats and reordering are harmless.
 */
@Injectable()
export class ArticleChangesConsumer implements OnModuleInit, BeforeApplicationShutdown {
  readonly instanceId: string;
  private consumer: Consumer | undefined;
  private positions: Positions = new Map();
  private stopping = false;

  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly index: SearchIndexService,
    private readonly relearning: AssociationRelearningService,
    @InjectConfig() private readonly config: KnowledgeConfig,
    @InjectLogger() private readonly logger: AppLogger,
  ) {
    this.instanceId = config.INSTANCE_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60)}-${randomBytes(4).toString('hex')}`;
  }

  get groupId(): string {
    return `${this.config.KAFKA_GROUP_PREFIX}knowledge.index-sync.${this.instanceId}`;
  }

  async onModuleInit(): Promise<void> {
    const from = this.config.INDEX_SYNC_ENABLED ? await this.endOffsets() : undefined;
    const report = await this.index.rebuild(this.config.INDEX_REBUILD_BATCH);
    this.logger.info({ ...report }, 'search index rebuilt from Postgres');
    this.relearning.start();
    if (!from) return;
    this.positions = from;
    await this.follow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async endOffsets(): Promise<Positions> {
    const admin = this.infra.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(TOPICS.knowledgeArticles);
      return new Map(ends.map((e) => [e.partition, e.offset]));
    } finally {
      await admin.disconnect();
    }
  }

  private async follow(): Promise<void> {
    const consumer = this.infra.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer = consumer;
    // Nothing is committed, so a rejoin (kafkajs restarts the consumer itself after a broker outage)
    // would start at the topic's end: resume from what this replica has applied instead.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      try {
        for (const [partition, offset] of this.positions) consumer.seek({ topic: TOPICS.knowledgeArticles, partition, offset });
      } catch (err) {
        this.logger.warn({ err: String(err) }, 'index sync could not resume from its positions; rebuild on restart');
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.warn({ error: payload.error.message, restarting: payload.restart }, 'index sync consumer crashed');
      if (!payload.restart && !this.stopping) setTimeout(() => void this.restart(), 1000);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.knowledgeArticles], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.handleBatch(payload) });
    for (const [partition, offset] of this.positions) consumer.seek({ topic: TOPICS.knowledgeArticles, partition, offset });
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    try {
      await this.follow();
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'index sync consumer restart failed; retrying');
      setTimeout(() => void this.restart(), 2000);
    }
  }

  private async handleBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> {
    const byTenant = new Map<string, TenantChanges>();
    for (const message of batch.messages) {
      let event: TypedEnvelope;
      try {
        event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? '') as unknown);
      } catch (err) {
        // The index follows valid changes only; what it cannot read is set aside with the reason.
        const reason = `invalid event: ${err instanceof Error ? err.message : String(err)}`;
        this.logger.error({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason }, 'event dead-lettered');
        await this.infra.deadLetter({ topic: batch.topic, partition: batch.partition, message, reason, consumer: `knowledge.index-sync.${this.instanceId}` });
        continue;
      }
      let changes = byTenant.get(event.tenantId);
      if (!changes) byTenant.set(event.tenantId, (changes = { articles: new Set(), synonyms: false, feedback: new Map() }));
      if (event.type === 'article.changed') changes.articles.add(event.payload.articleId);
      else if (event.type === 'synonyms.changed') changes.synonyms = true;
      else if (event.type === 'article.feedback-recorded') {
        changes.feedback.set(event.payload.articleId, { helpful: event.payload.helpfulCount, notHelpful: event.payload.notHelpfulCount });
      }
    }
    // A database hiccup must not drop a change: retry until it applies or the replica stops.
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        for (const [tenantId, changes] of byTenant) {
          // Votes first: a re-read article row carries counts at least as new as any vote event before it.
          for (const [articleId, feedback] of changes.feedback) this.index.setFeedback(tenantId, articleId, feedback);
          if (changes.articles.size > 0) await this.index.refreshArticles(tenantId, [...changes.articles]);
          if (changes.synonyms) await this.index.refreshSynonyms(tenantId);
        }
        break;
      } catch (err) {
        if (attempt === 1 || attempt % 10 === 0) this.logger.warn({ err: String(err), attempt }, 'applying article changes failed; retrying');
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 7), 10_000));
        await heartbeat().catch(() => undefined);
      }
    }
    // Any vote may add or drop an answered question (a helpful vote with a ticket, a changed mind); an
    // edited title changes the pairs it is in. Relearning runs in the background, coalesced per tenant.
    for (const [tenantId, changes] of byTenant) {
      if (changes.feedback.size > 0 || (changes.articles.size > 0 && this.index.hasLearned(tenantId))) this.relearning.request(tenantId);
    }
    const last = batch.lastOffset();
    resolveOffset(last);
    this.positions.set(batch.partition, (BigInt(last) + 1n).toString());
  }
}
