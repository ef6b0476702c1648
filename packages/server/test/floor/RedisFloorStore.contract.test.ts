import { describeFloorStoreContract } from './floorStoreContract';
import { redisFixture, useRedisServer } from './redisFixture';

const server = useRedisServer();

describeFloorStoreContract('Redis', redisFixture(server));
