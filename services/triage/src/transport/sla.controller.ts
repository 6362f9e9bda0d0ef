import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, RequireScopes, type AuthContext } from '@helpdesk/platform';
import { SaveCalendarUseCase } from '../application/save-calendar.usecase';
import { SaveSlaPolicyUseCase } from '../application/save-sla-policy.usecase';
import { BUILT_IN_CALENDAR, BUILT_IN_POLICY } from '../application/sla-settings.service';
import type { BusinessCalendarDefinition, BusinessPeriod, Weekday } from '../domain/sla';
import { WEEKDAYS } from '../domain/sla';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import {
  SlaSettingsRepository,
  type StoredCalendar,
  type StoredSlaPolicy,
} from '../infrastructure/sla-settings.repository';
import { TransactionRunner } from '../infrastructure/transaction-runner';
import { ApiProblemResponses, resourceIdPipe } from './request-context';
import { CalendarDto, SlaPolicyDto, type PeriodDto } from './sla.dto';

type PolicyView = StoredSlaPolicy & { builtIn: boolean };
type CalendarView = StoredCalendar & { builtIn: boolean };

@ApiTags('sla')
@ApiProblemResponses()
@Controller('v1')
export class SlaController {
  constructor(
    private readonly repository: SlaSettingsRepository,
    private readonly savePolicy: SaveSlaPolicyUseCase,
    private readonly saveCalendar: SaveCalendarUseCase,
    private readonly transactions: TransactionRunner,
  ) {}

  @Get('sla-policies')
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description: '{ items }: the tenant\'s policies, and the built-in "default" unless replaced',
  })
  async listPolicies(@CurrentAuth() auth: AuthContext): Promise<{ items: PolicyView[] }> {
    return { items: await this.policies(auth.tenantId) };
  }

  @Get('sla-policies/:id')
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description:
      'Targets per priority (minutes, business hours or around the clock), warning fraction, calendar',
  })
  @ApiNotFoundResponse({ description: 'No such policy' })
  async getPolicy(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
  ): Promise<PolicyView> {
    const policy = (await this.policies(auth.tenantId)).find((p) => p.id === id);
    if (!policy) throw new TriageException(TriageErrorCode.SlaPolicyNotFound, `SLA policy ${id} not found`);
    return policy;
  }

  @Put('sla-policies/:id')
  @RequireScopes('admin')
  @ApiBody({ type: SlaPolicyDto })
  @ApiOkResponse({
    description:
      'Created or replaced; new tickets of a default policy start on it, running clocks keep their targets until their priority changes',
  })
  async putPolicy(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
    @Body() dto: SlaPolicyDto,
  ): Promise<PolicyView> {
    const saved = await this.transactions.run((manager) =>
      this.savePolicy.execute(manager, {
        tenantId: auth.tenantId,
        policyId: id,
        name: dto.name,
        targets: {
          P1: { ...dto.targets.P1 },
          P2: { ...dto.targets.P2 },
          P3: { ...dto.targets.P3 },
          P4: { ...dto.targets.P4 },
        },
        ...(dto.warningFraction !== undefined ? { warningFraction: dto.warningFraction } : {}),
        calendarId: dto.calendarId ?? null,
        ...(dto.isDefault !== undefined ? { isDefault: dto.isDefault } : {}),
      }),
    );
    return { ...saved, builtIn: false };
  }

  @Get('calendars')
  @RequireScopes('tickets:read')
  @ApiOkResponse({
    description:
      '{ items }: the tenant\'s business calendars, and the built-in "default" (Asia/Shanghai) unless replaced',
  })
  async listCalendars(@CurrentAuth() auth: AuthContext): Promise<{ items: CalendarView[] }> {
    return { items: await this.calendars(auth.tenantId) };
  }

  @Get('calendars/:id')
  @RequireScopes('tickets:read')
  @ApiOkResponse({ description: 'Time zone, weekly periods, holidays and make-up working days' })
  @ApiNotFoundResponse({ description: 'No such calendar' })
  async getCalendar(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
  ): Promise<CalendarView> {
    const calendar = (await this.calendars(auth.tenantId)).find((c) => c.id === id);
    if (!calendar) throw new TriageException(TriageErrorCode.CalendarNotFound, `calendar ${id} not found`);
    return calendar;
  }

  @Put('calendars/:id')
  @RequireScopes('admin')
  @ApiBody({ type: CalendarDto })
  @ApiOkResponse({ description: 'Created or replaced; "default" is the calendar of policies that name none' })
  async putCalendar(
    @CurrentAuth() auth: AuthContext,
    @Param('id', resourceIdPipe) id: string,
    @Body() dto: CalendarDto,
  ): Promise<CalendarView> {
    const weekly: Partial<Record<Weekday, BusinessPeriod[]>> = {};
    for (const day of WEEKDAYS) {
      const periods = dto.weekly[day];
      if (periods) weekly[day] = periods.map(period);
    }
    const definition: BusinessCalendarDefinition = {
      timezone: dto.timezone,
      weekly,
      holidays: dto.holidays ?? [],
      workingDays: (dto.workingDays ?? []).map((d) => ({ date: d.date, periods: d.periods.map(period) })),
    };
    const saved = await this.transactions.run((manager) =>
      this.saveCalendar.execute(manager, {
        tenantId: auth.tenantId,
        calendarId: id,
        name: dto.name,
        definition,
      }),
    );
    return { ...saved, builtIn: false };
  }

  private async policies(tenantId: string): Promise<PolicyView[]> {
    const stored = await this.repository.policies(tenantId);
    const views: PolicyView[] = stored.map((p) => ({ ...p, builtIn: false }));
    if (!stored.some((p) => p.id === BUILT_IN_POLICY.id)) {
      views.unshift({ ...BUILT_IN_POLICY, isDefault: !stored.some((p) => p.isDefault), builtIn: true });
    }
    return views;
  }

  private async calendars(tenantId: string): Promise<CalendarView[]> {
    const stored = await this.repository.calendars(tenantId);
    const views: CalendarView[] = stored.map((c) => ({ ...c, builtIn: false }));
    if (!stored.some((c) => c.id === BUILT_IN_CALENDAR.id))
      views.unshift({ ...BUILT_IN_CALENDAR, builtIn: true });
    return views;
  }
}

function period(p: PeriodDto): BusinessPeriod {
  return { start: p.start, end: p.end };
}
