import { InProcessFloorStore } from '../../src/floor/InProcessFloorStore';
import { describeFloorService } from './floorServiceContract';
import { silentLogger } from './helpers';

describeFloorService('the in-process store', {
  nodes(count) {
    const store = new InProcessFloorStore({ logger: silentLogger });
    return Promise.resolve(Array.from({ length: count }, () => store));
  },
});
