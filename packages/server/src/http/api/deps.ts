import type { Logger } from 'pino';
import type { ControlPlaneServices } from '../../controlplane/ControlPlane';

/** What the REST route plugins need from the control plane. */
export interface ApiDeps {
  services: ControlPlaneServices;
  logger: Logger;
  cookie: { secure: boolean; maxAgeSec: number };
}
