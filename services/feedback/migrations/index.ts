import { Initial1763900000000 } from './1763900000000-Initial';
import { SurveysComplaintsFollowUps1764100000000 } from './1764100000000-SurveysComplaintsFollowUps';
import { RowClockDefaults1764600000000 } from './1764600000000-RowClockDefaults';

/** Every migration of this service, in order; never edit one that has landed. */
export const FEEDBACK_MIGRATIONS = [Initial1763900000000, SurveysComplaintsFollowUps1764100000000, RowClockDefaults1764600000000];
