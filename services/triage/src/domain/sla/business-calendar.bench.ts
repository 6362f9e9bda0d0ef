/**
 * Prints timings of business-time arithmetic (no assertions):
 *   node tools/bench/run-ts-local.js services/triage/src/domain/sla/business-calendar.bench.ts
 */
import { performance } from 'node:perf_hooks';
import {
  addBusinessMinutes,
  BusinessCalendar,
  businessMinutesBetween,
  type BusinessCalendarDefinition,
} from './business-calendar';
import { pauseSlaClock, recomputeSlaClock, resumeSlaClock, startSlaClock } from './sla-clock';
import { DEFAULT_SLA_POLICY } from './sla-policy';

const DAY = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];
const definition: BusinessCalendarDefinition = {
  timezone: 'Asia/Shanghai',
  weekly: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY },
  holidays: ['2026-10-01..10'],
  workingDays: [{ date: '2026-09-27', periods: DAY }],
};
const start = new Date('2026-09-30T09:50:00Z'); // Wednesday 17:50 in Shanghai, before a 10-day holiday

function measure(label: string, iterations: number, run: (i: number) => unknown): void {
  run(0);
  const began = performance.now();
  for (let i = 0; i < iterations; i += 1) run(i);
  const micros = ((performance.now() - began) * 1000) / iterations;
  console.log(`${label.padEnd(64)} ${micros.toFixed(1).padStart(9)} µs/op  (${iterations} ops)`);
}

const warm = BusinessCalendar.create(definition);
measure('24 business hours across a 10-day holiday (cold calendar)', 2000, () =>
  addBusinessMinutes(start, 24 * 60, BusinessCalendar.create(definition)),
);
measure('24 business hours across a 10-day holiday (warm calendar)', 20000, () =>
  addBusinessMinutes(start, 24 * 60, warm),
);
measure('5 business days (2250 min), warm', 20000, () => addBusinessMinutes(start, 5 * 450, warm));
measure('one business year (250 × 450 min), cold', 200, () =>
  addBusinessMinutes(start, 250 * 450, BusinessCalendar.create(definition)),
);
measure('businessMinutesBetween over 365 days, warm', 2000, () =>
  businessMinutesBetween(start, new Date(start.getTime() + 365 * 86_400_000), warm),
);
measure('clock: start P3, pause, resume, recompute to P1 (warm)', 5000, (i) => {
  const at = new Date(start.getTime() + (i % 1000) * 60_000);
  let clock = startSlaClock({ metric: 'resolution', policy: DEFAULT_SLA_POLICY, priority: 'P3', at }, warm);
  clock = pauseSlaClock(clock, new Date(at.getTime() + 3_600_000)).state;
  clock = resumeSlaClock(clock, new Date(at.getTime() + 7_200_000), warm).state;
  return recomputeSlaClock(
    clock,
    { policy: DEFAULT_SLA_POLICY, priority: 'P1' },
    new Date(at.getTime() + 7_300_000),
    warm,
  );
});
