import { ConfigError, loadConfig } from '@helpdesk/platform';
import { FeedbackConfig, surveyTokenKeysOf } from './config';
import { DEV_SURVEY_TOKEN_KEYS } from './infrastructure/survey-token-keys';

const secret = 's'.repeat(40);

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(FeedbackConfig, env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('FeedbackConfig', () => {
  it('refuses to start in production without survey token keys, naming the variable', () => {
    expect(problemsOf({ APP_ENV: 'production' })).toMatch(/^SURVEY_TOKEN_KEYS/mu);
  });

  it('signs with the first configured key and still verifies with the others', () => {
    const config = loadConfig(FeedbackConfig, {
      APP_ENV: 'production',
      SURVEY_TOKEN_KEYS: `new:${secret},old:${secret}x`,
    });
    expect(surveyTokenKeysOf(config).map((key) => key.id)).toEqual(['new', 'old']);
  });

  it('uses the development key only outside production', () => {
    const config = loadConfig(FeedbackConfig, { APP_ENV: 'development' });
    expect(surveyTokenKeysOf(config)).toEqual([
      { id: 'dev', secret: DEV_SURVEY_TOKEN_KEYS.slice('dev:'.length) },
    ]);
  });

  it('refuses a weak secret in any environment', () => {
    expect(problemsOf({ APP_ENV: 'test', SURVEY_TOKEN_KEYS: 'k1:short' })).toMatch(/^SURVEY_TOKEN_KEYS/mu);
  });

  it('reads the survey defaults and the public address', () => {
    const config = loadConfig(FeedbackConfig, {
      SURVEY_DEFAULT_DELAY_SECONDS: '0',
      SURVEY_DEFAULT_VALIDITY_HOURS: '24',
      PUBLIC_BASE_URL: 'https://help.example.com',
    });
    expect(config).toMatchObject({
      SURVEY_DEFAULT_DELAY_SECONDS: 0,
      SURVEY_DEFAULT_VALIDITY_HOURS: 24,
      PUBLIC_BASE_URL: 'https://help.example.com',
    });
    expect(problemsOf({ PUBLIC_BASE_URL: 'help.example.com' })).toMatch(/^PUBLIC_BASE_URL/mu);
    expect(problemsOf({ SURVEY_DEFAULT_DELAY_SECONDS: '-1' })).toMatch(/^SURVEY_DEFAULT_DELAY_SECONDS/mu);
  });
});
