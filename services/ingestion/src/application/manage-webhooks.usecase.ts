import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CursorPosition } from '@helpdesk/persistence';
import { IdempotencyService, InjectConfig } from '@helpdesk/platform';
import type { IngestionConfig } from '../config';
import { IngestionErrorCode, IngestionException } from '../domain/ingestion.exception';
import {
  eventPatternProblems,
  normalizeEventPatterns,
  webhookUrlProblem,
  type WebhookFieldProblem,
  type WebhookSubscription,
} from '../domain/webhooks/webhook-subscription';
import { WebhookSecrets } from '../infrastructure/webhooks/webhook-secrets';
import {
  WebhookSubscriptionRepository,
  type StoredWebhookSubscription,
  type SubscriptionFields,
} from '../infrastructure/webhooks/webhook-subscription.repository';

export type WebhookSubscriptionView = Omit<WebhookSubscription, 'tenantId'>;

/** The view plus the signing secret: only in the answer that created or rotated it. */
export type WebhookSubscriptionWithSecret = WebhookSubscriptionView & { secret: string };

export interface WebhookSubscriptionInput {
  url: string;
  eventTypes: string[];
  description?: string | null;
  active?: boolean;
}

export const toWebhookView = (s: StoredWebhookSubscription): WebhookSubscriptionView => ({
  id: s.id,
  url: s.url,
  eventTypes: s.eventTypes,
  description: s.description,
  active: s.active,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** What an idempotent create keeps: the secret stays sealed there too. */
interface StoredCreate {
  subscription: WebhookSubscriptionView;
  sealedSecret: string;
}

/** A tenant's CRM webhook subscriptions: create (secret shown once), list, read, replace, rotate, delete. */
@Injectable()
export class ManageWebhooksUseCase {
  private readonly allowPrivateHosts: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly subscriptions: WebhookSubscriptionRepository,
    @Inject(WebhookSecrets) private readonly secrets: WebhookSecrets,
    private readonly idempotency: IdempotencyService,
    @InjectConfig() private readonly config: IngestionConfig,
  ) {
    this.allowPrivateHosts = config.WEBHOOK_ALLOW_PRIVATE_URLS ?? config.APP_ENV !== 'production';
  }

  async create(
    tenantId: string,
    input: WebhookSubscriptionInput,
    idempotencyKey: string | undefined,
  ): Promise<{ subscription: WebhookSubscriptionWithSecret; replayed: boolean }> {
    const fields = this.validated(input);
    const { body, replayed } = await this.idempotency.execute<StoredCreate>(
      { tenantId, scope: 'webhooks', key: idempotencyKey, body: input },
      async (manager) => {
        if ((await this.subscriptions.count(manager, tenantId)) >= this.config.WEBHOOK_MAX_SUBSCRIPTIONS)
          throw new IngestionException(
            IngestionErrorCode.WebhookLimitReached,
            `a tenant can have at most ${this.config.WEBHOOK_MAX_SUBSCRIPTIONS} webhook subscriptions`,
          );
        const id = randomUUID();
        const sealedSecret = this.secrets.seal(tenantId, id, this.secrets.generate());
        const stored = await this.subscriptions.insert(manager, { id, tenantId, sealedSecret, ...fields });
        return { status: 201, body: { subscription: toWebhookView(stored), sealedSecret } };
      },
    );
    const secret = this.secrets.open(tenantId, body.subscription.id, body.sealedSecret);
    return { subscription: { ...body.subscription, secret }, replayed };
  }

  async list(
    tenantId: string,
    limit: number,
    after: CursorPosition | null,
  ): Promise<WebhookSubscriptionView[]> {
    return (await this.subscriptions.list(tenantId, limit, after)).map(toWebhookView);
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscriptionView> {
    return toWebhookView(await this.require(tenantId, id));
  }

  /** Replaces URL, event types, description and active flag; `rotateSecret` issues a new secret, shown in this answer only. */
  async replace(
    tenantId: string,
    id: string,
    input: WebhookSubscriptionInput & { rotateSecret?: boolean },
  ): Promise<WebhookSubscriptionView | WebhookSubscriptionWithSecret> {
    const fields = this.validated(input);
    const secret = input.rotateSecret ? this.secrets.generate() : undefined;
    const updated = await this.dataSource.transaction((manager) =>
      this.subscriptions.update(manager, tenantId, id, {
        ...fields,
        sealedSecret: secret === undefined ? undefined : this.secrets.seal(tenantId, id, secret),
      }),
    );
    if (!updated) throw this.notFound(id);
    return secret === undefined ? toWebhookView(updated) : { ...toWebhookView(updated), secret };
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.subscriptions.delete(tenantId, id))) throw this.notFound(id);
  }

  async require(tenantId: string, id: string): Promise<StoredWebhookSubscription> {
    const subscription = await this.subscriptions.find(tenantId, id);
    if (!subscription) throw this.notFound(id);
    return subscription;
  }

  private validated(input: WebhookSubscriptionInput): SubscriptionFields {
    const problems: WebhookFieldProblem[] = [];
    const urlProblem = webhookUrlProblem(input.url, { allowPrivateHosts: this.allowPrivateHosts });
    if (urlProblem) problems.push({ field: 'url', message: urlProblem });
    problems.push(...eventPatternProblems(input.eventTypes));
    if (problems.length > 0)
      throw new IngestionException(
        IngestionErrorCode.InvalidWebhook,
        'the webhook subscription is not valid',
        problems[0].field,
        problems,
      );
    return {
      url: input.url,
      eventTypes: normalizeEventPatterns(input.eventTypes),
      description: input.description ?? null,
      active: input.active ?? true,
    };
  }

  private notFound(id: string): IngestionException {
    return new IngestionException(IngestionErrorCode.WebhookNotFound, `webhook subscription ${id} not found`);
  }
}
