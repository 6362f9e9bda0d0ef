import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prefix for consumer group ids, so test runs and local development never share offsets. */
  groupPrefix: string;
}

export type KafkaLogSink = (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>) => void;

export function createKafka(settings: KafkaSettings, sink?: KafkaLogSink): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    logLevel: process.env.KAFKA_LOG_LEVEL === 'info' ? logLevel.INFO : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        if (!sink) return;
        const { message, ...extra } = log;
        const mapped = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
        sink(mapped, `kafka: ${message}`, extra);
      },
  });
}
