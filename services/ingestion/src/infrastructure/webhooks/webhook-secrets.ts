import { randomBytes } from 'node:crypto';
import type { ChannelSecretsCipher } from '../channel-secrets.cipher';

/**
 * Signing secrets of CRM webhook subscriptions: generated here, shown to the administrator once,
 * stored sealed with the channel-secrets key. The tenant and subscription are the authenticated
 * data, so a sealed secret copied to another row does not open.
 */
export class WebhookSecrets {
  constructor(private readonly cipher: ChannelSecretsCipher) {}

  generate(): string {
    return `whsec_${randomBytes(32).toString('base64url')}`;
  }

  seal(tenantId: string, subscriptionId: string, secret: string): string {
    return this.cipher.encrypt(secret, this.context(tenantId, subscriptionId));
  }

  /** Throws ChannelSecretError when the sealed value cannot be opened with the configured key. */
  open(tenantId: string, subscriptionId: string, sealed: string): string {
    return this.cipher.decrypt(sealed, this.context(tenantId, subscriptionId));
  }

  private context(tenantId: string, subscriptionId: string): string {
    return `${tenantId}/webhook-subscription/${subscriptionId}/secret`;
  }
}
