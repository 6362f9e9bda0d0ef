import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runMigrations, createServiceDataSource } from '@helpdesk/persistence';
import { ConfigError, loadConfig, type BaseServiceConfig } from './config';
import { createLogger } from './logger';

export interface ServiceMainOptions<C extends BaseServiceConfig> {
  service: string;
  configClass: new () => C;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  createApp: (env: Record<string, string | undefined>) => Promise<{ app: NestFastifyApplication; config: C }>;
}

/**
 * Entry point of a service process: `main.js migrate` applies migrations and exits (the Kubernetes
 * Job and `npm start` run it before the service); `main.js` serves.
 */
export async function runServiceMain<C extends BaseServiceConfig>(options: ServiceMainOptions<C>): Promise<void> {
  let config: C;
  try {
    config = loadConfig(options.configClass, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${options.service}: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(options.service, config.LOG_LEVEL);
  if (process.argv[2] === 'migrate') {
    try {
      const ds = createServiceDataSource({
        service: options.service,
        db: { host: config.DB_HOST, port: config.DB_PORT, database: config.DB_NAME, user: config.DB_USER, password: config.DB_PASSWORD, poolSize: 2 },
        migrations: options.migrations,
      });
      const applied = await runMigrations(ds);
      logger.info({ applied }, `migrations up to date (${applied.length} applied)`);
      process.exit(0);
    } catch (err) {
      logger.fatal({ err }, 'migration failed');
      process.exit(1);
    }
  }
  try {
    const { app } = await options.createApp(process.env);
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    logger.info({ url: `http://${config.HTTP_HOST}:${config.HTTP_PORT}`, docs: `http://${config.HTTP_HOST}:${config.HTTP_PORT}/docs` }, 'listening');
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
