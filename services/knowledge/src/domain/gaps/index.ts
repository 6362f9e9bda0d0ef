export * from './gap-grouping';
