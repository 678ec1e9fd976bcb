import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** `/healthz` (process alive), `/readyz` (accepting connections) and `/metrics`. */
export function healthRoutes(ctx: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // Alive, with the sockets held now and at most since start (a topology's runner checks
    // that no instance went past its maximum).
    app.get('/healthz', async () => ({
      status: 'ok',
      connections: ctx.service.connectionCount,
      peakConnections: ctx.service.peakConnectionCount,
    }));

    app.get('/readyz', async (_request, reply) => {
      if (ctx.isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
      try {
        await ctx.broker.head('readyz');
      } catch {
        return reply.code(503).send({ status: 'broker_unavailable' });
      }
      return { status: 'ready', connections: ctx.service.connectionCount };
    });

    app.get('/metrics', async (_request, reply) => {
      return reply.type(ctx.registry.contentType).send(await ctx.registry.metrics());
    });
  };
}
