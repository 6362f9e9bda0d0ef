import { CallAggregator } from './call-aggregator';
import { planCallOutcome } from './call-outcome.plan';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 8, 0, s)).toISOString();
const base = { callId: 'c-1', from: '13800138000', to: '4008001234' };

describe('planCallOutcome', () => {
  it('turns a transcribed call into a message from the caller with its IVR path and recording', () => {
    const aggregator = new CallAggregator();
    let state = aggregator.apply(null, { ...base, event: 'call.started', at: at(0) }, new Date(at(0))).state;
    state = aggregator.apply(
      state,
      { ...base, event: 'ivr.selected', at: at(5), ivrPath: '2>1' },
      new Date(at(5)),
    ).state;
    state = aggregator.apply(
      state,
      { ...base, event: 'call.ended', at: at(95), recordingUrl: 'https://cti.example/rec/c-1.mp3' },
      new Date(at(95)),
    ).state;
    const result = aggregator.apply(
      state,
      { ...base, event: 'transcript.ready', at: at(100), transcript: '我的快递丢了' },
      new Date(at(100)),
    );
    const plan = planCallOutcome(result.outcomes[0]);
    expect(plan).toMatchObject({
      kind: 'message',
      phone: '+8613800138000',
      externalMessageId: 'call:c-1',
      body: '我的快递丢了',
      subject: '来电 +8613800138000（IVR 2>1）',
      attachments: [{ contentType: 'audio/mpeg', url: 'https://cti.example/rec/c-1.mp3', size: 0 }],
      updates: null,
      supersedes: null,
    });
    expect(plan.occurredAt.toISOString()).toBe(at(0));
  });

  it('turns a missed call into a call-back request naming the number', () => {
    const aggregator = new CallAggregator();
    const ended = aggregator.apply(
      null,
      { ...base, event: 'call.ended', at: at(3), answered: false, durationSec: 0 },
      new Date(at(3)),
    );
    const plan = planCallOutcome(ended.outcomes[0]);
    expect(plan).toMatchObject({
      kind: 'callback-request',
      externalMessageId: 'callback:c-1',
      body: '未接来电，请回电 +8613800138000。',
    });
  });

  it('a transcript after a call-back request supersedes it', () => {
    const aggregator = new CallAggregator();
    let state = aggregator.apply(null, { ...base, event: 'call.started', at: at(0) }, new Date(at(0))).state;
    state = aggregator.apply(
      state,
      { ...base, event: 'call.ended', at: at(3), answered: false },
      new Date(at(3)),
    ).state;
    const late = aggregator.apply(
      state,
      { ...base, event: 'transcript.ready', at: at(9), transcript: '请回电' },
      new Date(at(9)),
    );
    expect(planCallOutcome(late.outcomes[0])).toMatchObject({
      kind: 'message',
      supersedes: 'callback:c-1',
      updates: null,
    });
  });

  it('keeps a withheld number out of the phone identity', () => {
    const aggregator = new CallAggregator();
    const state = aggregator.apply(
      null,
      { ...base, from: 'anonymous', event: 'call.started', at: at(0) },
      new Date(at(0)),
    ).state;
    const ended = aggregator.apply(
      state,
      { ...base, from: 'anonymous', event: 'voicemail', at: at(30), transcript: '请联系我' },
      new Date(at(30)),
    );
    expect(planCallOutcome(ended.outcomes[0])).toMatchObject({
      phone: null,
      fallbackExternalId: 'cti-call:c-1',
      subject: '语音留言 anonymous',
    });
  });
});
