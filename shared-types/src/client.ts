/**
 * The zod-free face of the contract, for the mini-program and the console: enum values and
 * display names, API paths, error codes, validators, masking, money formatting, and every type.
 * Importing the schemas (the package root) would bundle zod; import values from here instead.
 */
export * from './labels';
export * from './money';
export * from './validators';
export * from './mask';
export * from './api';
export * from './error-codes';
export type * from './catalog';
export type * from './errors';
export type * from './paging';
export type * from './identity';
export type * from './console';
export * from './calendar-labels';
export type * from './calendar';
export type * from './outbox';
export * from './forms';
export type * from './applications';
export * from './regions';
export type * from './addresses';
export type * from './payments';
export type * from './delivery';
export type * from './partners';
export * from './licence-labels';
export type * from './licences';
export * from './licence-ids';
