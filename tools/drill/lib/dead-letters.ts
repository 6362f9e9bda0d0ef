import { AssignerProtocol, Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { headerText } from '@helpdesk/messaging';
import { TailConsumer } from '../../bench/lib/tail-consumer';

export interface DeadLetter {
  topic: string;
  key: string;
  reason: string;
  consumer: string;
  tenantId: string | null;
  at: number;
}

const header = (message: KafkaMessage, name: string): string => headerText(message, name) ?? '';

function tenantOf(message: KafkaMessage): string | null {
  const fromHeader = header(message, 'tenant-id');
  if (fromHeader !== '') return fromHeader;
  try {
    const parsed: unknown = JSON.parse(message.value?.toString('utf8') ?? '');
    if (typeof parsed === 'object' && parsed !== null && 'tenantId' in parsed) {
      const t = parsed.tenantId;
      return typeof t === 'string' ? t : null;
    }
  } catch {
    // not JSON: no tenant to read
  }
  return null;
}

/** Everything that lands on the dead-letter topics from now on, with its reason and consumer headers. */
export class DeadLetterWatcher {
  readonly letters: DeadLetter[] = [];
  private readonly consumer: TailConsumer;

  constructor(brokers: string[], groupId: string, dlqTopics: string[]) {
    this.consumer = new TailConsumer(brokers, groupId, dlqTopics, (topic, message) => {
      this.letters.push({
        topic,
        key: message.key?.toString('utf8') ?? '',
        reason: header(message, 'dlq-reason'),
        consumer: header(message, 'dlq-consumer'),
        tenantId: tenantOf(message),
        at: Date.now(),
      });
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

/**
 * Which consumers (group id without the prefix) read which topics, from the members of the groups
 * with this prefix: what a poison record on a topic must reach. Groups still rebalancing after a
 * drill are asked again until all are stable (at most `timeoutMs`).
 */
export async function subscriptionsByTopic(brokers: string[], groupPrefix: string, exclude: (groupId: string) => boolean, timeoutMs = 60_000): Promise<Map<string, string[]>> {
  const kafka = new Kafka({ clientId: 'helpdesk-drill-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const byTopic = new Map<string, Set<string>>();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await admin.listGroups();
      const ids = groups.map((g) => g.groupId).filter((g) => g.startsWith(groupPrefix) && !exclude(g));
      const described = ids.length > 0 ? (await admin.describeGroups(ids)).groups : [];
      let unsettled = 0;
      for (const group of described) {
        // An empty group has no member now (e.g. a consumer of an earlier run): nothing reads for it.
        if (group.state === 'Empty' || group.state === 'Dead') continue;
        if (group.state !== 'Stable') unsettled++;
        for (const member of group.members) {
          let topics: string[] = [];
          try {
            topics = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? [];
          } catch {
            // a member of another protocol: nothing to read
          }
          const name = group.groupId.slice(groupPrefix.length);
          for (const t of topics) byTopic.set(t, (byTopic.get(t) ?? new Set<string>()).add(name));
        }
      }
      if ((unsettled === 0 && described.length > 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await admin.disconnect();
  }
  return new Map([...byTopic.entries()].map(([t, names]) => [t, [...names].sort()]));
}
