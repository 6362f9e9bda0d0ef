export * from './choose-queue';
export * from './routing.types';
export * from './select-agent';
export * from './waiting-queue';
export * from './routing-plan';
