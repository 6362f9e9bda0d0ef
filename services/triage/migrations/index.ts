import { Initial1763900000000 } from './1763900000000-Initial';
import { TicketWorkflow1764000000000 } from './1764000000000-TicketWorkflow';
import { RowClockDefaults1764600000000 } from './1764600000000-RowClockDefaults';
import { FollowUpsBesideConversationTicket1764900000000 } from './1764900000000-FollowUpsBesideConversationTicket';

/** Every migration of this service, in order; never edit one that has landed. */
export const TRIAGE_MIGRATIONS = [
  Initial1763900000000,
  TicketWorkflow1764000000000,
  RowClockDefaults1764600000000,
  FollowUpsBesideConversationTicket1764900000000,
];
