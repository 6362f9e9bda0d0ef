import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppLogger } from '@helpdesk/platform';
import { INGESTION_MIGRATIONS } from '../migrations';
import { CustomerResolver } from './application/customer-resolver';
import { DeliverRepliesUseCase } from './application/deliver-replies.usecase';
import { GetCustomerUseCase } from './application/get-customer.usecase';
import { IngestEmailUseCase } from './application/ingest-email.usecase';
import { ManageChannelAccountsUseCase } from './application/manage-channel-accounts.usecase';
import { MergeCustomersUseCase } from './application/merge-customers.usecase';
import { ProcessWeChatInboxUseCase } from './application/process-wechat-inbox.usecase';
import { ReceiveWeChatPushUseCase } from './application/receive-wechat-push.usecase';
import { RecordCallEventUseCase } from './application/record-call-event.usecase';
import { ReplyTargets } from './application/reply-targets';
import { RequestReplyUseCase } from './application/request-reply.usecase';
import { SubmitMessageUseCase } from './application/submit-message.usecase';
import { UpsertCrmCustomerUseCase } from './application/upsert-crm-customer.usecase';
import { WeChatAccounts } from './application/wechat-accounts';
import type { IngestionConfig } from './config';
import { CallStateRepository } from './infrastructure/call-state.repository';
import { ChannelAccountRepository } from './infrastructure/channel-account.repository';
import { ChannelMetrics } from './infrastructure/channel.metrics';
import { ChannelSecrets } from './infrastructure/channel-secrets';
import { ChannelSecretsCipher, channelSecretsKey } from './infrastructure/channel-secrets.cipher';
import { CustomerRepository } from './infrastructure/customer.repository';
import { DeliveryRepository } from './infrastructure/delivery.repository';
import { IngestionRepository } from './infrastructure/ingestion.repository';
import { ReplyChannelGateway } from './infrastructure/reply-channel.gateway';
import { WeChatInboxRepository } from './infrastructure/wechat-inbox.repository';
import { ChannelAccountsController } from './transport/channel-accounts.controller';
import { ConversationsController } from './transport/conversations.controller';
import { CustomersController } from './transport/customers.controller';
import { DemoChannelSeeder } from './transport/demo-channel.seeder';
import { EmailInboundController } from './transport/email-inbound.controller';
import { mapIngestionError } from './transport/ingestion-error.mapper';
import { IngestionGrpc } from './transport/ingestion.grpc';
import { MessagesController } from './transport/messages.controller';
import { PhoneEventsController } from './transport/phone-events.controller';
import { RepliesConsumer } from './transport/replies.consumer';
import { SettingsController } from './transport/settings.controller';
import { TicketsConsumer } from './transport/tickets.consumer';
import { WeChatController } from './transport/wechat.controller';
import { CallSettleWorker } from './transport/workers/call-settle.worker';
import { DeliveryWorker } from './transport/workers/delivery.worker';
import { WeChatInboxWorker } from './transport/workers/wechat-inbox.worker';
import { DeliverWebhooksUseCase } from './application/deliver-webhooks.usecase';
import { EnqueueWebhookDeliveriesUseCase } from './application/enqueue-webhook-deliveries.usecase';
import { ManageWebhooksUseCase } from './application/manage-webhooks.usecase';
import { ReplayWebhookDeliveriesUseCase } from './application/replay-webhook-deliveries.usecase';
import { CrmWebhookClient } from './infrastructure/webhooks/crm-webhook.client';
import { WebhookDeliveryRepository } from './infrastructure/webhooks/webhook-delivery.repository';
import { WebhookSecrets } from './infrastructure/webhooks/webhook-secrets';
import { WebhookSubscriptionRepository } from './infrastructure/webhooks/webhook-subscription.repository';
import { WebhookEventsConsumer } from './transport/webhook-events.consumer';
import { WebhooksController } from './transport/webhooks.controller';
import { WebhookDeliveryWorker } from './transport/workers/webhook-delivery.worker';

@Module({})
export class IngestionModule {
  /** `env` is where secrets referenced by channel accounts (CHANNEL_SECRET_*) are read from. */
  static register(
    config: IngestionConfig,
    logger: AppLogger,
    env: Readonly<Record<string, string | undefined>> = {},
  ): DynamicModule {
    const cipher = new ChannelSecretsCipher(channelSecretsKey(config.CHANNEL_SECRETS_KEY, config.APP_ENV));
    const secrets = new ChannelSecrets(cipher, env);
    return {
      module: IngestionModule,
      imports: [
        PlatformModule.forService({
          service: 'ingestion',
          config,
          logger,
          dataSource: { migrations: INGESTION_MIGRATIONS },
          mapDomainError: mapIngestionError,
        }),
      ],
      controllers: [
        MessagesController,
        ConversationsController,
        EmailInboundController,
        WeChatController,
        PhoneEventsController,
        CustomersController,
        ChannelAccountsController,
        SettingsController,
        WebhooksController,
      ],
      providers: [
        { provide: ChannelSecrets, useValue: secrets },
        { provide: WebhookSecrets, useValue: new WebhookSecrets(cipher) },
        IngestionRepository,
        CustomerRepository,
        ChannelAccountRepository,
        WeChatInboxRepository,
        CallStateRepository,
        DeliveryRepository,
        ReplyChannelGateway,
        ChannelMetrics,
        CustomerResolver,
        SubmitMessageUseCase,
        IngestEmailUseCase,
        WeChatAccounts,
        ReceiveWeChatPushUseCase,
        ProcessWeChatInboxUseCase,
        RecordCallEventUseCase,
        GetCustomerUseCase,
        MergeCustomersUseCase,
        UpsertCrmCustomerUseCase,
        ManageChannelAccountsUseCase,
        RequestReplyUseCase,
        ReplyTargets,
        DeliverRepliesUseCase,
        TicketsConsumer,
        RepliesConsumer,
        WeChatInboxWorker,
        CallSettleWorker,
        DeliveryWorker,
        DemoChannelSeeder,
        IngestionGrpc,
        WebhookSubscriptionRepository,
        WebhookDeliveryRepository,
        CrmWebhookClient,
        ManageWebhooksUseCase,
        EnqueueWebhookDeliveriesUseCase,
        DeliverWebhooksUseCase,
        ReplayWebhookDeliveriesUseCase,
        WebhookDeliveryWorker,
        WebhookEventsConsumer,
      ],
    };
  }
}
