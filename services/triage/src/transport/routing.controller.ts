import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { SaveAgentUseCase } from '../application/save-agent.usecase';
import { SaveQueueUseCase } from '../application/save-queue.usecase';
import { BUILT_IN_QUEUES, effectiveQueues } from '../domain/routing';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { AgentRepository, type StoredAgent } from '../infrastructure/agent.repository';
import { QueueRepository } from '../infrastructure/queue.repository';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import { ApiProblemResponses, resourceIdPipe } from './request-context';
import { AgentDto, PageQuery, QueueDto } from './routing.dto';

export interface QueueView {
  id: string;
  name: string;
  skills: string[];
  vip: boolean;
  supervisor: boolean;
  isDefault: boolean;
  /** Provided by the service until the tenant configures a queue with this role or id. */
  builtIn: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

@ApiTags('agents')
@ApiProblemResponses()
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentRepository,
    private readonly saving: SaveAgentUseCase,
    private readonly transactions: TransactionRunner,
  ) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: '{ items, nextCursor } by id; activeCount is the load the database holds' })
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() q: PageQuery,
  ): Promise<{ items: StoredAgent[]; nextCursor: string | null }> {
    return this.agents.list(auth.tenantId, q.limit ?? 50, q.cursor);
  }

  @Get(':id')
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description: 'The agent with skills, languages, channels, capacity, presence and current load',
  })
  @ApiNotFoundResponse({ description: 'No such agent' })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', resourceIdPipe) id: string): Promise<StoredAgent> {
    const agent = await this.agents.find(auth.tenantId, id);
    if (!agent) throw new TriageException(TriageErrorCode.AgentNotFound, `agent ${id} not found`);
    return agent;
  }

  @Put(':id')
  @RequireScopes('tickets:write')
  @ApiBody({ type: AgentDto })
  @ApiOkResponse({ description: 'Replaced; an online agent with room takes waiting tickets at once' })
  @ApiCreatedResponse({ description: 'Created' })
  async put(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
    @Body() dto: AgentDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<StoredAgent> {
    const { agent, created } = await this.transactions.run((manager) =>
      this.saving.execute(manager, {
        tenantId: auth.tenantId,
        agentId: id,
        name: dto.name,
        skills: dto.skills.map((s) => ({ skill: s.skill, level: s.level })),
        languages: dto.languages,
        channels: dto.channels,
        maxConcurrent: dto.maxConcurrent,
        status: dto.status,
      }),
    );
    void res.status(created ? 201 : 200);
    return agent;
  }
}

@ApiTags('queues')
@ApiProblemResponses()
@Controller('v1/queues')
export class QueuesController {
  constructor(
    private readonly queues: QueueRepository,
    private readonly saving: SaveQueueUseCase,
    private readonly transactions: TransactionRunner,
  ) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description:
      "{ items }: the tenant's queues and the built-in ones it has not replaced (general, supervisor, complaints)",
  })
  async list(@CurrentAuth() auth: AuthContext): Promise<{ items: QueueView[] }> {
    return { items: await this.views(auth.tenantId) };
  }

  @Get(':id')
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: 'The queue' })
  @ApiNotFoundResponse({ description: 'No such queue' })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', resourceIdPipe) id: string): Promise<QueueView> {
    const queue = (await this.views(auth.tenantId)).find((q) => q.id === id);
    if (!queue) throw new TriageException(TriageErrorCode.QueueNotFound, `queue ${id} not found`);
    return queue;
  }

  @Put(':id')
  @RequireScopes('admin')
  @ApiBody({ type: QueueDto })
  @ApiOkResponse({ description: 'Created or replaced' })
  async put(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
    @Body() dto: QueueDto,
  ): Promise<QueueView> {
    const saved = await this.transactions.run((manager) =>
      this.saving.execute(manager, {
        tenantId: auth.tenantId,
        queueId: id,
        name: dto.name,
        skills: dto.skills,
        vip: dto.vip ?? false,
        supervisor: dto.supervisor ?? false,
        isDefault: dto.isDefault ?? false,
      }),
    );
    return { ...saved, builtIn: false };
  }

  private async views(tenantId: string): Promise<QueueView[]> {
    const configured = await this.queues.list(tenantId);
    return effectiveQueues(configured).map((q) => {
      const stored = configured.find((c) => c.id === q.id);
      if (stored) return { ...stored, builtIn: false };
      const builtIn = BUILT_IN_QUEUES.find((b) => b.id === q.id);
      return {
        id: q.id,
        name: q.name,
        skills: [...q.skills],
        vip: builtIn?.vip ?? false,
        supervisor: builtIn?.supervisor ?? false,
        isDefault: builtIn?.isDefault ?? false,
        builtIn: true,
        createdAt: null,
        updatedAt: null,
      };
    });
  }
}
