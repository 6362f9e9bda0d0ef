import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import {
  CurrentAuth,
  IdempotencyService,
  ProblemException,
  RequireScopes,
  type AuthContext,
} from '@helpdesk/platform';
import { FileComplaintUseCase, type FiledComplaint } from '../application/file-complaint.usecase';
import { Clock } from '../infrastructure/clock';
import { ComplaintRepository } from '../infrastructure/complaint.repository';
import { FollowUpRepository } from '../infrastructure/follow-up.repository';
import { ComplaintViewDto, FileComplaintDto, FiledComplaintDto } from './complaint.dto';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

@ApiTags('complaints')
@Controller('v1/complaints')
export class ComplaintsController {
  constructor(
    private readonly fileComplaint: FileComplaintUseCase,
    private readonly idempotency: IdempotencyService,
    private readonly complaints: ComplaintRepository,
    private readonly followUps: FollowUpRepository,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('feedback:write')
  @ApiOperation({
    summary: 'File a complaint: stored, complaint.received, and a follow-up ticket requested from triage',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body returns the first response and creates nothing new',
  })
  @ApiCreatedResponse({ type: FiledComplaintDto })
  async file(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: FileComplaintDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FiledComplaintDto> {
    const { body, replayed } = await this.idempotency.execute<FiledComplaintDto>(
      { tenantId: auth.tenantId, scope: 'complaints', key: idempotencyKey, body: dto },
      async (manager) => {
        const filed = await this.fileComplaint.execute(manager, {
          tenantId: auth.tenantId,
          channel: dto.channel,
          body: dto.body,
          customerId: dto.customerId ?? null,
          ticketId: dto.ticketId ?? null,
          source: 'api',
          at: this.clock.now(),
        });
        // Only a message can be filed twice; an API complaint always inserts.
        if (filed === null) throw new ProblemException(409, 'complaint already filed');
        return { status: 201, body: view(filed) };
      },
    );
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return body;
  }

  @Get(':id')
  @RequireScopes('feedback:write')
  @ApiOperation({ summary: 'A complaint and where its closed loop stands' })
  @ApiOkResponse({ type: ComplaintViewDto })
  async get(@CurrentAuth() auth: AuthContext, @Param('id', uuidPipe) id: string): Promise<ComplaintViewDto> {
    const manager = this.dataSource.manager;
    const complaint = await this.complaints.find(manager, auth.tenantId, id);
    if (complaint === null) throw new ProblemException(404, `complaint ${id} not found`);
    const followUp = await this.followUps.find(manager, auth.tenantId, complaint.followUpId);
    if (followUp === null) throw new ProblemException(404, `complaint ${id} not found`);
    return {
      complaintId: complaint.id,
      ticketId: complaint.ticketId,
      customerId: complaint.customerId,
      channel: complaint.channel,
      body: complaint.body,
      source: complaint.source,
      createdAt: complaint.createdAt.toISOString(),
      followUp: {
        followUpId: followUp.id,
        priority: followUp.priority,
        reason: followUp.reason,
        status: followUp.status,
        followUpTicketId: followUp.followUpTicketId,
        resolvedAt: followUp.resolvedAt?.toISOString() ?? null,
        notifiedAt: followUp.notifiedAt?.toISOString() ?? null,
      },
    };
  }
}

function view(filed: FiledComplaint): FiledComplaintDto {
  return {
    complaintId: filed.complaintId,
    followUpId: filed.followUpId,
    priority: filed.priority,
    ticketId: filed.ticketId,
    customerId: filed.customerId,
    status: filed.status,
  };
}
