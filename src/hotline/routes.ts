import { Type } from 'typebox';
import type { Services } from '../app.js';
import { problemResponses, type App } from '../core/http.js';
import { HotlineTicket, TicketResult } from './service.js';

/** 12345 hotline webhook: authenticated by the shared secret (GEZHI_HOTLINE_SECRET), not by a user. */
export async function hotlineRoutes(app: App, services: Services): Promise<void> {
  app.post(
    '/api/hotline/tickets',
    {
      schema: {
        tags: ['hotline'],
        summary:
          '12345工单推送 Receive a hotline ticket (header x-hotline-secret); a repeated ticket changes nothing',
        headers: Type.Object({ 'x-hotline-secret': Type.Optional(Type.String({ maxLength: 500 })) }),
        body: HotlineTicket,
        response: { 200: TicketResult, 201: TicketResult, ...problemResponses(400, 401, 422) },
      },
      // the secret is checked before the body, so a caller without it learns nothing about the schema
      preValidation: async (request) => {
        const header = request.headers['x-hotline-secret'];
        services.hotline.checkSecret(typeof header === 'string' ? header : undefined);
      },
    },
    async (request, reply) => {
      const result = await services.hotline.receive(request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
}
