import type { CallOutcome } from './call-aggregator';
import { capBody, type Attachment } from '../../message';

/** What a call outcome becomes: a message (or call-back request) from the caller's phone identity. */
export interface CallMessagePlan {
  kind: 'message' | 'callback-request';
  /** The caller's number in E.164, or null when withheld or unreadable. */
  phone: string | null;
  /** Identity used when the number is unknown, so the call is still one customer's message. */
  fallbackExternalId: string;
  externalMessageId: string;
  subject: string;
  body: string;
  attachments: Attachment[];
  metadata: Record<string, unknown>;
  occurredAt: Date;
  /** The earlier message of the same call this one updates, by its external id. */
  updates: string | null;
  /** The call-back request this message supersedes, by its external id. */
  supersedes: string | null;
}

const callbackId = (callId: string): string => `callback:${callId}`;

export function planCallOutcome(outcome: CallOutcome): CallMessagePlan {
  const caller = outcome.caller.e164 ?? outcome.caller.raw ?? 'unknown number';
  const call = {
    callId: outcome.callId,
    callerRaw: outcome.caller.raw,
    callee: outcome.callee,
    ivrPath: outcome.ivrPath,
    durationSec: outcome.durationSec,
  };
  const common = {
    phone: outcome.caller.e164,
    fallbackExternalId: `cti-call:${outcome.callId}`,
    occurredAt: new Date(outcome.occurredAt),
  };
  const ivr = outcome.ivrPath.length > 0 ? `（IVR ${outcome.ivrPath.join('>')}）` : '';
  if (outcome.kind === 'callback-request') {
    const what = outcome.reason === 'missed' ? '未接来电' : '来电放弃';
    return {
      ...common,
      kind: 'callback-request',
      externalMessageId: callbackId(outcome.callId),
      subject: `${what}，请回电 ${caller}`,
      body: `${what}${ivr}，请回电 ${caller}。`,
      attachments: [],
      metadata: { call: { ...call, reason: outcome.reason } },
      updates: null,
      supersedes: null,
    };
  }
  const capped = capBody(outcome.body);
  return {
    ...common,
    kind: 'message',
    externalMessageId: outcome.externalMessageId,
    subject: `${outcome.source === 'voicemail' ? '语音留言' : '来电'} ${caller}${ivr}`,
    body: capped.body,
    attachments: outcome.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size ?? 0,
      url: a.url,
    })),
    metadata: {
      call: { ...call, source: outcome.source, hasTranscript: outcome.hasTranscript },
      ...(capped.truncated ? { truncated: true } : {}),
    },
    updates: outcome.replaces === 'message' ? outcome.externalMessageId : null,
    supersedes: outcome.replaces === 'callback-request' ? callbackId(outcome.callId) : null,
  };
}
