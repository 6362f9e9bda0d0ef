import { createKafka } from '@helpdesk/messaging';
import { createServiceDataSource } from '@helpdesk/persistence';
import { ConfigError, createLogger, loadConfig, runServiceMain } from '@helpdesk/platform';
import { FEEDBACK_MIGRATIONS } from '../migrations';
import { createFeedbackApp, SERVICE } from './app';
import { ProjectMetricsEventUseCase } from './application/project-metrics-event.usecase';
import { RebuildMetricsUseCase } from './application/rebuild-metrics.usecase';
import { FeedbackConfig } from './config';
import { MetricsRepository } from './infrastructure/metrics.repository';

/**
 * `main.js rebuild-metrics [--tenant <id>]` empties the metrics read model (of one tenant, or all)
 * and replays the topics from offset zero with a fresh consumer group, then exits; the service
 * may keep running meanwhile. Anything else is the usual `main.js [migrate]`.
 */
async function rebuildMetrics(argv: readonly string[]): Promise<void> {
  let config: FeedbackConfig;
  try {
    config = loadConfig(FeedbackConfig, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${SERVICE}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const tenantFlag = argv.indexOf('--tenant');
  const tenantId = tenantFlag >= 0 ? (argv[tenantFlag + 1] ?? '') : null;
  if (tenantId === '') {
    process.stderr.write(`${SERVICE}: --tenant needs a tenant id\n`);
    process.exit(64);
  }
  const dataSource = createServiceDataSource({
    service: SERVICE,
    db: {
      host: config.DB_HOST,
      port: config.DB_PORT,
      database: config.DB_NAME,
      user: config.DB_USER,
      password: config.DB_PASSWORD,
      poolSize: 2,
    },
    migrations: FEEDBACK_MIGRATIONS,
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS.split(','),
    clientId: `helpdesk-${SERVICE}-rebuild`,
    groupPrefix: config.KAFKA_GROUP_PREFIX,
  });
  try {
    await dataSource.initialize();
    const metrics = new MetricsRepository(dataSource);
    const rebuild = new RebuildMetricsUseCase(
      dataSource,
      kafka,
      metrics,
      new ProjectMetricsEventUseCase(metrics),
      {
        groupPrefix: config.KAFKA_GROUP_PREFIX,
        timeoutMs: config.METRICS_REBUILD_TIMEOUT_MS,
      },
    );
    const report = await rebuild.execute({ tenantId });
    logger.info(report, 'metrics read model rebuilt from offset zero');
    await dataSource.destroy();
    process.exit(0);
  } catch (error) {
    logger.fatal({ err: error }, 'metrics rebuild failed');
    process.exit(1);
  }
}

if (process.argv[2] === 'rebuild-metrics') {
  void rebuildMetrics(process.argv.slice(3));
} else {
  void runServiceMain({
    service: SERVICE,
    configClass: FeedbackConfig,
    migrations: FEEDBACK_MIGRATIONS,
    createApp: createFeedbackApp,
  });
}
