import { Inject, Injectable } from '@nestjs/common';
import { stringSetting, type ChannelAccount } from '../domain/channel-account';
import { WeChatCrypto } from '../domain/channels/wechat/wechat-crypto';
import { WeChatProtocolError } from '../domain/channels/wechat/wechat-protocol.error';
import { verifyWeChatSignature } from '../domain/channels/wechat/wechat-signature';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { ChannelSecrets } from '../infrastructure/channel-secrets';

export interface VerifiedWeChatAccount {
  account: ChannelAccount;
  token: string;
  /** Present when the account has an EncodingAESKey and AppID (safe mode). */
  crypto: WeChatCrypto | null;
}

/**
 * Finds the tenant's WeChat account a request was signed for: each enabled account's token is
 * tried, so a tenant may run several Official Accounts on one URL.
 */
@Injectable()
export class WeChatAccounts {
  constructor(
    private readonly accounts: ChannelAccountRepository,
    @Inject(ChannelSecrets) private readonly secrets: ChannelSecrets,
  ) {}

  /** Throws WeChatProtocolError('bad-signature') when no account of the tenant signed it. */
  async verify(
    tenantId: string,
    timestamp: unknown,
    nonce: unknown,
    signature: unknown,
  ): Promise<VerifiedWeChatAccount> {
    for (const account of await this.accounts.enabled(tenantId, 'wechat')) {
      const token = this.secrets.tryRead(account, 'token');
      if (token && verifyWeChatSignature(token, timestamp, nonce, signature)) {
        return { account, token, crypto: this.cryptoOf(account, token) };
      }
    }
    throw new WeChatProtocolError(
      'bad-signature',
      'signature does not match any WeChat account of the tenant',
    );
  }

  private cryptoOf(account: ChannelAccount, token: string): WeChatCrypto | null {
    const encodingAesKey = this.secrets.tryRead(account, 'encodingAesKey');
    const appId = stringSetting(account, 'appId');
    return encodingAesKey && appId ? new WeChatCrypto({ token, encodingAesKey, appId }) : null;
  }
}
