/**
 * The process's state as the server sees it. While draining (after SIGTERM), every response
 * asks the client to close its connection, so that keep-alive clients stop sending here and
 * a proxy moves on; readiness answers 503.
 */
import type { NextFunction, Request, Response } from 'express';

export const lifecycle = { draining: false };

export function closeConnectionsWhenDraining() {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}
