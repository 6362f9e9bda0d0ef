// Waits for the broker to answer, then creates every topic of the catalogue and its .dlq.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const catalogue = JSON.parse(readFileSync(new URL('../../libs/contracts/topics.json', import.meta.url), 'utf8'));
const broker = process.argv[2] ?? '127.0.0.1:9092';

const kafka = new Kafka({ clientId: 'helpdesk-infra', brokers: [broker], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const deadline = Date.now() + 90_000;
for (;;) {
  try {
    await admin.connect();
    await admin.describeCluster();
    break;
  } catch (err) {
    if (Date.now() > deadline) {
      console.error(`[infra] Kafka at ${broker} not ready: ${err.message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
const existing = new Set(await admin.listTopics());
const wanted = catalogue.topics.flatMap((t) => [
  { topic: t.name, numPartitions: t.partitions, replicationFactor: 1 },
  { topic: `${t.name}.dlq`, numPartitions: catalogue.deadLetterPartitions, replicationFactor: 1 },
]);
const missing = wanted.filter((t) => !existing.has(t.topic));
if (missing.length > 0) {
  await admin.createTopics({ topics: missing, waitForLeaders: true });
}
console.error(`[infra] Kafka ready on ${broker}: ${wanted.length} topics (${missing.length} created)`);
await admin.disconnect();
