import { Type } from 'typebox';

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });

export const Notification = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  title: Bilingual,
  body: Bilingual,
  link: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
});

export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  total: Type.Integer({ description: 'matching the filter' }),
  unread: Type.Integer({ description: 'unread notifications of the reader, whatever the filter' }),
});

export const NotificationListQuery = Type.Object(
  {
    unread: Type.Boolean({ default: false, description: 'only unread ones' }),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) });

export const StreamQuery = Type.Object(
  {
    token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'The bearer token, for EventSource, which cannot set headers. Accepted on this endpoint only; ' +
          'prefer the Authorization header where the client can set it.',
      }),
    ),
  },
  { additionalProperties: false },
);

const EVENT_TYPE_PATTERN = '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$';
const EventTypes = Type.Array(Type.String({ pattern: EVENT_TYPE_PATTERN, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'message types to deliver: "event.created", "event.*" (every event type) or "*"',
});
const Url = Type.String({ pattern: '^https?://\\S+$', maxLength: 2000, description: 'http(s) URL' });
const Secret = Type.String({
  minLength: 16,
  maxLength: 200,
  description: 'HMAC key; generated when absent',
});
const Description = Type.String({ maxLength: 500 });

export const Webhook = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  active: Type.Boolean(),
  description: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CreatedWebhook = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'shown only in this answer' }),
});

export const WebhookList = Type.Object({ items: Type.Array(Webhook) });

export const CreateWebhook = Type.Object(
  {
    url: Url,
    eventTypes: EventTypes,
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean()),
    secret: Type.Optional(Secret),
  },
  { additionalProperties: false },
);

export const UpdateWebhook = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean()),
    secret: Type.Optional(Secret),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Delivery = Type.Object({
  id: Type.Integer(),
  webhookId: Type.Integer(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});

export const DeliveryList = Type.Object({ items: Type.Array(Delivery), total: Type.Integer() });

export const PageQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
