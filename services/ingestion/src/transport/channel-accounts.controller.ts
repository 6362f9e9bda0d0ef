import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import {
  ManageChannelAccountsUseCase,
  type SecretInput,
} from '../application/manage-channel-accounts.usecase';
import {
  CHANNEL_ACCOUNT_KINDS,
  isChannelAccountKind,
  type ChannelAccountKind,
} from '../domain/channel-account';
import {
  ChannelAccountListDto,
  ChannelAccountViewDto,
  UpsertChannelAccountDto,
} from './channel-accounts.dto';

const ACCOUNT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function kindOf(channel: string): ChannelAccountKind {
  if (!isChannelAccountKind(channel)) {
    throw new ProblemException(400, `channel must be one of ${CHANNEL_ACCOUNT_KINDS.join(', ')}`, [
      { field: 'channel', message: 'unknown channel' },
    ]);
  }
  return channel;
}

function nameOf(name: string): string {
  if (!ACCOUNT_NAME.test(name))
    throw new ProblemException(400, 'name must be 1-100 letters, digits, dots, dashes or underscores', [
      { field: 'name', message: 'invalid' },
    ]);
  return name;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function secretInputs(secrets: Record<string, unknown>): Record<string, SecretInput> {
  const out: Record<string, SecretInput> = {};
  for (const [name, value] of Object.entries(secrets)) {
    const single = isRecord(value) && Object.keys(value).length === 1 ? value : null;
    if (value === null) out[name] = null;
    else if (typeof single?.env === 'string') out[name] = { env: single.env };
    else if (typeof single?.value === 'string') out[name] = { value: single.value };
    else
      throw new ProblemException(400, 'each secret is { value }, { env } or null', [
        { field: `secrets.${name}`, message: 'give exactly one of env or value' },
      ]);
  }
  return out;
}

/** A tenant's channel accounts: WeChat Official Accounts, partner webhooks, e-mail and phone settings. */
@ApiTags('channel accounts')
@Controller('v1/channel-accounts')
export class ChannelAccountsController {
  constructor(private readonly accounts: ManageChannelAccountsUseCase) {}

  @Get()
  @RequireScopes('admin')
  @ApiOkResponse({ type: ChannelAccountListDto })
  async list(@CurrentAuth() auth: AuthContext): Promise<ChannelAccountListDto> {
    return { items: await this.accounts.list(auth.tenantId) };
  }

  @Get(':channel/:name')
  @RequireScopes('admin')
  @ApiParam({ name: 'channel', enum: CHANNEL_ACCOUNT_KINDS })
  @ApiOkResponse({ type: ChannelAccountViewDto })
  async get(
    @CurrentAuth() auth: AuthContext,
    @Param('channel') channel: string,
    @Param('name') name: string,
  ): Promise<ChannelAccountViewDto> {
    return this.accounts.get(auth.tenantId, kindOf(channel), nameOf(name));
  }

  @Put(':channel/:name')
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Creates or replaces a channel account; secrets are stored encrypted or referenced from the environment',
  })
  @ApiParam({ name: 'channel', enum: CHANNEL_ACCOUNT_KINDS })
  @ApiOkResponse({ type: ChannelAccountViewDto, description: 'replaced' })
  @ApiCreatedResponse({ type: ChannelAccountViewDto, description: 'created' })
  async upsert(
    @CurrentAuth() auth: AuthContext,
    @Param('channel') channel: string,
    @Param('name') name: string,
    @Body() dto: UpsertChannelAccountDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChannelAccountViewDto> {
    const { view, created } = await this.accounts.upsert({
      tenantId: auth.tenantId,
      channel: kindOf(channel),
      name: nameOf(name),
      settings: dto.settings ?? {},
      secrets: secretInputs(dto.secrets ?? {}),
      enabled: dto.enabled ?? true,
    });
    void reply.status(created ? 201 : 200);
    return view;
  }
}
