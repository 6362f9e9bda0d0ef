import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CurrentAuth,
  InjectConfig,
  ProblemException,
  RequireScopes,
  type AuthContext,
  SkipRateLimit,
} from '@helpdesk/platform';
import { IngestEmailUseCase } from '../application/ingest-email.usecase';
import type { IngestionConfig } from '../config';
import { LargeBody } from './large-body.decorator';
import { SubmitMessageResponseDto } from './submit-message.dto';

@ApiTags('channels')
// Channel traffic is accepted and queued, never throttled into lost messages.
@SkipRateLimit()
@Controller('v1/channels/email')
export class EmailInboundController {
  constructor(
    private readonly ingestEmail: IngestEmailUseCase,
    @InjectConfig() private readonly config: IngestionConfig,
  ) {}

  @Post('inbound')
  @HttpCode(202)
  @RequireScopes('messages:write')
  @LargeBody()
  @ApiOperation({
    summary: 'Inbound e-mail as raw RFC 822 MIME, as an MTA or inbound-mail provider forwards it',
  })
  @ApiConsumes('message/rfc822')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: SubmitMessageResponseDto })
  async inbound(
    @CurrentAuth() auth: AuthContext,
    @Body() raw: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmitMessageResponseDto> {
    if (!Buffer.isBuffer(raw) || !/^message\/rfc822\b/i.test(contentType ?? '')) {
      throw new ProblemException(415, 'send the raw message with Content-Type: message/rfc822');
    }
    const { body, replayed } = await this.ingestEmail.execute({
      tenantId: auth.tenantId,
      raw,
      maxBytes: this.config.EMAIL_BODY_LIMIT_BYTES,
      idempotencyKey,
      apiKeyId: auth.keyId,
    });
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return {
      messageId: body.messageId,
      conversationId: body.conversationId,
      customerId: body.customerId,
      status: body.status,
    };
  }
}
