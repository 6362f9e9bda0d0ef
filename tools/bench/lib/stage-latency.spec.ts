import type { Observed } from './kafka-tap';
import type { SendOutcome } from './load-driver';
import { endToEndRate, stageReport, timingOf, type TapView } from './stage-latency';

const seen = (envelopeAt: number, recordAt: number, ticketId?: string): Observed => ({ eventId: `e${recordAt}`, envelopeAt, recordAt, seenAt: recordAt + 1, ticketId });

function outcome(messageId: string, sentAt: number, answeredAt: number, followUpOf?: string): SendOutcome {
  return {
    planned: { seq: 1, language: 'en', followUpOf, body: { channel: 'web', customer: { email: 'a@b.c' }, body: 'x', metadata: {} } },
    sentAt,
    answeredAt,
    status: 202,
    messageId,
  };
}

describe('stage timings', () => {
  const tap: TapView = {
    received: new Map([
      ['m1', seen(1005, 1020)],
      ['m2', seen(2005, 2010)],
    ]),
    created: new Map([['m1', seen(1100, 1130, 't1')]]),
    added: new Map([['m2', seen(2050, 2060, 't1')]]),
    routed: new Map([['t1', seen(1140, 1150, 't1')]]),
  };

  it('splits a new ticket into accept, relay, triage, relay and routing, and ends at ticket.routed', () => {
    expect(timingOf(outcome('m1', 1000, 1010), tap)).toEqual({
      followUp: false,
      accept: 10,
      ingestionRelay: 15,
      kafkaToTriage: 80,
      triageRelay: 30,
      routing: 20,
      endToEnd: 140,
      routed: true,
      finalAt: 1150,
    });
  });

  it('ends a follow-up when it joined its ticket, never at that ticket’s routing', () => {
    const t = timingOf(outcome('m2', 2000, 2008, 'conv'), tap);
    expect(t.routed).toBe(false);
    expect(t.endToEnd).toBe(52);
    expect(t.finalAt).toBe(2060);
  });

  it('leaves stages it has no record of empty', () => {
    const t = timingOf(outcome('m3', 3000, 3004), tap);
    expect(t).toEqual({ followUp: false, accept: 4, routed: false });
    const report = stageReport([t]);
    expect(report.accept?.p50).toBe(4);
    expect(report.endToEnd).toBeNull();
  });

  it('rates completions over the time from the first send to the last ticket event', () => {
    const timings = [timingOf(outcome('m1', 1000, 1010), tap), timingOf(outcome('m2', 2000, 2008, 'conv'), tap)];
    // two messages done between 1000 and 2060 ms
    expect(endToEndRate(timings, 1000)).toBeCloseTo(2 / 1.06, 5);
    expect(endToEndRate([], 0)).toBeNull();
  });
});
