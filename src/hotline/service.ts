import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { AuthUser } from '../accounts/auth.js';
import { Scope } from '../accounts/scope.js';
import { users } from '../accounts/tables.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { sql } from 'drizzle-orm';
import type { CreateEventBody } from '../events/schema.js';
import type { EventService } from '../events/service.js';
import { hotlineTickets } from './tables.js';

/** 12345 keyword table: the first keyword found in the complaint decides the category; else the default. */
export interface HotlinePolicy {
  keywords: { keyword: string; categoryCode: string }[];
  defaultCategory: string;
}
export const defaultHotlinePolicy: HotlinePolicy = {
  keywords: [
    { keyword: '消防通道', categoryCode: '0701' },
    { keyword: '消火栓', categoryCode: '0702' },
    { keyword: '垃圾', categoryCode: '0101' },
  ],
  defaultCategory: '0101',
};

export const HotlineTicket = Type.Object(
  {
    ticket: Type.String({ minLength: 1, maxLength: 64, description: '工单编号' }),
    content: Type.String({ minLength: 1, maxLength: 5000, description: '诉求内容' }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    location: Type.Object(
      { lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
      { additionalProperties: false },
    ),
    categoryCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
  },
  { additionalProperties: false },
);
export type HotlineTicketBody = Static<typeof HotlineTicket>;
export const TicketResult = Type.Object({
  ticket: Type.String(),
  eventId: Type.Integer(),
  created: Type.Boolean({ description: 'false: the ticket was filed before, nothing changed' }),
});

const SERVICE_USER = 'hotline-12345';

/** 12345 hotline intake (E1): tickets keep their number; a ticket filed twice changes nothing. */
export class HotlineService {
  constructor(
    private readonly deps: {
      database: Database;
      clock: Clock;
      events: EventService;
      secret: () => string | undefined;
      policy?: HotlinePolicy;
    },
  ) {}

  checkSecret(given: string | undefined): void {
    const secret = this.deps.secret();
    const ok =
      secret !== undefined &&
      secret !== '' &&
      given !== undefined &&
      Buffer.byteLength(given) === Buffer.byteLength(secret) &&
      timingSafeEqual(Buffer.from(given), Buffer.from(secret));
    if (!ok) {
      throw new AppError(
        401,
        'bad_hotline_secret',
        '热线接口密钥不正确',
        'The hotline secret is missing or wrong',
      );
    }
  }

  categoryOf(content: string): string {
    const policy = this.deps.policy ?? defaultHotlinePolicy;
    return (
      policy.keywords.find((entry) => content.includes(entry.keyword))?.categoryCode ?? policy.defaultCategory
    );
  }

  /** The account hotline reports are filed under; it cannot sign in (no password, disabled). */
  async serviceUser(): Promise<AuthUser> {
    await this.deps.database.db
      .insert(users)
      .values({
        username: SERVICE_USER,
        displayName: '12345热线',
        passwordHash: '!',
        roles: ['command_centre'],
        disabled: true,
      })
      .onConflictDoNothing();
    const [row] = await this.deps.database.db.select().from(users).where(eq(users.username, SERVICE_USER));
    return {
      id: row!.id,
      username: row!.username,
      displayName: row!.displayName,
      roles: ['command_centre'],
      gridCodes: [],
      scope: Scope.everything(),
    };
  }

  async receive(body: HotlineTicketBody) {
    const existing = await this.existing(body.ticket);
    if (existing !== null) return { ticket: body.ticket, eventId: existing, created: false };
    const user = await this.serviceUser();
    try {
      const created = await this.deps.events.report(
        {
          source: 'hotline',
          categoryCode: body.categoryCode ?? this.categoryOf(body.content),
          title: [...body.content].slice(0, 60).join(''),
          description: body.content,
          location: body.location,
          ...(body.address ? { address: body.address } : {}),
          hotlineTicket: body.ticket,
        } as unknown as CreateEventBody,
        user,
      );
      await this.deps.database.db
        .insert(hotlineTickets)
        .values({
          ticket: body.ticket,
          eventId: created.id,
          channel: 'webhook',
          receivedAt: this.deps.clock.now(),
        })
        .onConflictDoUpdate({
          target: hotlineTickets.ticket,
          set: { eventId: created.id, pending: null, phoneCipher: null },
        });
      return { ticket: body.ticket, eventId: created.id, created: true };
    } catch (error) {
      // another delivery of the same ticket won the race: answer its event
      if (error instanceof AppError && error.code === 'duplicate_hotline_ticket') {
        const taken = await this.existing(body.ticket);
        if (taken !== null) return { ticket: body.ticket, eventId: taken, created: false };
      }
      throw error;
    }
  }

  private async existing(ticket: string): Promise<number | null> {
    const [row] = rowsOf<{ id: number }>(
      await this.deps.database.db.execute(sql`select id from events where hotline_ticket = ${ticket}`),
    );
    return row?.id ?? null;
  }
}
