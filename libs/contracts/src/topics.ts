import { join } from 'node:path';
import catalogue from '../topics.json';

export const TOPICS = {
  ingestionMessages: 'ingestion.messages.v1',
  ingestionCustomers: 'ingestion.customers.v1',
  triageTickets: 'triage.tickets.v1',
  triageReplies: 'triage.replies.v1',
  knowledgeSuggestions: 'knowledge.suggestions.v1',
  knowledgeArticles: 'knowledge.articles.v1',
  feedbackResponses: 'feedback.responses.v1',
  platformApiKeys: 'platform.api-keys.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export interface TopicSpec {
  name: string;
  partitions: number;
  key: string;
}

/** The same catalogue the local infrastructure script creates topics from. */
export const TOPIC_CATALOGUE: readonly TopicSpec[] = catalogue.topics;
export const DEAD_LETTER_PARTITIONS: number = catalogue.deadLetterPartitions;

/** Where the protobuf definitions of the gRPC API live (works from src and dist). */
export const PROTO_DIR: string = join(__dirname, '..', 'proto');
