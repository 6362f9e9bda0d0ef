import { CallAggregator, type CallOutcome, type CallState, type CtiEvent } from './call-aggregator';
import { CallEventError } from './call-event.error';

/** The error a call throws, or undefined; lets tests assert on typed error fields. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

const T0 = Date.parse('2025-11-03T02:00:00.000Z');
const at = (sec: number): string => new Date(T0 + sec * 1000).toISOString();
const ev = (event: CtiEvent['event'], sec: number, extra: Partial<CtiEvent> = {}): CtiEvent => ({
  callId: 'call-1',
  event,
  from: '138 0013 8000',
  to: '400-800-1234',
  at: at(sec),
  ...extra,
});

/** Feeds events in order, storing the state as JSON between events as Redis would. */
function run(
  aggregator: CallAggregator,
  events: CtiEvent[],
): { state: CallState | null; outcomes: CallOutcome[]; duplicates: number } {
  let state: CallState | null = null;
  const outcomes: CallOutcome[] = [];
  let duplicates = 0;
  for (const event of events) {
    // The clock reads the time of the event being applied.
    const result = aggregator.apply(state, event, new Date(event.at));
    state = JSON.parse(JSON.stringify(result.state)) as CallState;
    outcomes.push(...result.outcomes);
    if (result.duplicate) duplicates++;
  }
  return { state, outcomes, duplicates };
}

describe('CallAggregator', () => {
  const aggregator = new CallAggregator();

  it('turns an answered call whose transcript arrives after the hang-up into one message', () => {
    const { outcomes } = run(aggregator, [
      ev('call.started', 0),
      ev('ivr.selected', 5, { ivrPath: '1' }),
      ev('ivr.selected', 9, { ivrPath: ['1', '3'] }),
      ev('call.ended', 190, { durationSec: 190, recordingUrl: 'https://cti.example/rec/call-1.mp3' }),
      ev('transcript.ready', 260, { transcript: '我的快递三天没更新了，单号 SF123。' }),
    ]);
    expect(outcomes).toEqual([
      {
        kind: 'message',
        callId: 'call-1',
        externalMessageId: 'call:call-1',
        caller: { raw: '138 0013 8000', e164: '+8613800138000' },
        callee: '+864008001234',
        source: 'transcript',
        body: '我的快递三天没更新了，单号 SF123。',
        hasTranscript: true,
        occurredAt: at(0),
        ivrPath: ['1', '3'],
        durationSec: 190,
        attachments: [
          {
            filename: 'call-call-1.mp3',
            contentType: 'audio/mpeg',
            size: null,
            url: 'https://cti.example/rec/call-1.mp3',
          },
        ],
        replaces: null,
      },
    ]);
  });

  it('ignores repeated events and emits the message once', () => {
    const transcript = ev('transcript.ready', 60, { transcript: 'Please call me back about my invoice.' });
    const { outcomes, duplicates } = run(aggregator, [
      ev('call.started', 0),
      ev('call.ended', 50, { durationSec: 50 }),
      transcript,
      transcript,
      ev('call.ended', 50, { durationSec: 50 }),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['message']);
    expect(duplicates).toBe(2);
  });

  it('treats the CTI event id as the identity of an event when given', () => {
    const first = ev('ivr.selected', 5, { ivrPath: '2', eventId: 'e-7' });
    const retried = { ...first, at: at(6) };
    expect(run(aggregator, [first, retried]).duplicates).toBe(1);
  });

  it('asks for a call-back when a call ends unanswered without a word', () => {
    const missed = run(aggregator, [ev('call.started', 0), ev('call.ended', 0, { durationSec: 0 })]).outcomes;
    expect(missed).toEqual([
      expect.objectContaining({
        kind: 'callback-request',
        reason: 'missed',
        caller: { raw: '138 0013 8000', e164: '+8613800138000' },
        ivrPath: [],
      }),
    ]);
    const abandoned = run(aggregator, [
      ev('call.started', 0),
      ev('ivr.selected', 4, { ivrPath: '2' }),
      ev('call.ended', 9),
    ]).outcomes;
    expect(abandoned).toEqual([
      expect.objectContaining({
        kind: 'callback-request',
        reason: 'abandoned',
        durationSec: 9,
        ivrPath: ['2'],
      }),
    ]);
    const waitedInQueue = run(aggregator, [
      ev('call.started', 0),
      ev('call.ended', 300, { answered: false }),
    ]).outcomes;
    expect(waitedInQueue).toEqual([
      expect.objectContaining({ kind: 'callback-request', reason: 'abandoned', durationSec: 300 }),
    ]);
  });

  it('does nothing for a normal conversation without transcript', () => {
    expect(
      run(aggregator, [ev('call.started', 0), ev('call.ended', 240, { durationSec: 240 })]).outcomes,
    ).toEqual([]);
  });

  it('lets a late voicemail replace the call-back request it made', () => {
    const { outcomes } = run(aggregator, [
      ev('call.ended', 20, { durationSec: 20, answered: false }),
      ev('call.started', 0),
      ev('voicemail', 25, {
        transcript: '您好，我想改一下收货地址。',
        recordingUrl: 'https://cti.example/vm/1.amr',
      }),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['callback-request', 'message']);
    expect(outcomes[1]).toMatchObject({
      source: 'voicemail',
      replaces: 'callback-request',
      body: '您好，我想改一下收货地址。',
      occurredAt: at(0),
    });
    expect(outcomes[1].kind === 'message' && outcomes[1].attachments[0].contentType).toBe('audio/amr');
  });

  it('waits for a voicemail transcript when asked to settle, and falls back to a placeholder when none comes', () => {
    const patient = new CallAggregator({ settleSec: 60 });
    const events = [
      ev('call.started', 0),
      ev('voicemail', 30, { recordingUrl: 'https://cti.example/vm/2.wav', durationSec: 12 }),
      ev('call.ended', 45),
    ];
    const waiting = run(patient, events);
    expect(waiting.outcomes).toEqual([]);
    const state = waiting.state as CallState;
    expect(patient.nextDueAt(state)).toBe(at(105));
    expect(patient.flush(state, new Date(T0 + 100_000)).outcomes).toEqual([]);

    const withTranscript = patient.apply(
      state,
      ev('transcript.ready', 70, { transcript: '请回电' }),
      new Date(T0 + 70_000),
    );
    expect(withTranscript.outcomes).toEqual([
      expect.objectContaining({ kind: 'message', source: 'voicemail', body: '请回电', hasTranscript: true }),
    ]);

    const placeholder = patient.flush(state, new Date(T0 + 106_000));
    expect(placeholder.outcomes).toEqual([
      expect.objectContaining({
        kind: 'message',
        hasTranscript: false,
        body: '[voicemail, 12 s, no transcript]',
      }),
    ]);
    expect(patient.nextDueAt(placeholder.state)).toBeNull();
    const late = patient.apply(
      placeholder.state,
      ev('transcript.ready', 200, { transcript: 'late words' }),
      new Date(T0 + 200_000),
    );
    expect(late.outcomes).toEqual([expect.objectContaining({ body: 'late words', replaces: 'message' })]);
  });

  it('keeps an anonymous caller without inventing a number', () => {
    const { outcomes } = run(aggregator, [ev('call.ended', 3, { from: 'anonymous', durationSec: 3 })]);
    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'callback-request', caller: { raw: 'anonymous', e164: null } }),
    ]);
  });

  it.each([
    [{ ...ev('call.started', 0), callId: '' }, 'callId'],
    [{ ...ev('call.started', 0), event: 'call.exploded' }, 'event'],
    [{ ...ev('call.started', 0), at: 'yesterday' }, 'at'],
    [{ ...ev('call.ended', 0), durationSec: -4 }, 'durationSec'],
    [{ ...ev('voicemail', 0), recordingUrl: 'javascript:alert(1)' }, 'recordingUrl'],
    [{ ...ev('ivr.selected', 0), ivrPath: 3 }, 'ivrPath'],
    ['not an object', 'event'],
  ])('rejects an invalid event naming %#', (input, field) => {
    expect(caught(() => aggregator.apply(null, input, new Date(T0)))).toMatchObject({
      code: 'invalid-event',
      field,
    });
  });

  it('refuses to mix calls', () => {
    const { state } = aggregator.apply(null, ev('call.started', 0), new Date(T0));
    expect(() => aggregator.apply(state, { ...ev('call.ended', 5), callId: 'call-2' }, new Date(T0))).toThrow(
      CallEventError,
    );
  });
});
