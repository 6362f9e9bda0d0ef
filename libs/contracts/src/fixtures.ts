import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventType } from './event-map';
import type { TypedEnvelope } from './validation';

/** The checked-in example of an event: producers assert against it, consumers are fed it. */
export function loadFixture<T extends EventType>(type: T): Extract<TypedEnvelope, { type: T }> {
  const file = join(__dirname, '..', 'fixtures', `${type}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Extract<TypedEnvelope, { type: T }>;
}
