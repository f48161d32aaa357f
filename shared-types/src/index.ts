export * from './labels';
export * from './money';
export * from './validators';
export * from './mask';
export * from './api';
export * from './errors';
export * from './paging';
export * from './catalog';
