import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcHost, validateRequest } from '@helpdesk/platform';
import { SubmitMessageUseCase } from '../application/submit-message.usecase';
import { SubmitMessageDto } from './submit-message.dto';

/** `ingestion.v1.SubmitMessageRequest` as @grpc/proto-loader decodes it (camelCase, defaults filled in). */
export interface SubmitMessageRequest {
  channel?: string;
  customer?: Partial<Record<'externalId' | 'email' | 'phone' | 'wechatOpenId' | 'name' | 'tier', string>> | null;
  subject?: string;
  body?: string;
  language?: string;
  attachments?: Array<{ filename?: string; contentType?: string; size?: string | number; url?: string }>;
  externalMessageId?: string;
  conversationId?: string;
  occurredAt?: string;
  idempotencyKey?: string;
  metadata?: Record<string, string>;
}

export interface SubmitMessageResponse {
  messageId: string;
  conversationId: string;
  customerId: string;
  status: string;
}

/** proto3 cannot tell "absent" from "empty": an empty string means the field was not given. */
function given<T>(value: T | '' | null | undefined): T | undefined {
  return value === '' || value === null ? undefined : value;
}

/** Keys whose value is undefined are left out, so the body hashes like the same JSON sent over REST. */
function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * The REST request body the gRPC request stands for: the same DTO validates it, so both
 * transports accept and reject exactly the same messages.
 */
export function toSubmitMessageBody(request: SubmitMessageRequest): Record<string, unknown> {
  const customer = request.customer
    ? compact({
        externalId: given(request.customer.externalId),
        email: given(request.customer.email),
        phone: given(request.customer.phone),
        wechatOpenId: given(request.customer.wechatOpenId),
        name: given(request.customer.name),
        tier: given(request.customer.tier),
      })
    : undefined;
  const attachments =
    request.attachments && request.attachments.length > 0
      ? request.attachments.map((a) =>
          compact({
            filename: given(a.filename),
            contentType: given(a.contentType),
            // int64 arrives as a decimal string.
            size: a.size === undefined || a.size === '' ? undefined : Number(a.size),
            url: given(a.url),
          }),
        )
      : undefined;
  const metadata = request.metadata && Object.keys(request.metadata).length > 0 ? { ...request.metadata } : undefined;
  return compact({
    channel: given(request.channel),
    customer,
    subject: given(request.subject),
    body: given(request.body),
    language: given(request.language),
    attachments,
    externalMessageId: given(request.externalMessageId),
    conversationId: given(request.conversationId),
    occurredAt: given(request.occurredAt),
    metadata,
  });
}

/** `ingestion.v1.Ingestion/SubmitMessage`: POST /v1/messages over gRPC, with the key in metadata and the idempotency key in the request. */
@Injectable()
export class IngestionGrpc implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcHost,
    private readonly submitMessage: SubmitMessageUseCase,
  ) {}

  onModuleInit(): void {
    this.grpc.addUnary<SubmitMessageRequest, SubmitMessageResponse>(
      'ingestion.v1.Ingestion',
      'SubmitMessage',
      ['messages:write'],
      async (request, auth) => {
        const dto = validateRequest(SubmitMessageDto, toSubmitMessageBody(request));
        const { body } = await this.submitMessage.execute(
          {
            tenantId: auth.tenantId,
            idempotencyKey: given(request.idempotencyKey),
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
        return {
          messageId: body.messageId,
          conversationId: body.conversationId,
          customerId: body.customerId,
          status: body.status,
        };
      },
    );
  }
}
