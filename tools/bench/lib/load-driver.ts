import { randomUUID } from 'node:crypto';
import { HttpClient, jsonBody, stringField } from './http-client';
import type { MessageMix, PlannedMessage } from './message-mix';

/** What happened to one POST /v1/messages. */
export interface SendOutcome {
  planned: PlannedMessage;
  /** Wall-clock ms (Date.now) when the request was sent and when its answer arrived. */
  sentAt: number;
  answeredAt: number;
  status: number;
  messageId?: string;
  conversationId?: string;
  customerId?: string;
  error?: string;
}

export interface SendStats {
  offeredRate: number | null;
  concurrency: number | null;
  durationMs: number;
  planned: number;
  sent: number;
  /** Planned sends skipped because too many requests were already waiting (the client, not the server, was the limit). */
  skipped: number;
  byStatus: Record<string, number>;
}

export interface LoadTarget {
  client: HttpClient;
  apiKey: string;
  mix: MessageMix;
  onOutcome: (outcome: SendOutcome) => void;
}

export async function sendOne(target: LoadTarget, planned: PlannedMessage): Promise<SendOutcome> {
  const sentAt = Date.now();
  const res = await target.client.request('POST', '/v1/messages', {
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(planned.body),
    timeoutMs: 30_000,
  });
  const answeredAt = Date.now();
  const body = res.status === 202 ? jsonBody(res) : undefined;
  const outcome: SendOutcome = {
    planned,
    sentAt,
    answeredAt,
    status: res.status,
    messageId: stringField(body, 'messageId'),
    conversationId: stringField(body, 'conversationId'),
    customerId: stringField(body, 'customerId'),
    error: res.status === 0 ? res.error : res.status >= 400 ? res.body.toString('utf8').slice(0, 300) : undefined,
  };
  if (outcome.status === 202 && outcome.conversationId && !planned.followUpOf) {
    target.mix.accepted({ customer: planned.body.customer, conversationId: outcome.conversationId, channel: planned.body.channel });
  }
  target.onOutcome(outcome);
  return outcome;
}

function countStatus(stats: SendStats, status: number): void {
  const key = status === 0 ? 'no answer' : String(status);
  stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
}

/**
 * Open loop: sends at a fixed rate whatever the answers take, as independent customers do.
 * Stops after `durationMs` or when `stop()` says so; waits for answers still in flight.
 */
export async function runOpenLoop(
  target: LoadTarget,
  ratePerSecond: number,
  durationMs: number,
  options: { maxInFlight?: number; stop?: () => boolean } = {},
): Promise<SendStats> {
  const maxInFlight = options.maxInFlight ?? 2000;
  const stats: SendStats = { offeredRate: ratePerSecond, concurrency: null, durationMs: 0, planned: 0, sent: 0, skipped: 0, byStatus: {} };
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  for (;;) {
    const elapsed = Date.now() - started;
    if (elapsed >= durationMs || options.stop?.()) break;
    const due = Math.floor((elapsed * ratePerSecond) / 1000) - stats.planned;
    for (let i = 0; i < due; i++) {
      stats.planned++;
      if (inFlight.size >= maxInFlight) {
        stats.skipped++;
        continue;
      }
      stats.sent++;
      const p = sendOne(target, target.mix.next()).then((o) => countStatus(stats, o.status));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  stats.durationMs = Date.now() - started;
  await Promise.all(inFlight);
  return stats;
}

/** Closed loop: `concurrency` clients, each sending its next message as soon as the last is answered. */
export async function runClosedLoop(target: LoadTarget, concurrency: number, durationMs: number): Promise<SendStats> {
  const stats: SendStats = { offeredRate: null, concurrency, durationMs: 0, planned: 0, sent: 0, skipped: 0, byStatus: {} };
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (Date.now() - started < durationMs) {
      stats.planned++;
      stats.sent++;
      const o = await sendOne(target, target.mix.next());
      countStatus(stats, o.status);
      // A refused connection answers at once: do not spin on it.
      if (o.status === 0) await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  stats.durationMs = Date.now() - started;
  return stats;
}
