import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** `/healthz` (process alive), `/readyz` (accepting connections) and `/metrics`. */
export function healthRoutes(ctx: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));

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
