import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isTransientDatabaseError } from '@helpdesk/persistence';
import { InjectConfig, InjectLogger, type AppLogger } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { stringListSetting } from '../domain/channel-account';
import { IdentityError } from '../domain/channels/identity/customer-identity';
import { parseWeChatMessage } from '../domain/channels/wechat/wechat-message.parser';
import { WeChatProtocolError } from '../domain/channels/wechat/wechat-protocol.error';
import { identitiesOf } from '../domain/customer-identity';
import { decideAfterFailure } from '../domain/delivery/delivery-policy';
import { IngestionException } from '../domain/ingestion.exception';
import { planWeChatIngest, type WeChatIngestPlan } from '../domain/wechat/wechat-ingest-plan';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { WeChatInboxRepository, type WeChatInboxEntry } from '../infrastructure/wechat-inbox.repository';
import { CustomerResolver } from './customer-resolver';
import { retryOnConflict } from './retry-on-conflict';
import { SubmitMessageUseCase } from './submit-message.usecase';

export type InboxOutcome = 'processed' | 'skipped' | 'retry' | 'failed';

const RETRY = { baseDelayMs: 1000, maxDelayMs: 300_000 };

/** Turns a stored WeChat push into a message or a recorded account event, exactly once. */
@Injectable()
export class ProcessWeChatInboxUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: WeChatInboxRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly submit: SubmitMessageUseCase,
    private readonly customers: CustomerResolver,
    @InjectLogger() private readonly logger: AppLogger,
    @InjectConfig() private readonly config: IngestionConfig,
  ) {}

  async process(tenantId: string, id: string): Promise<InboxOutcome> {
    try {
      return await retryOnConflict(() =>
        this.dataSource.transaction(async (manager): Promise<InboxOutcome> => {
          const entry = await this.inbox.claim(manager, tenantId, id);
          if (!entry) return 'skipped';
          await this.apply(manager, entry);
          await this.inbox.markProcessed(manager, tenantId, id);
          return 'processed';
        }),
      );
    } catch (err: unknown) {
      return this.recordFailure(tenantId, id, err);
    }
  }

  private async apply(manager: EntityManager, entry: WeChatInboxEntry): Promise<void> {
    const account = await this.accounts.findById(entry.tenantId, entry.accountId, manager);
    const plan: WeChatIngestPlan = planWeChatIngest(parseWeChatMessage(entry.xml), {
      menuKeysAsMessages: account ? stringListSetting(account, 'menuKeysAsMessages') : [],
    });
    const { tenantId } = entry;
    switch (plan.kind) {
      case 'message':
        await this.submit.acceptIn(manager, {
          tenantId,
          channel: 'wechat',
          customer: { wechatOpenId: plan.openId },
          body: plan.body,
          attachments: plan.attachments,
          externalMessageId: plan.externalMessageId,
          occurredAt: plan.occurredAt,
          metadata: { ...plan.metadata, channelAccountId: entry.accountId },
        });
        return;
      case 'event': {
        const identities = identitiesOf({ wechatOpenId: plan.openId });
        const customer = plan.createsCustomer
          ? await this.customers.resolve(manager, tenantId, identities)
          : await this.customers.find(manager, tenantId, identities);
        await this.inbox.recordEvent(manager, {
          tenantId,
          channel: 'wechat',
          accountId: entry.accountId,
          customerId: customer?.id ?? null,
          event: plan.event,
          eventKey: plan.eventKey,
          dedupKey: plan.dedupKey,
          payload: { ...plan.payload, openId: plan.openId },
          occurredAt: plan.occurredAt,
        });
        if (plan.message) {
          await this.submit.acceptIn(manager, {
            tenantId,
            channel: 'wechat',
            customer: { wechatOpenId: plan.openId },
            body: plan.message.body,
            externalMessageId: plan.message.externalMessageId,
            occurredAt: plan.occurredAt,
            metadata: {
              wechat: { openId: plan.openId, msgType: 'event', event: plan.event, eventKey: plan.eventKey },
              channelAccountId: entry.accountId,
            },
          });
        }
        return;
      }
      case 'ignore':
        this.logger.info(
          { tenantId, inboxId: entry.id, reason: plan.reason },
          'WeChat push acknowledged and ignored',
        );
        return;
    }
  }

  private async recordFailure(tenantId: string, id: string, err: unknown): Promise<InboxOutcome> {
    // Content that can never be read or names an impossible identity fails for good; anything else is retried.
    const permanent =
      err instanceof WeChatProtocolError || err instanceof IngestionException || err instanceof IdentityError;
    const current = await this.inbox.status(tenantId, id);
    const attempts = (current?.attempts ?? 0) + 1;
    const decision = decideAfterFailure(
      { maxAttempts: this.config.WECHAT_INBOX_MAX_ATTEMPTS, ...RETRY },
      { attempts, retryable: !permanent || isTransientDatabaseError(err), retryAfterSec: null },
      new Date(),
      Math.random(),
    );
    const reason = err instanceof Error ? err.message : String(err);
    await this.inbox.markFailure(tenantId, id, reason, decision.kind === 'retry' ? decision.at : null);
    this.logger[decision.kind === 'retry' ? 'warn' : 'error'](
      { tenantId, inboxId: id, attempts, reason },
      'WeChat push could not be ingested',
    );
    return decision.kind === 'retry' ? 'retry' : 'failed';
  }
}
