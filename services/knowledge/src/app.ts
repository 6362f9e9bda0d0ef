import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createLogger, loadConfig } from '@helpdesk/platform';
import { KnowledgeConfig } from './config';
import { KnowledgeModule } from './knowledge.module';
import { answerClientErrorsWithProblems } from './transport/client-error.problem';

export const SERVICE = 'knowledge';

export async function createKnowledgeApp(env: Record<string, string | undefined> = process.env): Promise<{ app: NestFastifyApplication; config: KnowledgeConfig }> {
  const config = loadConfig(KnowledgeConfig, env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = await createHttpApp(KnowledgeModule.register(config, logger), {
    service: SERVICE,
    description: 'Knowledge base: articles, zh/en search, suggestions, self-service answers, gaps',
    config,
    logger,
  });
  answerClientErrorsWithProblems(app.getHttpServer());
  return { app, config };
}
