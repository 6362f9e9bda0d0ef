import { Initial1763900000000 } from './1763900000000-Initial';
import { ChannelsAndDelivery1764100000000 } from './1764100000000-ChannelsAndDelivery';
import { CrmWebhooks1764200000000 } from './1764200000000-CrmWebhooks';
import { RowClockDefaults1764600000000 } from './1764600000000-RowClockDefaults';

/** Every migration of this service, in order; never edit one that has landed. */
export const INGESTION_MIGRATIONS = [
  Initial1763900000000,
  ChannelsAndDelivery1764100000000,
  CrmWebhooks1764200000000,
  RowClockDefaults1764600000000,
];
