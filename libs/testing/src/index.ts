export * from './infrastructure';
export * from './eventually';
export * from './services';
export * from './http';
