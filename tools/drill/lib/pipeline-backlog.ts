import { Kafka, logLevel } from 'kafkajs';
import { superuserClient, type InfraSettings } from '../../bench/lib/stack';

export interface Backlog {
  /** Events written to a service's outbox and not yet published, per service schema. */
  unpublishedOutbox: Record<string, number | null>;
  /** Records on a topic the consumer group has not committed yet. */
  consumerLag: Record<string, number | null>;
}

/**
 * What is still in flight between acceptance and a ticket: ingestion's and triage's outboxes, and
 * triage's intake consumer lag. A message not yet in a ticket while this is not zero is late, not lost.
 */
export async function pipelineBacklog(infra: InfraSettings, groupPrefix: string): Promise<Backlog> {
  const unpublishedOutbox: Backlog['unpublishedOutbox'] = {};
  const client = superuserClient(infra);
  try {
    await client.connect();
    for (const schema of ['ingestion', 'triage']) {
      try {
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."outbox" WHERE "published_at" IS NULL`);
        unpublishedOutbox[schema] = Number(r.rows[0]?.n ?? 0);
      } catch {
        unpublishedOutbox[schema] = null;
      }
    }
  } catch {
    // PostgreSQL unreachable: the figures stay unknown
  } finally {
    await client.end().catch(() => undefined);
  }
  const consumerLag: Backlog['consumerLag'] = {};
  const kafka = new Kafka({ clientId: 'helpdesk-drill-admin', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topic = 'ingestion.messages.v1';
    const groupId = `${groupPrefix}triage.message-intake`;
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const end of ends) {
      const c = committed?.partitions.find((p) => p.partition === end.partition);
      const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(end.low);
      lag += Math.max(0, Number(end.high) - at);
    }
    consumerLag[`triage.message-intake on ${topic}`] = lag;
  } catch {
    consumerLag['triage.message-intake'] = null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return { unpublishedOutbox, consumerLag };
}

export function backlogTotal(b: Backlog): number {
  return [...Object.values(b.unpublishedOutbox), ...Object.values(b.consumerLag)].reduce<number>((s, v) => s + (v ?? 0), 0);
}
