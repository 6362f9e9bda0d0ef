import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS, eventTypesOnTopic } from '@helpdesk/contracts';
import { GrpcHost, ProblemException, validateRequest } from '@helpdesk/platform';
import type { Ticket } from '../domain/ticket';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { OutboxFeedCursor, OutboxFeedRepository } from '../infrastructure/outbox-feed';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { ListTicketsQuery } from './tickets.dto';

const SERVICE = 'triage.v1.Tickets';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^\d{1,18}$/;
const FEED_BATCH = 500;
const FEED_IDLE_MS = 250;

interface GetTicketRequest {
  id: string;
}

interface ListTicketsRequest {
  status: string;
  priority: string;
  queue: string;
  assigneeId: string;
  customerId: string;
  limit: number;
  cursor: string;
}

interface WatchTicketsRequest {
  fromPosition: string;
  types: string[];
}

interface TicketMessage {
  id: string;
  customerId: string;
  conversationId: string;
  channel: string;
  subject: string;
  status: string;
  priority: string;
  classification: {
    priority: string;
    urgent: boolean;
    important: boolean;
    category: string;
    confidence: number;
    reasons: Array<{ signal: string; weight: number; evidence: string }>;
    modelVersion: string;
  } | null;
  queue: string;
  assigneeId: string;
  language: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string;
}

interface TicketEventMessage {
  position: string;
  eventId: string;
  type: string;
  ticketId: string;
  occurredAt: string;
  payloadJson: string;
}

/** proto3 has no null: absent text is the empty string. */
function toMessage(t: Ticket): TicketMessage {
  const c = t.classification;
  return {
    id: t.id,
    customerId: t.customerId,
    conversationId: t.conversationId,
    channel: t.channel,
    subject: t.subject ?? '',
    status: t.status,
    priority: t.priority,
    classification: c
      ? {
          priority: c.priority,
          urgent: c.urgent,
          important: c.important,
          category: c.category,
          confidence: c.confidence,
          reasons: c.reasons.map((r) => ({ signal: r.signal, weight: r.weight, evidence: r.evidence })),
          modelVersion: c.modelVersion,
        }
      : null,
    queue: t.queue ?? '',
    assigneeId: t.assigneeId ?? '',
    language: t.language,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    resolvedAt: t.resolvedAt ?? '',
  };
}

const given = (value: string): string | undefined => (value === '' ? undefined : value);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `triage.v1.Tickets`: GetTicket and ListTickets as over REST, and WatchTickets — the tenant's ticket events
 * in commit order from the outbox, live, resumable from the last position a client saw.
 */
@Injectable()
export class TicketsGrpc implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcHost,
    private readonly tickets: TicketRepository,
    private readonly feed: OutboxFeedRepository,
  ) {}

  onModuleInit(): void {
    this.grpc.addUnary<GetTicketRequest, TicketMessage>(
      SERVICE,
      'GetTicket',
      ['tickets:read'],
      async (request, auth) => {
        if (!UUID.test(request.id))
          throw new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]);
        const ticket = await this.tickets.find(auth.tenantId, request.id);
        if (!ticket)
          throw new TriageException(TriageErrorCode.TicketNotFound, `ticket ${request.id} not found`);
        return toMessage(ticket);
      },
    );

    this.grpc.addUnary<ListTicketsRequest, { items: TicketMessage[]; nextCursor: string }>(
      SERVICE,
      'ListTickets',
      ['tickets:read'],
      async (request, auth) => {
        const query = validateRequest(ListTicketsQuery, {
          status: given(request.status),
          priority: given(request.priority),
          queue: given(request.queue),
          assigneeId: given(request.assigneeId),
          customerId: given(request.customerId),
          limit: request.limit === 0 ? undefined : request.limit,
          cursor: given(request.cursor),
        });
        const page = await this.tickets.list(auth.tenantId, { ...query, limit: query.limit ?? 50 });
        return { items: page.items.map(toMessage), nextCursor: page.nextCursor ?? '' };
      },
    );

    const knownTypes: readonly string[] = eventTypesOnTopic(TOPICS.triageTickets);
    this.grpc.addServerStream<WatchTicketsRequest, TicketEventMessage>(
      SERVICE,
      'WatchTickets',
      ['tickets:read'],
      async (request, auth, write, signal) => {
        const unknown = request.types.filter((t) => !knownTypes.includes(t));
        if (unknown.length > 0)
          throw new ProblemException(400, `unknown ticket event type(s): ${unknown.join(', ')}`, [
            { field: 'types', message: `one of ${knownTypes.join(', ')}` },
          ]);
        if (request.fromPosition !== '' && !POSITION.test(request.fromPosition)) {
          throw new ProblemException(400, 'fromPosition must be a position from an earlier TicketEvent', [
            { field: 'fromPosition', message: 'invalid' },
          ]);
        }
        const cursor = new OutboxFeedCursor(
          request.fromPosition === '' ? await this.feed.head() : Number(request.fromPosition),
        );
        while (!signal.aborted) {
          const rows = await this.feed.readAfter(
            cursor.position,
            auth.tenantId,
            TOPICS.triageTickets,
            request.types,
            FEED_BATCH,
          );
          const ready = cursor.advance(rows, Date.now());
          for (const row of ready) {
            if (!row.event || signal.aborted) continue;
            await write({
              position: String(row.seq),
              eventId: row.event.id,
              type: row.event.type,
              ticketId: row.event.aggregateId,
              occurredAt: row.event.occurredAt,
              payloadJson: JSON.stringify(row.event.payload),
            });
          }
          if (ready.length < FEED_BATCH) await sleep(FEED_IDLE_MS, signal);
        }
      },
    );
  }
}
