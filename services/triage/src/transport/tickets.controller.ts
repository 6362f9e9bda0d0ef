import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, IdempotencyService, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { AssignTicketUseCase } from '../application/assign-ticket.usecase';
import { CloseTicketUseCase } from '../application/close-ticket.usecase';
import { CorrectTicketUseCase } from '../application/correct-ticket.usecase';
import { ReopenTicketUseCase } from '../application/reopen-ticket.usecase';
import { ReplyToTicketUseCase } from '../application/reply-to-ticket.usecase';
import { ResolveTicketUseCase } from '../application/resolve-ticket.usecase';
import { SetTicketPendingUseCase } from '../application/set-ticket-pending.usecase';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { ApiProblemResponses, actorOf, runIdempotent, uuidPipe } from './request-context';
import { toTicketView, type TicketDetailView, type TicketView } from './ticket.view';
import { AssignDto, CorrectTicketDto, ListTicketsQuery, ReplyDto, ResolveDto } from './tickets.dto';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body returns the first response and changes nothing again',
};

export interface ReplyResponse {
  replyId: string;
  firstResponse: boolean;
  ticket: TicketView;
}

@ApiTags('tickets')
@ApiProblemResponses()
@Controller('v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly idempotency: IdempotencyService,
    private readonly transactions: TransactionRunner,
    private readonly replies: ReplyToTicketUseCase,
    private readonly assigning: AssignTicketUseCase,
    private readonly resolving: ResolveTicketUseCase,
    private readonly reopening: ReopenTicketUseCase,
    private readonly pending: SetTicketPendingUseCase,
    private readonly closing: CloseTicketUseCase,
    private readonly correcting: CorrectTicketUseCase,
  ) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: '{ items, nextCursor }, newest first' })
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() q: ListTicketsQuery,
  ): Promise<{ items: TicketView[]; nextCursor: string | null }> {
    const page = await this.tickets.list(auth.tenantId, { ...q, limit: q.limit ?? 50 });
    return { items: page.items.map(toTicketView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description: 'The ticket with classification (reasons and evidence), SLA, routing, messages and timeline',
  })
  @ApiNotFoundResponse({ description: 'No such ticket for this tenant' })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', uuidPipe) id: string): Promise<TicketDetailView> {
    const ticket = await this.tickets.find(auth.tenantId, id);
    if (!ticket) throw new TriageException(TriageErrorCode.TicketNotFound, `ticket ${id} not found`);
    const [messages, events] = await Promise.all([
      this.tickets.messages(auth.tenantId, id),
      this.tickets.timeline(auth.tenantId, id),
    ]);
    return { ...toTicketView(ticket), messages, events };
  }

  @Post(':id/replies')
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: ReplyDto })
  @ApiCreatedResponse({
    description:
      '{ replyId, firstResponse, ticket }: a public reply is sent to the customer and stops the first-response clock',
  })
  @ApiConflictResponse({ description: 'The ticket is resolved or closed' })
  async reply(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Body() dto: ReplyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<ReplyResponse> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-reply:${id}`, key, body: dto },
      res,
      async (manager) => {
        const r = await this.replies.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          body: dto.body,
          agentId: dto.agentId,
          internal: dto.internal ?? false,
        });
        return {
          status: 201,
          body: { replyId: r.replyId, firstResponse: r.firstResponse, ticket: toTicketView(r.ticket) },
        };
      },
    );
  }

  @Post(':id/assign')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: AssignDto })
  @ApiOkResponse({ description: 'The ticket, assigned' })
  @ApiConflictResponse({ description: 'The ticket is resolved/closed, or the agent is at capacity' })
  async assign(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Body() dto: AssignDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TicketView> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-assign:${id}`, key, body: dto },
      res,
      async (manager) => {
        const ticket = await this.assigning.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          agentId: dto.agentId,
          actor: actorOf(auth),
        });
        return { status: 200, body: toTicketView(ticket) };
      },
    );
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: ResolveDto, required: false })
  @ApiOkResponse({ description: 'The ticket, resolved; the agent takes the next waiting ticket' })
  @ApiConflictResponse({ description: 'The ticket is already resolved or closed' })
  async resolve(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Body() dto: ResolveDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TicketView> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-resolve:${id}`, key, body: dto },
      res,
      async (manager) => {
        const ticket = await this.resolving.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          resolutionCode: dto.resolutionCode ?? null,
          actor: actorOf(auth),
        });
        return { status: 200, body: toTicketView(ticket) };
      },
    );
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ description: 'The ticket, active again: a resolved one reopens, a pending one resumes' })
  @ApiConflictResponse({ description: 'The ticket is neither resolved nor pending' })
  async reopen(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TicketView> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-reopen:${id}`, key, body: {} },
      res,
      async (manager) => {
        const ticket = await this.reopening.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          actor: actorOf(auth),
        });
        return { status: 200, body: toTicketView(ticket) };
      },
    );
  }

  @Post(':id/pending')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ description: 'The ticket, waiting on the customer: its SLA clocks pause' })
  @ApiConflictResponse({ description: 'The ticket is not new or open' })
  async setPending(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TicketView> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-pending:${id}`, key, body: {} },
      res,
      async (manager) => {
        const ticket = await this.pending.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          actor: actorOf(auth),
        });
        return { status: 200, body: toTicketView(ticket) };
      },
    );
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({
    description:
      'The ticket, closed for good (resolved tickets also close by themselves after the reopen window)',
  })
  @ApiConflictResponse({ description: 'The ticket is not resolved' })
  async close(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TicketView> {
    return runIdempotent(
      this.idempotency,
      { auth, scope: `ticket-close:${id}`, key, body: {} },
      res,
      async (manager) => {
        const ticket = await this.closing.execute(manager, {
          tenantId: auth.tenantId,
          ticketId: id,
          actor: actorOf(auth),
        });
        return { status: 200, body: toTicketView(ticket) };
      },
    );
  }

  @Patch(':id')
  @RequireScopes('tickets:write')
  @ApiBody({ type: CorrectTicketDto })
  @ApiOkResponse({
    description:
      'The ticket with the corrected priority/queue; kept as a labelled example and counted as a correction',
  })
  async correct(
    @CurrentAuth() auth: AuthContext,
    @Param('id', uuidPipe) id: string,
    @Body() dto: CorrectTicketDto,
  ): Promise<TicketView> {
    const ticket = await this.transactions.run((manager) =>
      this.correcting.execute(manager, {
        tenantId: auth.tenantId,
        ticketId: id,
        ...(dto.priority !== undefined ? { priority: dto.priority } : {}),
        ...(dto.queue !== undefined ? { queue: dto.queue } : {}),
        reason: dto.reason,
        actor: actorOf(auth),
      }),
    );
    return toTicketView(ticket);
  }
}
