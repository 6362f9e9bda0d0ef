export * from './correlation';
export * from './kafka-client';
export * from './messaging-tables';
export * from './event-publisher';
export * from './outbox-relay';
export * from './event-consumer';
export * from './topic-watcher';
export * from './dead-letter';
