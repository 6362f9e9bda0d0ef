import { getMetadataStorage } from 'class-validator';
import { ConfigError, loadConfig, type BaseServiceConfig } from '@helpdesk/platform';
import { FeedbackConfig } from '../../services/feedback/src/config';
import { IngestionConfig } from '../../services/ingestion/src/config';
import { KnowledgeConfig } from '../../services/knowledge/src/config';
import { TriageConfig } from '../../services/triage/src/config';
import type { ServiceExpectation } from './manifest.policy';

/** Every variable a config class reads: those with defaults and the optional, validated ones. */
function declaredVariables(cls: new () => BaseServiceConfig): string[] {
  const withDefaults = Object.keys(new cls());
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((m) => m.propertyName);
  return [...new Set([...withDefaults, ...validated])];
}

function expectation(
  name: string,
  httpPort: number,
  cls: new () => BaseServiceConfig,
  internetEgress: boolean,
  secrets: Record<string, string> = {},
): ServiceExpectation {
  return {
    name,
    httpPort,
    internetEgress,
    secrets: { DB_PASSWORD: 'sample-password', ...secrets },
    configVariables: declaredVariables(cls),
    validateEnv: (env) => {
      try {
        loadConfig(cls, env);
        return undefined;
      } catch (err) {
        if (err instanceof ConfigError) return err.problems.join('; ');
        throw err;
      }
    },
  };
}

/** The four services as api.md lists them, with their own config classes as the source of truth. */
export const SERVICE_EXPECTATIONS: readonly ServiceExpectation[] = [
  expectation('ingestion', 3001, IngestionConfig, true, {
    CHANNEL_SECRETS_KEY: '0123456789abcdef'.repeat(4),
    SMTP_USER: 'relay-user',
    SMTP_PASSWORD: 'relay-password',
  }),
  expectation('triage', 3002, TriageConfig, false),
  expectation('knowledge', 3003, KnowledgeConfig, false),
  expectation('feedback', 3004, FeedbackConfig, false, { SURVEY_TOKEN_KEYS: `k1:${'s'.repeat(48)}` }),
];
