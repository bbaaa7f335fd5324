import type { Principal } from './access/principal.ts';

/** Hono environment of every Linewatch HTTP app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
  };
}
