import { describeFloorStoreContract } from './floorStoreContract';
import { redisFixture, useRedisServer } from './redisFixture';

// A managed Redis often forbids CONFIG: the store must then notice expiries through its watchdog alone.
const server = useRedisServer({ args: ['--rename-command', 'CONFIG', ''] });

describeFloorStoreContract('Redis without CONFIG', redisFixture(server));
