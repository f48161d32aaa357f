export * from './errors';
export * from './paging';
export * from './catalog';
export * from './api';
export * from './validators';
export * from './mask';
