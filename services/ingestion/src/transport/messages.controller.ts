import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { SubmitMessageUseCase } from '../application/submit-message.usecase';
import type { DeliveryAttempt, StoredMessage } from '../domain/message';
import { DeliveryRepository } from '../infrastructure/delivery.repository';
import { IngestionRepository } from '../infrastructure/ingestion.repository';
import { SubmitMessageDto, SubmitMessageResponseDto } from './submit-message.dto';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

@ApiTags('messages')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly submitMessage: SubmitMessageUseCase,
    private readonly repository: IngestionRepository,
    private readonly deliveries: DeliveryRepository,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('messages:write')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body returns the first response and creates nothing new',
  })
  @ApiAcceptedResponse({ type: SubmitMessageResponseDto })
  async submit(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: SubmitMessageDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmitMessageResponseDto> {
    const { body, replayed } = await this.submitMessage.execute(
      {
        tenantId: auth.tenantId,
        idempotencyKey,
        channel: dto.channel,
        customer: dto.customer,
        subject: dto.subject,
        body: dto.body,
        language: dto.language,
        attachments: dto.attachments,
        externalMessageId: dto.externalMessageId,
        conversationId: dto.conversationId,
        occurredAt: dto.occurredAt ? new Date(dto.occurredAt) : undefined,
        metadata: { ...(dto.metadata ?? {}), apiKeyId: auth.keyId },
      },
      dto,
    );
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return {
      messageId: body.messageId,
      conversationId: body.conversationId,
      customerId: body.customerId,
      status: body.status,
    };
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    description:
      'The stored message, with ticketId once triage attached it; replies carry their delivery state and attempts',
  })
  async get(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
  ): Promise<StoredMessage & { delivery: { status: string | null; attempts: DeliveryAttempt[] } | null }> {
    const message = await this.repository.findMessage(auth.tenantId, id);
    if (!message) throw new ProblemException(404, `message ${id} not found`);
    const delivery =
      message.direction === 'outbound'
        ? { status: message.deliveryStatus, attempts: await this.deliveries.attempts(auth.tenantId, id) }
        : null;
    return { ...message, delivery };
  }
}
