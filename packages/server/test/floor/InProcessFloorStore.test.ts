import { InProcessFloorStore } from '../../src/floor/InProcessFloorStore';
import { describeFloorStoreContract } from './floorStoreContract';
import { silentLogger } from './helpers';

describeFloorStoreContract('in-process', {
  nodes(count) {
    const store = new InProcessFloorStore({ logger: silentLogger });
    return Promise.resolve(Array.from({ length: count }, () => store));
  },
});
