import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ProblemException, Public, SkipRateLimit } from '@helpdesk/platform';
import {
  ReceiveWeChatPushUseCase,
  type ReceivedWeChatPush,
} from '../application/receive-wechat-push.usecase';
import { WeChatProtocolError } from '../domain/channels/wechat/wechat-protocol.error';
import { ChannelMetrics } from '../infrastructure/channel.metrics';
import type { WeChatPushQuery } from '../domain/channels/wechat/wechat-push';
import { WeChatInboxWorker } from './workers/wechat-inbox.worker';

const TENANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function tenantOf(tenantId: string): string {
  // An unknown tenant answers like a wrong signature: the URL reveals nothing about which tenants exist.
  if (!TENANT_ID.test(tenantId))
    throw new ProblemException(401, 'the request is not signed by a WeChat account of this tenant');
  return tenantId;
}

function pushQuery(query: Record<string, unknown>): WeChatPushQuery {
  const pick = (name: string): unknown => (typeof query[name] === 'string' ? query[name] : undefined);
  return {
    signature: pick('signature'),
    timestamp: pick('timestamp'),
    nonce: pick('nonce'),
    echostr: pick('echostr'),
    encrypt_type: pick('encrypt_type'),
    msg_signature: pick('msg_signature'),
  };
}

/** The tenant's WeChat Official Account server URL; authenticated by the account's own signature, not an API key. */
@ApiTags('channels')
@Public()
// Channel traffic is accepted and queued, never throttled into lost messages.
@SkipRateLimit()
@Controller('v1/channels/wechat')
export class WeChatController {
  constructor(
    private readonly pushes: ReceiveWeChatPushUseCase,
    private readonly worker: WeChatInboxWorker,
    private readonly metrics: ChannelMetrics,
  ) {}

  @Get(':tenantId')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary:
      'WeChat server URL verification: echoes echostr when signature = SHA1(sort(token, timestamp, nonce))',
  })
  @ApiParam({ name: 'tenantId' })
  @ApiQuery({ name: 'signature' })
  @ApiQuery({ name: 'timestamp' })
  @ApiQuery({ name: 'nonce' })
  @ApiQuery({ name: 'echostr' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'echostr', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'the signature does not match the tenant account token' })
  async verify(
    @Param('tenantId') tenantId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pushes.verifyUrl(tenantOf(tenantId), pushQuery(query));
  }

  @Post(':tenantId')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary:
      'WeChat XML push (plaintext or safe mode with encrypt_type=aes): stored durably, answered with success, ingested right after',
  })
  @ApiParam({ name: 'tenantId' })
  @ApiConsumes('text/xml')
  @ApiBody({
    schema: { type: 'string', example: '<xml><ToUserName><![CDATA[gh_account]]></ToUserName>…</xml>' },
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'success', schema: { type: 'string', example: 'success' } })
  @ApiUnauthorizedResponse({ description: 'wrong signature: nothing is stored' })
  async push(
    @Param('tenantId') tenantId: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
  ): Promise<string> {
    const tenant = tenantOf(tenantId);
    if (!Buffer.isBuffer(body))
      throw new ProblemException(415, 'WeChat pushes are XML: send Content-Type text/xml');
    let received: ReceivedWeChatPush;
    try {
      received = await this.pushes.receive(tenant, pushQuery(query), body.toString('utf8'));
    } catch (err: unknown) {
      if (err instanceof WeChatProtocolError) this.metrics.wechatPushes.inc({ outcome: 'rejected' });
      throw err;
    }
    this.metrics.wechatPushes.inc({ outcome: received.inboxId ? 'stored' : 'duplicate' });
    if (received.inboxId) this.worker.processSoon(tenant, received.inboxId);
    return 'success';
  }
}
