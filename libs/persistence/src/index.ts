export * from './data-source';
export * from './cursor';
export * from './row-clock-defaults';
export * from './deferred-writes';
export * from './prepared-statements';
export * from './transaction-groups';
export * from './update-returning';
export * from './row-of-tenant';
