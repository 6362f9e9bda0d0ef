import { runServiceMain } from '@helpdesk/platform';
import { TRIAGE_MIGRATIONS } from '../migrations';
import { createTriageApp, SERVICE } from './app';
import { TriageConfig } from './config';

void runServiceMain({ service: SERVICE, configClass: TriageConfig, migrations: TRIAGE_MIGRATIONS, createApp: createTriageApp });
