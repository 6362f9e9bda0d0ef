import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createLogger, loadConfig } from '@helpdesk/platform';
import { TriageConfig } from './config';
import { TriageModule } from './triage.module';

export const SERVICE = 'triage';

export async function createTriageApp(env: Record<string, string | undefined> = process.env): Promise<{ app: NestFastifyApplication; config: TriageConfig }> {
  const config = loadConfig(TriageConfig, env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = await createHttpApp(TriageModule.register(config, logger), {
    service: SERVICE,
    description: 'Tickets: P1–P4 classification, routing, SLA clocks, agents and queues',
    config,
    logger,
  });
  return { app, config };
}
