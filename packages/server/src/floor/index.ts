export type {
  AcquireResult,
  FloorGrant,
  FloorHolder,
  FloorIdleEvent,
  FloorIdleReason,
  FloorPreemptor,
  FloorStore,
  FloorStoreEvents,
  FloorStoreHealth,
  ReleaseOptions,
} from './FloorStore';
export { FloorStoreError, isFloorStoreError } from './FloorStoreError';
export { InProcessFloorStore } from './InProcessFloorStore';
export { RedisFloorStore } from './RedisFloorStore';
export type { RedisFloorStoreOptions } from './RedisFloorStore';
export { FloorService } from './FloorService';
export type {
  FloorRequester,
  FloorRequestOutcome,
  FloorRevokedEvent,
  FloorServiceEvents,
  FloorServiceOptions,
} from './FloorService';
export {
  DEFAULT_TALK_PRIORITIES,
  EMERGENCY_PRIORITY,
  MAX_ROLE_PRIORITY,
  MIN_ROLE_PRIORITY,
  priorityOfRole,
} from './priority';
export type { TalkPriorities, TalkRole } from './priority';
