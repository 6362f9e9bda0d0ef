export * from './business-calendar';
export * from './escalation';
export * from './priority';
export * from './sla-clock';
export * from './sla-policy';
export * from './sla.exception';
export * from './ticket-sla';
