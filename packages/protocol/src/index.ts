// First: configures schema validation before the schemas below are built.
import './jitless';

export * from './errors';
export * from './closeCodes';
export * from './media';
export * from './messages';
export * from './parse';
