import { Injectable } from '@nestjs/common';
import {
  answerWeChatUrlVerification,
  openWeChatPush,
  type WeChatPushQuery,
} from '../domain/channels/wechat/wechat-push';
import { WeChatInboxRepository } from '../infrastructure/wechat-inbox.repository';
import { WeChatAccounts } from './wechat-accounts';

export interface ReceivedWeChatPush {
  /** The inbox entry to process, or null when WeChat retried a push already stored. */
  inboxId: string | null;
  dedupKey: string;
}

/**
 * WeChat's calls to the account's server URL. A push is verified (signature, then in safe mode
 * msg_signature and AppID), decrypted and stored in the inbox before `success` is answered:
 * WeChat waits at most 5 s and retries three times, so the request does only this durable write
 * and the unique dedup key turns every retry into a no-op; the message itself is built right after.
 */
@Injectable()
export class ReceiveWeChatPushUseCase {
  constructor(
    private readonly accounts: WeChatAccounts,
    private readonly inbox: WeChatInboxRepository,
  ) {}

  async verifyUrl(tenantId: string, query: WeChatPushQuery): Promise<string> {
    const { token } = await this.accounts.verify(tenantId, query.timestamp, query.nonce, query.signature);
    return answerWeChatUrlVerification(token, query);
  }

  async receive(tenantId: string, query: WeChatPushQuery, body: string): Promise<ReceivedWeChatPush> {
    const verified = await this.accounts.verify(tenantId, query.timestamp, query.nonce, query.signature);
    const opened = openWeChatPush({ body, query, token: verified.token, crypto: verified.crypto });
    const inboxId = await this.inbox.insert({
      tenantId,
      accountId: verified.account.id,
      dedupKey: opened.message.dedupKey,
      msgType: opened.message.msgType,
      xml: opened.xml,
      encrypted: opened.encrypted,
    });
    return { inboxId, dedupKey: opened.message.dedupKey };
  }
}
