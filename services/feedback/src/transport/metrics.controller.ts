import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { QueryMetricsUseCase } from '../application/query-metrics.usecase';
import { RebuildMetricsUseCase } from '../application/rebuild-metrics.usecase';
import type { MetricsReport, WeeklyMetricsReport } from '../domain';
import { MetricsQueryDto, RebuildStatusDto, WeeklyMetricsQueryDto } from './metrics.dto';

@ApiTags('metrics')
@Controller('v1/metrics')
export class MetricsController {
  constructor(
    private readonly queryMetrics: QueryMetricsUseCase,
    @Inject(RebuildMetricsUseCase) private readonly rebuildMetrics: RebuildMetricsUseCase,
  ) {}

  @Get()
  @RequireScopes('metrics:read')
  @ApiOperation({
    summary: 'Service metrics over [from, to), overall and per channel, priority, queue or agent',
    description:
      'Volume; first-response and resolution minutes p50/p90 (wall-clock and business); SLA compliance; ' +
      'first-contact resolution; CSAT mean and % 4–5; NPS; self-service deflection; priority-correction rate.',
  })
  @ApiOkResponse({
    description: 'MetricsReport: { from, to, asOf, groupBy, overall, groups: [{ key, figures }] }',
  })
  async metrics(@CurrentAuth() auth: AuthContext, @Query() query: MetricsQueryDto): Promise<MetricsReport> {
    return this.queryMetrics.execute(auth.tenantId, query);
  }

  @Get('weekly')
  @RequireScopes('metrics:read')
  @ApiOperation({ summary: 'The weekly report of an ISO week, as JSON or CSV' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'WeeklyMetricsReport, or RFC 4180 CSV with one row per group and an overall row',
  })
  async weekly(
    @CurrentAuth() auth: AuthContext,
    @Query() query: WeeklyMetricsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WeeklyMetricsReport | string> {
    const format = query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new ProblemException(400, 'metrics query is invalid', [
        { field: 'format', message: 'must be json or csv' },
      ]);
    }
    const { report, csv } = await this.queryMetrics.weekly(auth.tenantId, query);
    if (format === 'json') return report;
    void reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="metrics-${report.week}.csv"`);
    return csv;
  }

  @Post('rebuild')
  @HttpCode(202)
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      "Start rebuilding this tenant's metrics from the topics: empty the read model, replay from offset zero with a fresh consumer group",
    description: 'Answers at once; follow the rebuild at GET /v1/metrics/rebuild/{rebuildId}. 409 while another rebuild runs.',
  })
  @ApiAcceptedResponse({ type: RebuildStatusDto })
  async rebuild(@CurrentAuth() auth: AuthContext): Promise<RebuildStatusDto> {
    return this.rebuildMetrics.start({ tenantId: auth.tenantId });
  }

  @Get('rebuild/:rebuildId')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'A rebuild started by POST /v1/metrics/rebuild: running, completed with its report, or failed' })
  @ApiOkResponse({ type: RebuildStatusDto })
  async rebuildStatus(
    @CurrentAuth() auth: AuthContext,
    @Param('rebuildId', new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(400, 'rebuildId must be a UUID', [{ field: 'rebuildId', message: 'must be a UUID' }]) }))
    rebuildId: string,
  ): Promise<RebuildStatusDto> {
    return this.rebuildMetrics.status(auth.tenantId, rebuildId);
  }
}
