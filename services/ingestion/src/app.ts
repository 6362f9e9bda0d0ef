import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createLogger, loadConfig } from '@helpdesk/platform';
import { IngestionConfig } from './config';
import { IngestionModule } from './ingestion.module';
import { LARGE_BODY_ROUTE } from './transport/large-body.decorator';

export const SERVICE = 'ingestion';

export async function createIngestionApp(
  env: Record<string, string | undefined> = process.env,
): Promise<{ app: NestFastifyApplication; config: IngestionConfig }> {
  const config = loadConfig(IngestionConfig, env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = await createHttpApp(IngestionModule.register(config, logger, env), {
    service: SERVICE,
    description: 'Channels in and out: messages, e-mail, WeChat, phone, customers',
    config,
    logger,
  });
  // Routes are registered when the app initialises, after this hook: raw e-mail routes get their own body limit.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const routeConfig: unknown = route.config;
      if (typeof routeConfig === 'object' && routeConfig !== null && LARGE_BODY_ROUTE in routeConfig)
        route.bodyLimit = config.EMAIL_BODY_LIMIT_BYTES;
    });
  return { app, config };
}
