import { createHash } from 'node:crypto';
import { CallEventError } from './call-event.error';
import { normalizePhone, PhoneNumberError } from './phone-number';

export const CTI_EVENT_TYPES = [
  'call.started',
  'ivr.selected',
  'call.ended',
  'transcript.ready',
  'voicemail',
] as const;
export type CtiEventType = (typeof CTI_EVENT_TYPES)[number];

/** One call-centre event as posted to `POST /v1/channels/phone/events`. */
export interface CtiEvent {
  callId: string;
  event: CtiEventType;
  /** The caller's number. */
  from: string;
  /** The dialled (hotline) number. */
  to: string;
  /** ISO-8601 time of the event at the CTI. */
  at: string;
  /** IVR choices: `['1', '3']`, or `'1>3'` / `'1,3'` / `'1/3'`. */
  ivrPath?: string | string[];
  transcript?: string;
  recordingUrl?: string;
  durationSec?: number;
  /** Optional: whether an agent picked up, when the CTI reports it. */
  answered?: boolean;
  /** Optional: the CTI's own event id, the most reliable duplicate check. */
  eventId?: string;
}

export interface CallParty {
  /** As the CTI sent it. */
  raw: string | null;
  /** E.164, or null for anonymous/withheld or unparseable numbers. */
  e164: string | null;
}

/** Everything known about one call; plain JSON so it can be kept in Redis or a jsonb column between events. */
export interface CallState {
  version: 1;
  callId: string;
  caller: CallParty;
  callee: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationSec: number | null;
  answered: boolean | null;
  ivrSelections: { at: string; path: string[] }[];
  transcripts: { at: string; text: string }[];
  voicemail: { at: string; recordingUrl: string | null } | null;
  recordingUrl: string | null;
  /** Fingerprints of applied events (bounded), to ignore CTI retries. */
  seen: string[];
  /** What has been handed out already, so each outcome is emitted once. */
  emitted: { message: 'text' | 'placeholder' | null; messageTextLength: number; callback: boolean };
  firstEventAt: string;
}

export interface CallAttachment {
  filename: string;
  contentType: string;
  /** Unknown until the recording is fetched. */
  size: number | null;
  url: string;
}

/** The call becomes a message from the caller. */
export interface CallMessageOutcome {
  kind: 'message';
  callId: string;
  /** Stable per call (`call:<callId>`): a later outcome with `replaces: 'message'` updates the same message. */
  externalMessageId: string;
  caller: CallParty;
  callee: string | null;
  source: 'transcript' | 'voicemail';
  body: string;
  /** False when the body is a placeholder for a voicemail whose transcript never came. */
  hasTranscript: boolean;
  occurredAt: string;
  ivrPath: string[];
  durationSec: number | null;
  attachments: CallAttachment[];
  /** What this outcome supersedes: a call-back request already handed out, or an earlier version of this message. */
  replaces: 'callback-request' | 'message' | null;
}

/** A missed or abandoned call without anything said: somebody should call back. */
export interface CallbackRequestOutcome {
  kind: 'callback-request';
  callId: string;
  caller: CallParty;
  callee: string | null;
  reason: 'missed' | 'abandoned';
  occurredAt: string;
  ivrPath: string[];
  durationSec: number | null;
}

export type CallOutcome = CallMessageOutcome | CallbackRequestOutcome;

export interface CallAggregation {
  state: CallState;
  outcomes: CallOutcome[];
  /** True when the event had been applied before and changed nothing. */
  duplicate: boolean;
}

export interface CallAggregatorOptions {
  /** A call shorter than this with nothing said counts as abandoned (default 15 s). */
  shortCallSec?: number;
  /**
   * Wait this long after the call ends before handing out a call-back request or a voicemail
   * without transcript, so that late transcripts win; `flush` hands them out when due (default 0: at once).
   */
  settleSec?: number;
  defaultRegion?: Parameters<typeof normalizePhone>[1];
}

const MAX_SEEN = 64;
const MAX_TEXT = 20_000;

/**
 * Folds CTI events of one call into one outcome. Pure: the state goes in and comes out, time is
 * passed in, events may arrive late, twice or out of order.
 */
export class CallAggregator {
  private readonly shortCallSec: number;
  private readonly settleSec: number;
  private readonly defaultRegion: Parameters<typeof normalizePhone>[1];

  constructor(options: CallAggregatorOptions = {}) {
    this.shortCallSec = options.shortCallSec ?? 15;
    this.settleSec = options.settleSec ?? 0;
    this.defaultRegion = options.defaultRegion ?? 'CN';
  }

  /** Applies one event; `now` decides whether settled outcomes are due. Throws CallEventError for invalid events. */
  apply(state: CallState | null, input: unknown, now: Date): CallAggregation {
    const event = validateCtiEvent(input);
    if (state && state.callId !== event.callId)
      throw new CallEventError('call-id-mismatch', 'callId', `belongs to call ${state.callId}`);
    const current = state ?? this.initialState(event);
    const fingerprint = fingerprintOf(event);
    if (current.seen.includes(fingerprint)) return { state: current, outcomes: [], duplicate: true };

    const next = structuredClone(current);
    next.seen = [...next.seen, fingerprint].slice(-MAX_SEEN);
    this.fold(next, event);
    return this.settle(next, now);
  }

  /** Hands out outcomes that were waiting for `settleSec` to pass. */
  flush(state: CallState, now: Date): CallAggregation {
    const next = structuredClone(state);
    return this.settle(next, now);
  }

  /** When `flush` should next be called for this state, or null when nothing is waiting. */
  nextDueAt(state: CallState): string | null {
    if (!state.endedAt || state.emitted.message === 'text') return null;
    if (state.emitted.message === 'placeholder' || state.emitted.callback) return null;
    if (!state.voicemail && !this.qualifiesForCallback(state)) return null;
    return new Date(Date.parse(state.endedAt) + this.settleSec * 1000).toISOString();
  }

  private initialState(event: CtiEvent): CallState {
    return {
      version: 1,
      callId: event.callId,
      caller: { raw: null, e164: null },
      callee: null,
      startedAt: null,
      endedAt: null,
      durationSec: null,
      answered: null,
      ivrSelections: [],
      transcripts: [],
      voicemail: null,
      recordingUrl: null,
      seen: [],
      emitted: { message: null, messageTextLength: 0, callback: false },
      firstEventAt: event.at,
    };
  }

  private fold(state: CallState, event: CtiEvent): void {
    if (Date.parse(event.at) < Date.parse(state.firstEventAt)) state.firstEventAt = event.at;
    if (!state.caller.raw && event.from.trim() !== '')
      state.caller = { raw: event.from.trim(), e164: this.phoneOrNull(event.from) };
    if (!state.callee && event.to.trim() !== '') state.callee = this.phoneOrNull(event.to) ?? event.to.trim();
    if (event.answered !== undefined) state.answered = event.answered;
    if (event.recordingUrl && !state.recordingUrl) state.recordingUrl = event.recordingUrl;
    const path = parseIvrPath(event.ivrPath);
    if (path.length > 0) {
      state.ivrSelections.push({ at: event.at, path });
      state.ivrSelections.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    }
    switch (event.event) {
      case 'call.started':
        state.startedAt = event.at;
        break;
      case 'ivr.selected':
        break;
      case 'call.ended':
        state.endedAt = event.at;
        if (event.durationSec !== undefined) state.durationSec = event.durationSec;
        break;
      case 'voicemail':
        state.voicemail = { at: event.at, recordingUrl: event.recordingUrl ?? null };
        if (event.durationSec !== undefined && state.durationSec === null)
          state.durationSec = event.durationSec;
        this.addTranscript(state, event);
        break;
      case 'transcript.ready':
        this.addTranscript(state, event);
        break;
    }
  }

  private addTranscript(state: CallState, event: CtiEvent): void {
    const text = event.transcript?.trim();
    if (text && !state.transcripts.some((t) => t.text === text)) {
      state.transcripts.push({ at: event.at, text });
      state.transcripts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    }
  }

  private settle(state: CallState, now: Date): CallAggregation {
    const outcomes: CallOutcome[] = [];
    const text = state.transcripts
      .map((t) => t.text)
      .join('\n\n')
      .slice(0, MAX_TEXT);
    const due = state.endedAt !== null && now.getTime() >= Date.parse(state.endedAt) + this.settleSec * 1000;

    if (text !== '' && (state.emitted.message !== 'text' || text.length > state.emitted.messageTextLength)) {
      const replaces =
        state.emitted.message !== null ? 'message' : state.emitted.callback ? 'callback-request' : null;
      outcomes.push(this.message(state, text, true, replaces));
      state.emitted.message = 'text';
      state.emitted.messageTextLength = text.length;
    } else if (text === '' && state.voicemail && state.emitted.message === null && due) {
      const placeholder = `[voicemail${state.durationSec !== null ? `, ${state.durationSec} s` : ''}, no transcript]`;
      outcomes.push(
        this.message(state, placeholder, false, state.emitted.callback ? 'callback-request' : null),
      );
      state.emitted.message = 'placeholder';
    } else if (
      state.emitted.message === null &&
      !state.voicemail &&
      !state.emitted.callback &&
      due &&
      this.qualifiesForCallback(state)
    ) {
      outcomes.push({
        kind: 'callback-request',
        callId: state.callId,
        caller: state.caller,
        callee: state.callee,
        reason: this.callbackReason(state),
        occurredAt: state.startedAt ?? state.firstEventAt,
        ivrPath: combinedIvrPath(state),
        durationSec: this.duration(state),
      });
      state.emitted.callback = true;
    }
    return { state, outcomes, duplicate: false };
  }

  private message(
    state: CallState,
    body: string,
    hasTranscript: boolean,
    replaces: CallMessageOutcome['replaces'],
  ): CallMessageOutcome {
    const recordingUrl = state.voicemail?.recordingUrl ?? state.recordingUrl;
    return {
      kind: 'message',
      callId: state.callId,
      externalMessageId: `call:${state.callId}`,
      caller: state.caller,
      callee: state.callee,
      source: state.voicemail ? 'voicemail' : 'transcript',
      body,
      hasTranscript,
      occurredAt: state.startedAt ?? state.firstEventAt,
      ivrPath: combinedIvrPath(state),
      durationSec: this.duration(state),
      attachments: recordingUrl ? [recordingAttachment(state.callId, recordingUrl)] : [],
      replaces,
    };
  }

  private duration(state: CallState): number | null {
    if (state.durationSec !== null) return state.durationSec;
    if (state.startedAt && state.endedAt)
      return Math.max(0, Math.round((Date.parse(state.endedAt) - Date.parse(state.startedAt)) / 1000));
    return null;
  }

  private qualifiesForCallback(state: CallState): boolean {
    if (!state.endedAt || state.transcripts.length > 0 || state.voicemail) return false;
    const duration = this.duration(state);
    if (state.answered === false) return true;
    return duration === null || duration < this.shortCallSec;
  }

  private callbackReason(state: CallState): CallbackRequestOutcome['reason'] {
    const duration = this.duration(state);
    // The caller stayed on the line (went through the IVR or waited) and hung up before being served.
    return state.ivrSelections.length > 0 || state.answered === true || (duration !== null && duration > 0)
      ? 'abandoned'
      : 'missed';
  }

  private phoneOrNull(raw: string): string | null {
    try {
      return normalizePhone(raw, this.defaultRegion);
    } catch (error: unknown) {
      if (error instanceof PhoneNumberError) return null;
      throw error;
    }
  }
}

/** Checks the shape of an event from outside; throws CallEventError naming the field. */
export function validateCtiEvent(input: unknown): CtiEvent {
  if (typeof input !== 'object' || input === null)
    throw new CallEventError('invalid-event', 'event', 'must be an object');
  const o = input as Record<string, unknown>;
  const str = (field: string, required: boolean, max: number): string | undefined => {
    const value = o[field];
    if (value === undefined || value === null) {
      if (required) throw new CallEventError('invalid-event', field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') throw new CallEventError('invalid-event', field, 'must be a string');
    if (value.length > max)
      throw new CallEventError('invalid-event', field, `must be at most ${max} characters`);
    return value;
  };
  const callId = str('callId', true, 128) ?? '';
  if (callId.trim() === '') throw new CallEventError('invalid-event', 'callId', 'must not be empty');
  const event = o.event;
  if (typeof event !== 'string' || !(CTI_EVENT_TYPES as readonly string[]).includes(event)) {
    throw new CallEventError('invalid-event', 'event', `must be one of ${CTI_EVENT_TYPES.join(', ')}`);
  }
  const at = str('at', true, 64) ?? '';
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(Date.parse(at)))
    throw new CallEventError('invalid-event', 'at', 'must be an ISO-8601 time');
  const durationSec = o.durationSec;
  if (
    durationSec !== undefined &&
    (typeof durationSec !== 'number' || !Number.isFinite(durationSec) || durationSec < 0)
  ) {
    throw new CallEventError('invalid-event', 'durationSec', 'must be a non-negative number');
  }
  const recordingUrl = str('recordingUrl', false, 2048);
  if (recordingUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(recordingUrl))
    throw new CallEventError('invalid-event', 'recordingUrl', 'must be an http(s) URL');
  const ivrPath = o.ivrPath;
  if (
    ivrPath !== undefined &&
    typeof ivrPath !== 'string' &&
    !(Array.isArray(ivrPath) && ivrPath.every((p) => typeof p === 'string'))
  ) {
    throw new CallEventError('invalid-event', 'ivrPath', 'must be a string or an array of strings');
  }
  const answered = o.answered;
  if (answered !== undefined && typeof answered !== 'boolean')
    throw new CallEventError('invalid-event', 'answered', 'must be a boolean');
  return {
    callId: callId.trim(),
    event: event as CtiEventType,
    from: str('from', false, 64) ?? '',
    to: str('to', false, 64) ?? '',
    at: new Date(at).toISOString(),
    ivrPath,
    transcript: str('transcript', false, 100_000),
    recordingUrl,
    durationSec,
    answered,
    eventId: str('eventId', false, 128),
  };
}

function parseIvrPath(path: string | string[] | undefined): string[] {
  if (path === undefined) return [];
  const parts = Array.isArray(path) ? path : path.split(/\s*(?:>|,|\/|→)\s*/);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

// Some CTIs send each choice, others the whole path so far: both fold into one path.
function combinedIvrPath(state: CallState): string[] {
  let combined: string[] = [];
  for (const selection of state.ivrSelections) {
    if (startsWith(selection.path, combined)) combined = [...selection.path];
    else if (!startsWith(combined, selection.path)) combined = [...combined, ...selection.path];
  }
  return combined;
}

function fingerprintOf(event: CtiEvent): string {
  if (event.eventId) return `id:${event.eventId}`;
  const material = [
    event.event,
    event.at,
    event.recordingUrl ?? '',
    event.durationSec ?? '',
    parseIvrPath(event.ivrPath).join('>'),
    event.transcript ?? '',
  ].join('\u0000');
  return createHash('sha1').update(material).digest('base64url');
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  amr: 'audio/amr',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/opus',
};

function recordingAttachment(callId: string, url: string): CallAttachment {
  let extension = '';
  try {
    extension = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? '';
  } catch {
    extension = '';
  }
  const contentType = AUDIO_TYPES[extension] ?? 'application/octet-stream';
  const safeId = callId.replace(/[^A-Za-z0-9_-]/g, '_');
  return { filename: `call-${safeId}${extension ? `.${extension}` : ''}`, contentType, size: null, url };
}
