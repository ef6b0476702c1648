export type {
  AcquireResult,
  FloorGrant,
  FloorHolder,
  FloorIdleEvent,
  FloorIdleReason,
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
