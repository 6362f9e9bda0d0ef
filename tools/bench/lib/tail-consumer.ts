import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';

/**
 * A consumer that reads topics from their end at start (only what happens from now on) and keeps
 * reading through broker restarts: kafkajs gives up on some errors, so it starts itself again.
 */
export class TailConsumer {
  restarts = 0;
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private stopping = false;

  constructor(
    brokers: string[],
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly onMessage: (topic: string, message: KafkaMessage) => void,
  ) {
    this.kafka = new Kafka({ clientId: 'helpdesk-bench', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 } });
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of this.topics) {
        if (!existing.has(topic)) throw new Error(`topic ${topic} does not exist`);
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({ groupId: this.groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      }
    } finally {
      await admin.disconnect();
    }
    await this.run();
  }

  private async run(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping) setTimeout(() => void this.restart(), 1000);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ topic, message }) => {
        this.onMessage(topic, message);
      },
    });
    await Promise.race([joined, new Promise((r) => setTimeout(r, 30_000))]);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    this.restarts++;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    try {
      await this.run();
    } catch {
      setTimeout(() => void this.restart(), 2000);
    }
  }

  /** Leaves the group and deletes it, so runs leave no consumer groups behind. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // a group that cannot be deleted now expires with Kafka's offsets retention
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
