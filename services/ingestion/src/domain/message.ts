import type { Channel, CustomerTier, Language, MessageKind } from '@helpdesk/contracts';

export interface Attachment {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  /** `sha256:<hex>` when the content passed through us (e-mail attachments). */
  checksum?: string;
}

export const DELIVERY_STATUSES = ['queued', 'sending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  attempt: number;
  outcome: 'delivered' | 'retry' | 'failed';
  errorCode: string | null;
  error: string | null;
  attemptedAt: string;
}

export interface StoredMessage {
  id: string;
  tenantId: string;
  conversationId: string;
  customerId: string;
  direction: 'inbound' | 'outbound';
  channel: Channel;
  kind: MessageKind;
  subject: string | null;
  body: string;
  quoted: string | null;
  signature: string | null;
  language: Language;
  attachments: Attachment[];
  externalMessageId: string | null;
  /** E-mail only: the References and In-Reply-To ids the message carried, oldest first. */
  emailReferences: string[];
  metadata: Record<string, unknown>;
  ticketId: string | null;
  /** Outbound only: the `reply.requested` it delivers. */
  replyId: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryAttempts: number;
  deliveryError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  occurredAt: string;
  createdAt: string;
}

export interface Customer {
  id: string;
  tenantId: string;
  name: string | null;
  tier: CustomerTier;
  externalId: string | null;
}

/** How long after its last message a conversation still takes a follow-up from any channel. */
export const DEFAULT_CONVERSATION_CONTINUITY_HOURS = 72;

/** The per-tenant rule deciding whether a message continues an open conversation. */
export interface ConversationRule {
  continuityHours: number;
  /** False: a follow-up only continues a conversation of the same channel. */
  acrossChannels: boolean;
}

export const DEFAULT_CONVERSATION_RULE: ConversationRule = {
  continuityHours: DEFAULT_CONVERSATION_CONTINUITY_HOURS,
  acrossChannels: true,
};

/** Message bodies on the wire are capped; longer channel texts are cut here and flagged. */
export const MAX_BODY_CHARS = 20_000;

export function capBody(text: string): { body: string; truncated: boolean } {
  return text.length <= MAX_BODY_CHARS
    ? { body: text, truncated: false }
    : { body: text.slice(0, MAX_BODY_CHARS), truncated: true };
}
