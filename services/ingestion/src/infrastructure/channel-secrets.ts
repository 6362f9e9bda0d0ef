import { secretContext, type ChannelAccount, type SecretReference } from '../domain/channel-account';
import { ChannelSecretError, ChannelSecretsCipher } from './channel-secrets.cipher';

/** Seals secrets for storage and opens them for use; environment references are read at use time. */
export class ChannelSecrets {
  constructor(
    private readonly cipher: ChannelSecretsCipher,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  seal(
    tenantId: string,
    account: Pick<ChannelAccount, 'channel' | 'name'>,
    secretName: string,
    value: string,
  ): SecretReference {
    return {
      encrypted: this.cipher.encrypt(
        value,
        secretContext(tenantId, account.channel, account.name, secretName),
      ),
    };
  }

  /** The secret's value, or null when the account has none of that name. Throws ChannelSecretError when it cannot be read. */
  read(account: ChannelAccount, secretName: string): string | null {
    const ref = account.secrets[secretName];
    if (!ref) return null;
    if ('env' in ref) {
      const value = this.env[ref.env];
      if (value === undefined || value === '')
        throw new ChannelSecretError('missing-env', `environment variable ${ref.env} is not set`);
      return value;
    }
    return this.cipher.decrypt(
      ref.encrypted,
      secretContext(account.tenantId, account.channel, account.name, secretName),
    );
  }

  /** Like read, but null instead of an error: for paths that treat an unreadable secret as "not configured". */
  tryRead(account: ChannelAccount, secretName: string): string | null {
    try {
      return this.read(account, secretName);
    } catch (error: unknown) {
      if (error instanceof ChannelSecretError) return null;
      throw error;
    }
  }
}
