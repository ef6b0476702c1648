import { describeFloorService } from './floorServiceContract';
import { redisFixture, useRedisServer } from './redisFixture';

const server = useRedisServer();

describeFloorService('Redis', redisFixture(server));
