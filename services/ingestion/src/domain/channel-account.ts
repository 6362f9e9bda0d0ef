import { CHANNELS, type Channel } from '@helpdesk/contracts';
import { IngestionErrorCode, IngestionException } from './ingestion.exception';

/** What a tenant configures per channel: protocol accounts in, partner webhooks out. */
export const CHANNEL_ACCOUNT_KINDS = ['email', 'wechat', 'phone', 'webhook'] as const;
export type ChannelAccountKind = (typeof CHANNEL_ACCOUNT_KINDS)[number];

export const isChannelAccountKind = (value: string): value is ChannelAccountKind =>
  (CHANNEL_ACCOUNT_KINDS as readonly string[]).includes(value);

/**
 * Where a secret lives: in an environment variable of the service (only names with the
 * CHANNEL_SECRET_ prefix, so an account can never point at the database password), or
 * encrypted in the row.
 */
export type SecretReference = { env: string } | { encrypted: string };

export const SECRET_ENV_PREFIX = 'CHANNEL_SECRET_';
const ENV_NAME = /^CHANNEL_SECRET_[A-Z0-9_]{1,100}$/;
const SECRET_NAME = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

export interface ChannelAccount {
  id: string;
  tenantId: string;
  channel: ChannelAccountKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, SecretReference>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Secrets each kind understands; `required` ones must be present for the account to work. */
const SECRET_SPEC: Record<ChannelAccountKind, { required: readonly string[]; optional: readonly string[] }> =
  {
    wechat: { required: ['token'], optional: ['encodingAesKey', 'appSecret'] },
    webhook: { required: ['secret'], optional: [] },
    email: { required: [], optional: [] },
    phone: { required: [], optional: [] },
  };

export interface ChannelAccountInput {
  settings: Record<string, unknown>;
  /** Secret names the account will have after the change. */
  secretNames: readonly string[];
}

type FieldProblem = { field: string; message: string };

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function checkSettings(kind: ChannelAccountKind, settings: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const optionalString = (name: string, pattern?: RegExp): void => {
    const value = settings[name];
    if (value === undefined) return;
    if (!isString(value) || value.length === 0 || value.length > 500 || (pattern && !pattern.test(value))) {
      problems.push({ field: `settings.${name}`, message: 'invalid value' });
    }
  };
  switch (kind) {
    case 'wechat': {
      optionalString('appId', /^[A-Za-z0-9_-]{4,64}$/);
      optionalString('originalId');
      const keys = settings.menuKeysAsMessages;
      if (keys !== undefined && !isStringArray(keys))
        problems.push({ field: 'settings.menuKeysAsMessages', message: 'must be an array of strings' });
      break;
    }
    case 'webhook': {
      const url = settings.url;
      if (!isString(url) || !/^https?:\/\/\S+$/i.test(url))
        problems.push({ field: 'settings.url', message: 'must be an http(s) URL' });
      const channels = settings.channels;
      if (
        channels !== undefined &&
        (!isStringArray(channels) || !channels.every((c) => (CHANNELS as readonly string[]).includes(c)))
      ) {
        problems.push({
          field: 'settings.channels',
          message: `must list channels of ${CHANNELS.join(', ')}`,
        });
      }
      break;
    }
    case 'email':
      optionalString('fromAddress', /^[^\s@]+@[^\s@]+$/);
      optionalString('fromName');
      break;
    case 'phone': {
      const hotlines = settings.hotlines;
      if (hotlines !== undefined && !isStringArray(hotlines))
        problems.push({ field: 'settings.hotlines', message: 'must be an array of strings' });
      break;
    }
  }
  return problems;
}

/** Refuses accounts that could never work; throws IngestionException naming every bad field. */
export function validateChannelAccount(kind: ChannelAccountKind, input: ChannelAccountInput): void {
  const spec = SECRET_SPEC[kind];
  const problems = checkSettings(kind, input.settings);
  for (const name of input.secretNames) {
    if (!spec.required.includes(name) && !spec.optional.includes(name)) {
      problems.push({ field: `secrets.${name}`, message: `unknown secret for a ${kind} account` });
    }
  }
  for (const name of spec.required) {
    if (!input.secretNames.includes(name))
      problems.push({ field: `secrets.${name}`, message: 'is required' });
  }
  if (problems.length > 0) {
    throw new IngestionException(
      IngestionErrorCode.InvalidChannelAccount,
      'the channel account is not valid',
      problems[0].field,
      problems,
    );
  }
}

/** Checks one secret reference from outside; returns the problem or null. */
export function secretReferenceProblem(name: string, ref: { env?: unknown; value?: unknown }): string | null {
  if (!SECRET_NAME.test(name)) return 'secret names are 1-40 letters and digits';
  const hasEnv = ref.env !== undefined;
  const hasValue = ref.value !== undefined;
  if (hasEnv === hasValue) return 'give exactly one of env or value';
  if (hasEnv && (!isString(ref.env) || !ENV_NAME.test(ref.env)))
    return `env must name a variable starting with ${SECRET_ENV_PREFIX}`;
  if (hasValue && (!isString(ref.value) || ref.value.length === 0 || ref.value.length > 4096))
    return 'value must be 1-4096 characters';
  return null;
}

/** Additional authenticated data binding a ciphertext to its tenant, account and secret name. */
export const secretContext = (
  tenantId: string,
  kind: ChannelAccountKind,
  accountName: string,
  secretName: string,
): string => `${tenantId}/${kind}/${accountName}/${secretName}`;

/** The webhook account that serves a conversation channel: one listing it, else one listing none. */
export function pickWebhookAccount(
  accounts: readonly ChannelAccount[],
  channel: Channel,
): ChannelAccount | null {
  const enabled = accounts.filter((a) => a.channel === 'webhook' && a.enabled);
  const listed = (a: ChannelAccount): string[] | null =>
    isStringArray(a.settings.channels) ? a.settings.channels : null;
  return enabled.find((a) => listed(a)?.includes(channel)) ?? enabled.find((a) => listed(a) === null) ?? null;
}

export const stringSetting = (account: ChannelAccount, name: string): string | null => {
  const value = account.settings[name];
  return isString(value) && value !== '' ? value : null;
};

export const stringListSetting = (account: ChannelAccount, name: string): string[] => {
  const value = account.settings[name];
  return isStringArray(value) ? value : [];
};
