import { eventTypesOnTopic, TOPICS, type EventType } from '@helpdesk/contracts';

/** The topics whose events a CRM can subscribe to. */
export const WEBHOOK_TOPICS = [
  TOPICS.triageTickets,
  TOPICS.ingestionCustomers,
  TOPICS.ingestionMessages,
  TOPICS.feedbackResponses,
] as const;

/** Inbound messages stay inside the platform: CRMs see outcomes of replies, not every customer message. */
const NOT_OFFERED: ReadonlySet<EventType> = new Set<EventType>(['message.received']);

/** Every event type a subscription can name. */
export const WEBHOOK_EVENT_TYPES: readonly EventType[] = WEBHOOK_TOPICS.flatMap((topic) =>
  eventTypesOnTopic(topic),
).filter((type) => !NOT_OFFERED.has(type));

const familyOf = (type: string): string => type.split('.')[0] ?? type;

/** `ticket`, `customer`, `message`, `survey`, `complaint`, `follow-up`: each can be subscribed to as `<family>.*`. */
export const WEBHOOK_EVENT_FAMILIES: readonly string[] = [...new Set(WEBHOOK_EVENT_TYPES.map(familyOf))];

/** What a subscription may list: `*`, `<family>.*` or one event type. */
export const WEBHOOK_EVENT_PATTERNS: readonly string[] = [
  '*',
  ...WEBHOOK_EVENT_FAMILIES.map((f) => `${f}.*`),
  ...WEBHOOK_EVENT_TYPES,
];

const PATTERNS = new Set(WEBHOOK_EVENT_PATTERNS);
export const MAX_EVENT_PATTERNS = 100;

export const isWebhookEventType = (type: string): boolean => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

/** The patterns that select `type`: a subscription receives the event when it lists any of them. */
export function patternsSelecting(type: string): string[] {
  return ['*', `${familyOf(type)}.*`, type];
}

export function selectsEventType(patterns: readonly string[], type: string): boolean {
  if (!isWebhookEventType(type)) return false;
  const selecting = patternsSelecting(type);
  return patterns.some((p) => selecting.includes(p));
}

export interface WebhookFieldProblem {
  field: string;
  message: string;
}

export function eventPatternProblems(patterns: readonly string[]): WebhookFieldProblem[] {
  if (patterns.length === 0) return [{ field: 'eventTypes', message: 'name at least one event type or "*"' }];
  if (patterns.length > MAX_EVENT_PATTERNS)
    return [{ field: 'eventTypes', message: `at most ${MAX_EVENT_PATTERNS} event types` }];
  return patterns.flatMap((p, i) =>
    PATTERNS.has(p)
      ? []
      : [{ field: `eventTypes.${i}`, message: `unknown event type "${p.slice(0, 100)}": use "*", <family>.* or a catalogue type` }],
  );
}

/** Sorted without repeats, so the stored list reads the same however it was given. */
export const normalizeEventPatterns = (patterns: readonly string[]): string[] => [...new Set(patterns)].sort();

export const MAX_WEBHOOK_URL_LENGTH = 2000;

function ipv4Octets(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

/** Loopback, private, link-local and unique-local hosts named literally (a DNS name is not resolved here). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = ipv4Octets(host);
  if (v4) return isPrivateIpv4(v4);
  if (!host.includes(':')) return false;
  if (host === '::' || host === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped?.[1]) {
    const octets = ipv4Octets(mapped[1]);
    return octets ? isPrivateIpv4(octets) : false;
  }
  // WHATWG URL parsing writes IPv4-mapped addresses in hex (::ffff:7f00:1): those are refused too.
  if (host.startsWith('::ffff:')) return true;
  // fc00::/7 unique-local and fe80::/10 link-local: a full first group (URL parsing drops leading zeros).
  return /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}

/**
 * Why a subscription URL cannot be used, or null. Private hosts are refused unless allowed
 * (local development and tests post to 127.0.0.1), so a tenant cannot aim deliveries at the
 * platform's own network.
 */
export function webhookUrlProblem(raw: string, options: { allowPrivateHosts: boolean }): string | null {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: verify the signature instead';
  if (url.hash !== '') return 'must not contain a fragment';
  if (!options.allowPrivateHosts && isPrivateHost(url.hostname)) return 'must not point at a private or loopback address';
  return null;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed';
export const WEBHOOK_DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = [
  'pending',
  'sending',
  'retrying',
  'delivered',
  'failed',
];
/** Deliveries still to be sent: they hold back later events of the same aggregate. */
export const OPEN_DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'sending', 'retrying'];
export const isTerminalDeliveryStatus = (status: WebhookDeliveryStatus): boolean =>
  status === 'delivered' || status === 'failed';

export interface WebhookSubscription {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One event queued for one subscription. */
export interface WebhookDelivery {
  id: string;
  tenantId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  aggregateId: string;
  sequence: number;
  payload: unknown;
  replayOf: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** The JSON a subscriber receives; replays carry the same `id` so receivers can drop repeats. */
export interface WebhookEventBody {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: unknown;
}

export const webhookEventBody = (
  delivery: Pick<WebhookDelivery, 'eventId' | 'eventType' | 'occurredAt' | 'tenantId' | 'payload'>,
): WebhookEventBody => ({
  id: delivery.eventId,
  type: delivery.eventType,
  occurredAt: delivery.occurredAt,
  tenantId: delivery.tenantId,
  data: delivery.payload,
});

export const WEBHOOK_HEADERS = {
  signature: 'X-Helpdesk-Signature',
  eventId: 'X-Helpdesk-Event-Id',
  eventType: 'X-Helpdesk-Event-Type',
  deliveryId: 'X-Helpdesk-Delivery-Id',
} as const;

/** Failures worth another attempt: every answer or silence of the receiver; not our own misconfiguration. */
export const PERMANENT_WEBHOOK_FAILURES: ReadonlySet<string> = new Set(['invalid-url', 'invalid-payload', 'no-secret']);

/** The HTTP status in a failure code such as `http-503`, or null. */
export function statusOfFailureCode(code: string): number | null {
  const match = /^http-(\d{3})$/.exec(code);
  return match?.[1] ? Number(match[1]) : null;
}
