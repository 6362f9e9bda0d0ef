export * from './feature-hash';
export * from './language';
export * from './normalize';
export * from './stem';
export * from './stop-words';
export * from './tokenize';
