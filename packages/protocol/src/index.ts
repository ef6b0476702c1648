export * from './errors';
export * from './closeCodes';
export * from './media';
export * from './messages';
export * from './parse';
