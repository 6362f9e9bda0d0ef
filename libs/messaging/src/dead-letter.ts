import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopic } from '@helpdesk/contracts';
import { HEADER_DLQ_REASON } from './correlation';

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: string;
  consumer: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Writes the original message to `<topic>.dlq` with why and where it failed, retrying until the
 * broker takes it (dropping it would lose the message) or `stopping()` says to give up.
 */
export async function sendToDeadLetter(
  producer: () => Promise<Producer>,
  letter: DeadLetter,
  stopping: () => boolean = () => false,
): Promise<void> {
  const { topic, partition, message, reason, consumer } = letter;
  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [HEADER_DLQ_REASON]: reason.slice(0, 2000),
    'dlq-original-topic': topic,
    'dlq-original-partition': String(partition),
    'dlq-original-offset': message.offset,
    'dlq-consumer': consumer,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await (await producer()).send({
        topic: deadLetterTopic(topic),
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers }],
      });
      return;
    } catch (err) {
      if (stopping()) throw err;
      await sleep(Math.min(200 * 2 ** Math.min(attempt, 6), 10_000));
    }
  }
}
