import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createLogger, loadConfig } from '@helpdesk/platform';
import { FeedbackConfig } from './config';
import { FeedbackModule } from './feedback.module';

export const SERVICE = 'feedback';

export async function createFeedbackApp(
  env: Record<string, string | undefined> = process.env,
): Promise<{ app: NestFastifyApplication; config: FeedbackConfig }> {
  const config = loadConfig(FeedbackConfig, env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = await createHttpApp(FeedbackModule.register(config, logger), {
    service: SERVICE,
    description: 'Feedback: CSAT and NPS surveys, complaints, closed loop, service metrics',
    config,
    logger,
  });
  return { app, config };
}
