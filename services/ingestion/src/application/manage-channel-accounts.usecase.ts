import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  secretReferenceProblem,
  validateChannelAccount,
  type ChannelAccount,
  type ChannelAccountKind,
  type SecretReference,
} from '../domain/channel-account';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { ChannelSecrets } from '../infrastructure/channel-secrets';

/** A secret as given by an administrator: a value to encrypt, an environment variable to read, or null to remove it. */
export type SecretInput = { value: string } | { env: string } | null;

export interface UpsertChannelAccountCommand {
  tenantId: string;
  channel: ChannelAccountKind;
  name: string;
  settings: Record<string, unknown>;
  /** Merged into the account's secrets: secrets not named stay as they are. */
  secrets: Record<string, SecretInput>;
  enabled: boolean;
}

/** An account as shown to administrators: where each secret lives, never its value. */
export interface ChannelAccountView {
  id: string;
  channel: ChannelAccountKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, { source: 'encrypted' } | { source: 'env'; env: string }>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toChannelAccountView(account: ChannelAccount): ChannelAccountView {
  const secrets: ChannelAccountView['secrets'] = {};
  for (const [name, ref] of Object.entries(account.secrets))
    secrets[name] = 'env' in ref ? { source: 'env', env: ref.env } : { source: 'encrypted' };
  return {
    id: account.id,
    channel: account.channel,
    name: account.name,
    settings: account.settings,
    secrets,
    enabled: account.enabled,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

@Injectable()
export class ManageChannelAccountsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: ChannelAccountRepository,
    @Inject(ChannelSecrets) private readonly secrets: ChannelSecrets,
  ) {}

  async upsert(
    command: UpsertChannelAccountCommand,
  ): Promise<{ view: ChannelAccountView; created: boolean }> {
    const problems = Object.entries(command.secrets)
      .filter((entry): entry is [string, Exclude<SecretInput, null>] => entry[1] !== null)
      .map(([name, ref]) => ({ name, problem: secretReferenceProblem(name, ref) }))
      .filter((p) => p.problem !== null);
    if (problems.length > 0) {
      const fields = problems.map((p) => ({ field: `secrets.${p.name}`, message: p.problem ?? '' }));
      throw new IngestionException(
        IngestionErrorCode.InvalidChannelAccount,
        'the channel account is not valid',
        fields[0].field,
        fields,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.accounts.find(command.tenantId, command.channel, command.name, manager);
      const secrets: Record<string, SecretReference> = { ...(current?.secrets ?? {}) };
      for (const [name, input] of Object.entries(command.secrets)) {
        if (input === null) delete secrets[name];
        else
          secrets[name] =
            'env' in input
              ? { env: input.env }
              : this.secrets.seal(command.tenantId, command, name, input.value);
      }
      validateChannelAccount(command.channel, {
        settings: command.settings,
        secretNames: Object.keys(secrets),
      });
      const { account, created } = await this.accounts.upsert(manager, {
        tenantId: command.tenantId,
        channel: command.channel,
        name: command.name,
        settings: command.settings,
        secrets,
        enabled: command.enabled,
      });
      return { view: toChannelAccountView(account), created };
    });
  }

  async list(tenantId: string): Promise<ChannelAccountView[]> {
    return (await this.accounts.list(tenantId)).map(toChannelAccountView);
  }

  async get(tenantId: string, channel: ChannelAccountKind, name: string): Promise<ChannelAccountView> {
    const account = await this.accounts.find(tenantId, channel, name);
    if (!account)
      throw new IngestionException(
        IngestionErrorCode.ChannelAccountNotFound,
        `no ${channel} account named ${name}`,
      );
    return toChannelAccountView(account);
  }

  /** Local development: the demo tenant's WeChat account with the documented token. */
  async seedDemo(tenantId: string, token: string): Promise<void> {
    const account = { channel: 'wechat' as const, name: 'default' };
    await this.accounts.insertIfMissing({
      tenantId,
      ...account,
      settings: {},
      secrets: { token: this.secrets.seal(tenantId, account, 'token', token) },
    });
  }
}
