export const CHANNELS = ['web', 'app', 'email', 'wechat', 'phone', 'social', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CUSTOMER_TIERS = ['standard', 'vip', 'enterprise'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export const LANGUAGES = ['zh', 'en', 'other'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const IDENTITY_TYPES = ['email', 'phone', 'wechat', 'external'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];
