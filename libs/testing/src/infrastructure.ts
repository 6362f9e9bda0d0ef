import { createConnection } from 'node:net';

export interface TestInfrastructure {
  kafkaBrokers: string[];
  pg: { host: string; port: number; database: string };
  redis: { host: string; port: number };
}

export function testInfrastructure(): TestInfrastructure {
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    pg: {
      host: process.env.PG_HOST ?? '127.0.0.1',
      port: Number(process.env.PG_PORT ?? 5432),
      database: process.env.PG_DATABASE ?? 'helpdesk_test',
    },
    redis: { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) },
  };
}

function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Attaches to the running local infrastructure; fails with the command that starts it. */
export async function ensureTestInfrastructure(): Promise<TestInfrastructure> {
  const infra = testInfrastructure();
  const [kHost, kPort] = infra.kafkaBrokers[0].split(':');
  const checks: Array<[string, string, number]> = [
    ['Kafka', kHost, Number(kPort)],
    ['PostgreSQL', infra.pg.host, infra.pg.port],
    ['Redis', infra.redis.host, infra.redis.port],
  ];
  const down: string[] = [];
  for (const [name, host, port] of checks) {
    if (!(await reachable(host, port))) down.push(`${name} at ${host}:${port}`);
  }
  if (down.length > 0) {
    throw new Error(`test infrastructure not reachable: ${down.join(', ')}. Run 'npm test' (or 'bash deploy/local/infra.sh up').`);
  }
  return infra;
}
