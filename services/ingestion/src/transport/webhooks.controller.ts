import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { clampLimit, decodeCursor, encodeCursor } from '@helpdesk/persistence';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import {
  ManageWebhooksUseCase,
  type WebhookSubscriptionView,
  type WebhookSubscriptionWithSecret,
} from '../application/manage-webhooks.usecase';
import { ReplayWebhookDeliveriesUseCase } from '../application/replay-webhook-deliveries.usecase';
import type { WebhookDelivery } from '../domain/webhooks/webhook-subscription';
import { WebhookDeliveryRepository } from '../infrastructure/webhooks/webhook-delivery.repository';
import {
  CreateWebhookDto,
  ReplaceWebhookDto,
  ReplayRangeDto,
  ReplayRangeResultDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryQueryDto,
  WebhookSubscriptionDto,
  WebhookSubscriptionPageDto,
  WebhookSubscriptionWithSecretDto,
} from './webhooks.dto';
import { PageQueryDto } from './conversations.controller';
import { WebhookDeliveryWorker } from './workers/webhook-delivery.worker';

const uuid = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () => new ProblemException(400, `${name} must be a UUID`, [{ field: name, message: 'must be a UUID' }]),
  });

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body returns the first response and creates nothing new',
};

const toDeliveryDto = (d: WebhookDelivery): WebhookDeliveryDto => ({
  id: d.id,
  subscriptionId: d.subscriptionId,
  eventId: d.eventId,
  eventType: d.eventType,
  occurredAt: d.occurredAt,
  aggregateId: d.aggregateId,
  sequence: d.sequence,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastAttemptAt: d.lastAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt,
  replayOf: d.replayOf,
  createdAt: d.createdAt,
});

function parseTime(value: string, field: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new ProblemException(400, `${field} is not a time`, [{ field, message: 'not a time' }]);
  return at;
}

/** CRM webhook subscriptions of the tenant, their deliveries and replays. */
@ApiTags('webhooks')
@ApiExtraModels(WebhookSubscriptionDto, WebhookSubscriptionWithSecretDto)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: ManageWebhooksUseCase,
    private readonly replays: ReplayWebhookDeliveriesUseCase,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Subscribes a CRM endpoint to ticket, customer, reply-outcome and feedback events',
    description:
      'Deliveries are POSTed as JSON { id, type, occurredAt, tenantId, data } with X-Helpdesk-Signature, X-Helpdesk-Event-Id and X-Helpdesk-Event-Type; events of one ticket (customer, conversation) arrive in order; failures are retried with exponential back-off, then dead-lettered.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: WebhookSubscriptionWithSecretDto, description: 'Created; the secret is shown only in this answer' })
  async create(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: CreateWebhookDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookSubscriptionWithSecret> {
    const { subscription, replayed } = await this.webhooks.create(
      auth.tenantId,
      { url: dto.url, eventTypes: dto.eventTypes, description: dto.description, active: dto.active },
      idempotencyKey,
    );
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    void reply.header('Location', `/v1/webhooks/${subscription.id}`);
    return subscription;
  }

  @Get()
  @RequireScopes('admin')
  @ApiOperation({ summary: "The tenant's webhook subscriptions, oldest first (never their secrets)" })
  @ApiOkResponse({ type: WebhookSubscriptionPageDto })
  async list(@CurrentAuth() auth: AuthContext, @Query() query: PageQueryDto): Promise<WebhookSubscriptionPageDto> {
    const limit = clampLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const items = await this.webhooks.list(auth.tenantId, limit + 1, after);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
  }

  @Get(':id')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'One webhook subscription (never its secret)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', uuid('id')) id: string): Promise<WebhookSubscriptionView> {
    return this.webhooks.get(auth.tenantId, id);
  }

  @Put(':id')
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Replaces URL, event types, description and active flag; rotateSecret issues a new signing secret',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({
    description: 'The subscription; with `secret` when it was rotated',
    schema: { oneOf: [{ $ref: getSchemaPath(WebhookSubscriptionDto) }, { $ref: getSchemaPath(WebhookSubscriptionWithSecretDto) }] },
  })
  async replace(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuid('id')) id: string,
    @Body() dto: ReplaceWebhookDto,
  ): Promise<WebhookSubscriptionView | WebhookSubscriptionWithSecret> {
    const updated = await this.webhooks.replace(auth.tenantId, id, {
      url: dto.url,
      eventTypes: dto.eventTypes,
      description: dto.description,
      active: dto.active,
      rotateSecret: dto.rotateSecret,
    });
    // Re-activated: queued deliveries may be due.
    if (updated.active) this.worker.kick();
    return updated;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Deletes the subscription with its queued deliveries and delivery history' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@CurrentAuth() auth: AuthContext, @Param('id', uuid('id')) id: string): Promise<void> {
    await this.webhooks.delete(auth.tenantId, id);
  }

  @Get(':id/deliveries')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Deliveries of the subscription, newest first, with attempts, last status and last error' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  async listDeliveries(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuid('id')) id: string,
    @Query() query: WebhookDeliveryQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    await this.webhooks.require(auth.tenantId, id);
    const limit = clampLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const items = await this.deliveries.list(auth.tenantId, id, { status: query.status, eventId: query.eventId }, limit + 1, after);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeliveryDto),
      nextCursor: items.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  }

  @Get(':id/deliveries/:deliveryId')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'One delivery with its payload and every attempt' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  async getDelivery(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuid('id')) id: string,
    @Param('deliveryId', uuid('deliveryId')) deliveryId: string,
  ): Promise<WebhookDeliveryDetailDto> {
    await this.webhooks.require(auth.tenantId, id);
    const delivery = await this.deliveries.find(auth.tenantId, id, deliveryId);
    if (!delivery) throw new ProblemException(404, `delivery ${deliveryId} of webhook ${id} not found`);
    return {
      ...toDeliveryDto(delivery),
      data: delivery.payload,
      attemptLog: await this.deliveries.attempts(auth.tenantId, deliveryId),
    };
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Sends a delivered or dead-lettered delivery again',
    description: 'Queued as a new delivery (replayOf = the original) behind any event of the same aggregate still waiting; same event id, fresh signature.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'The new delivery' })
  async replayOne(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuid('id')) id: string,
    @Param('deliveryId', uuid('deliveryId')) deliveryId: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<WebhookDeliveryDto> {
    const copy = await this.replays.replayOne(auth.tenantId, id, deliveryId, idempotencyKey);
    this.worker.kick();
    return toDeliveryDto(copy);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Sends again every delivered or dead-lettered event that occurred in [from, to)',
    description: 'Replays keep the order of each ticket (customer, conversation) and queue behind events still waiting.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: ReplayRangeResultDto })
  async replayRange(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuid('id')) id: string,
    @Body() dto: ReplayRangeDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ReplayRangeResultDto> {
    const result = await this.replays.replayRange(auth.tenantId, id, parseTime(dto.from, 'from'), parseTime(dto.to, 'to'), idempotencyKey);
    if (result.replayed > 0) this.worker.kick();
    return result;
  }
}
