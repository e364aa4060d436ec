import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context';
import { ApiError } from '../errors';
import { send } from '../http/fastify-adapter';
import { errorResult } from '../http/error-response';
import { WS_PATH } from './flow-events';

const CHANNEL = /^ws_[0-9A-Z]{32}$/;

/**
 * `GET /api/v1/authentication_flows/ws?channel=ws_…`: the WebSocket of a page waiting for a login
 * link. It only ever receives `{"kind":"refresh"}`; what clients send is ignored. A plain GET (no
 * upgrade) or a malformed channel is a 400.
 */
export function registerFlowWebsocket(app: FastifyInstance, ctx: IdpContext): void {
  app.route({
    method: 'GET',
    url: WS_PATH,
    config: { surface: 'api' },
    handler: async (_req, reply) => send(reply, errorResult('api', new ApiError('BadRequest', 'BadRequest', 'websocket upgrade required'))),
    wsHandler: (socket, req) => {
      const channel = String((req.query as Record<string, unknown>).channel ?? '');
      if (!CHANNEL.test(channel)) {
        socket.close(1008, 'invalid channel');
        return;
      }
      const unsubscribe = ctx.ephemeral.flowEvents.subscribe(channel, { send: (data) => socket.send(data) });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  });
}
