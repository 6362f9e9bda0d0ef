import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, ProblemException, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { QueryMetricsUseCase } from '../application/query-metrics.usecase';
import { RebuildMetricsUseCase } from '../application/rebuild-metrics.usecase';
import type { MetricsReport, WeeklyMetricsReport } from '../domain';
import { MetricsQueryDto, RebuildMetricsReportDto, WeeklyMetricsQueryDto } from './metrics.dto';

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
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      "Rebuild this tenant's metrics from the topics: empty the read model, replay from offset zero with a fresh consumer group",
  })
  @ApiOkResponse({ type: RebuildMetricsReportDto })
  async rebuild(@CurrentAuth() auth: AuthContext): Promise<RebuildMetricsReportDto> {
    const report = await this.rebuildMetrics.execute({ tenantId: auth.tenantId });
    return { ...report, tenantId: auth.tenantId };
  }
}
