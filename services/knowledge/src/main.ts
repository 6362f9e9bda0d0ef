import { runServiceMain } from '@helpdesk/platform';
import { KNOWLEDGE_MIGRATIONS } from '../migrations';
import { createKnowledgeApp, SERVICE } from './app';
import { KnowledgeConfig } from './config';

void runServiceMain({ service: SERVICE, configClass: KnowledgeConfig, migrations: KNOWLEDGE_MIGRATIONS, createApp: createKnowledgeApp });
