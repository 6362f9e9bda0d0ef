import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BusinessCalendar,
  DEFAULT_BUSINESS_CALENDAR_DEFINITION,
  DEFAULT_SLA_POLICY,
  type SlaPolicy,
} from '../domain/sla';
import type { Ticket } from '../domain/ticket';
import {
  SlaSettingsRepository,
  type StoredCalendar,
  type StoredSlaPolicy,
} from '../infrastructure/sla-settings.repository';

export const DEFAULT_CALENDAR_ID = 'default';

/** The built-in policy and calendar as a tenant sees them before configuring its own. */
export const BUILT_IN_POLICY: StoredSlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  calendarId: null,
  isDefault: true,
  updatedAt: null,
};
export const BUILT_IN_CALENDAR: StoredCalendar = {
  id: DEFAULT_CALENDAR_ID,
  name: 'Default (Asia/Shanghai, Mon–Fri 09:00–12:00, 13:30–18:00)',
  definition: DEFAULT_BUSINESS_CALENDAR_DEFINITION,
  updatedAt: null,
};

export interface SlaContext {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  calendarId: string;
}

const MAX_CACHED_CALENDARS = 500;

/**
 * Which policy and calendar a ticket's clocks run on: the tenant's default policy (else the built-in one)
 * and the policy's calendar, else the tenant's calendar "default", else the built-in Asia/Shanghai one.
 */
@Injectable()
export class SlaSettings {
  private readonly compiled = new Map<string, BusinessCalendar>();
  private readonly builtIn = BusinessCalendar.create(DEFAULT_BUSINESS_CALENDAR_DEFINITION);

  constructor(private readonly repository: SlaSettingsRepository) {}

  async forNewTicket(manager: EntityManager, tenantId: string): Promise<SlaContext> {
    const policy = (await this.repository.defaultPolicy(tenantId, manager)) ?? BUILT_IN_POLICY;
    const calendarId = policy.calendarId ?? DEFAULT_CALENDAR_ID;
    return { policy, calendarId, calendar: await this.calendar(manager, tenantId, calendarId) };
  }

  /** The context of an existing ticket: the policy its clocks started under (a deleted one falls back to the default). */
  async forTicket(
    manager: EntityManager,
    ticket: Pick<Ticket, 'tenantId' | 'sla' | 'slaCalendarId'>,
  ): Promise<SlaContext> {
    const policyId = ticket.sla?.policyId;
    const stored = policyId ? await this.repository.policy(ticket.tenantId, policyId, manager) : null;
    const policy =
      stored ??
      (policyId === BUILT_IN_POLICY.id
        ? null
        : await this.repository.defaultPolicy(ticket.tenantId, manager)) ??
      BUILT_IN_POLICY;
    const calendarId = ticket.slaCalendarId ?? policy.calendarId ?? DEFAULT_CALENDAR_ID;
    return { policy, calendarId, calendar: await this.calendar(manager, ticket.tenantId, calendarId) };
  }

  async calendar(manager: EntityManager, tenantId: string, calendarId: string): Promise<BusinessCalendar> {
    const stored = await this.repository.calendar(tenantId, calendarId, manager);
    if (!stored) return this.builtIn;
    const key = `${tenantId}|${calendarId}|${stored.updatedAt ?? ''}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const calendar = BusinessCalendar.create(stored.definition);
    if (this.compiled.size >= MAX_CACHED_CALENDARS) this.compiled.clear();
    this.compiled.set(key, calendar);
    return calendar;
  }
}
