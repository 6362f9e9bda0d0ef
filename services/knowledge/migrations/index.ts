import { Initial1763900000000 } from './1763900000000-Initial';
import { ArticlesSearchSelfService1764200000000 } from './1764200000000-ArticlesSearchSelfService';
import { AutoAnswerSent1764200000001 } from './1764200000001-AutoAnswerSent';
import { AutoAnswerMinScore1764200000002 } from './1764200000002-AutoAnswerMinScore';
import { RowClockDefaults1764600000000 } from './1764600000000-RowClockDefaults';
import { FeedbackQuestion1765000000000 } from './1765000000000-FeedbackQuestion';

/** Every migration of this service, in order; never edit one that has landed. */
export const KNOWLEDGE_MIGRATIONS = [
  Initial1763900000000,
  ArticlesSearchSelfService1764200000000,
  AutoAnswerSent1764200000001,
  AutoAnswerMinScore1764200000002,
  RowClockDefaults1764600000000,
  FeedbackQuestion1765000000000,
];
