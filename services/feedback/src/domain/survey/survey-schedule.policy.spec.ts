import { FeedbackException } from '../feedback.exception';
import { decideSurveySchedule, surveyExpiry, validateSurveySettings } from './survey-schedule.policy';

const resolvedAt = new Date('2026-11-23T09:00:00Z');
const settings = { enabled: true, delaySeconds: 3600, validityHours: 168 };

describe('decideSurveySchedule', () => {
  it('schedules the survey the configured delay after resolution', () => {
    expect(
      decideSurveySchedule({ resolvedAt, settings, optedOut: false, followUpTicket: false, now: resolvedAt }),
    ).toEqual({
      kind: 'schedule',
      dueAt: new Date('2026-11-23T10:00:00Z'),
    });
    expect(
      decideSurveySchedule({
        resolvedAt,
        settings: { ...settings, delaySeconds: 0 },
        optedOut: false,
        followUpTicket: false,
        now: resolvedAt,
      }),
    ).toEqual({ kind: 'schedule', dueAt: resolvedAt });
  });

  it('never surveys a customer who opted out, a tenant with surveys off, or a follow-up ticket', () => {
    expect(
      decideSurveySchedule({ resolvedAt, settings, optedOut: true, followUpTicket: false, now: resolvedAt }),
    ).toEqual({
      kind: 'suppress',
      reason: 'opted-out',
    });
    expect(
      decideSurveySchedule({
        resolvedAt,
        settings: { ...settings, enabled: false },
        optedOut: false,
        followUpTicket: false,
        now: resolvedAt,
      }),
    ).toEqual({ kind: 'suppress', reason: 'disabled' });
    expect(
      decideSurveySchedule({ resolvedAt, settings, optedOut: false, followUpTicket: true, now: resolvedAt }),
    ).toEqual({
      kind: 'suppress',
      reason: 'follow-up-ticket',
    });
  });

  it('does not survey about a resolution older than a survey would stay open', () => {
    const input = { resolvedAt, settings, optedOut: false, followUpTicket: false };
    expect(decideSurveySchedule({ ...input, now: new Date('2026-11-30T09:59:59Z') }).kind).toBe('schedule');
    expect(decideSurveySchedule({ ...input, now: new Date('2026-11-30T10:00:00Z') })).toEqual({
      kind: 'suppress',
      reason: 'stale',
    });
  });

  it('expires the survey the validity period after it was sent', () => {
    expect(surveyExpiry(resolvedAt, settings)).toEqual(new Date('2026-11-30T09:00:00Z'));
  });
});

describe('validateSurveySettings', () => {
  it('accepts settings in range', () => {
    expect(validateSurveySettings({ enabled: false, delaySeconds: 0, validityHours: 1 })).toEqual({
      enabled: false,
      delaySeconds: 0,
      validityHours: 1,
    });
  });

  it('names every field out of range', () => {
    try {
      validateSurveySettings({ enabled: 'yes', delaySeconds: -1, validityHours: 0.5 });
      throw new Error('expected a failure');
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(FeedbackException);
      expect((error as FeedbackException).errors.map((e) => e.field)).toEqual([
        'enabled',
        'delaySeconds',
        'validityHours',
      ]);
    }
  });
});
