import type { Logger } from 'pino';
import type { ControlPlane, ControlPlaneServices } from '../../controlplane/ControlPlane';

/** What the REST route plugins need from the control plane. */
export interface ApiDeps {
  services: ControlPlaneServices;
  logger: Logger;
  cookie: { secure: boolean; maxAgeSec: number };
}

/** The parts of the control plane the REST API is built on. */
export type ApiControlPlane = Pick<ControlPlane, 'services' | 'refreshCookie'>;
