import { runServiceMain } from '@helpdesk/platform';
import { INGESTION_MIGRATIONS } from '../migrations';
import { createIngestionApp, SERVICE } from './app';
import { IngestionConfig } from './config';

void runServiceMain({
  service: SERVICE,
  configClass: IngestionConfig,
  migrations: INGESTION_MIGRATIONS,
  createApp: createIngestionApp,
});
