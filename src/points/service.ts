import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import { errors, type FieldProblem } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import type { GridService } from '../grids/service.js';
import { chinaDate } from '../people/service.js';
import { maskName, present, visibility } from '../people/masking.js';
import { pointsRepository, type EntryRow, type RuleRow } from './repository.js';
import type { CreateEntryBody, CreateRedemptionBody, PointsRuleValue, PutRuleBody } from './schema.js';

export interface PointsServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
}

const PERSON = { zh: '人员', en: 'Person' };

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

export function presentRule(row: RuleRow): PointsRuleValue {
  return {
    key: row.key,
    name: { zh: row.nameZh, en: row.nameEn },
    points: row.points,
    dailyCap: row.dailyCap,
    active: row.active,
  };
}

export function presentEntry(row: EntryRow) {
  return {
    id: Number(row.id),
    personId: row.personId,
    kind: row.kind,
    ruleKey: row.ruleKey,
    reason: row.reason,
    points: row.points,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    sourceRef: row.sourceRef,
  };
}

/**
 * 积分 participation points (F6): rules, the append-only ledger, redemptions, balances and rankings.
 * Every ledger write locks the person's row first (see pointsRepository.lockPerson), so balance checks and
 * daily caps hold under concurrent requests on PostgreSQL; PGlite runs one transaction at a time anyway.
 */
export class PointsService {
  constructor(private readonly deps: PointsServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  async rules(): Promise<PointsRuleValue[]> {
    return (await pointsRepository.rules(this.db)).map(presentRule);
  }

  async putRule(key: string, body: PutRuleBody, user: AuthUser): Promise<PointsRuleValue> {
    const dailyCap = body.dailyCap ?? null;
    if (dailyCap !== null && dailyCap < body.points) {
      throw errors.invalid([
        {
          field: '/body/dailyCap',
          zh: '每日上限不能小于单次分值',
          en: 'the daily cap is below the points of one award',
        },
      ]);
    }
    const at = this.deps.clock.now();
    const rule: RuleRow = {
      key,
      nameZh: body.name.zh,
      nameEn: body.name.en,
      points: body.points,
      dailyCap,
      active: body.active ?? true,
    };
    await this.deps.database.db.transaction(async (tx) => {
      const before = await pointsRepository.rule(tx, key);
      await pointsRepository.putRule(tx, rule, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: before ? 'points_rule.update' : 'points_rule.create',
          entity: 'points_rule',
          entityKey: key,
          detail: { before: before ? presentRule(before) : null, after: presentRule(rule) },
        },
      ]);
    });
    return presentRule(rule);
  }

  /** Award by rule, or a manual award/adjustment with a reason. */
  async award(body: CreateEntryBody, user: AuthUser) {
    const problems: FieldProblem[] = [];
    if (body.ruleKey === undefined && body.points === undefined) {
      problems.push({ field: '/body/ruleKey', zh: '须指定积分规则或分值', en: 'give a rule or points' });
    }
    if (body.ruleKey !== undefined && body.points !== undefined) {
      problems.push({
        field: '/body/points',
        zh: '按规则积分时不能另给分值',
        en: 'points come from the rule',
      });
    }
    if (body.ruleKey === undefined && body.points !== undefined && body.reason === undefined) {
      problems.push({ field: '/body/reason', zh: '手工积分须说明原因', en: 'a manual entry needs a reason' });
    }
    if (body.points === 0) {
      problems.push({ field: '/body/points', zh: '分值不能为 0', en: 'points must not be 0' });
    }
    if (body.ruleKey === undefined && body.times !== undefined) {
      problems.push({ field: '/body/times', zh: '次数只用于按规则积分', en: '`times` needs a rule' });
    }
    if (problems.length > 0) throw errors.invalid(problems);

    const at = this.deps.clock.now();
    const day = chinaDate(at);
    return this.deps.database.db.transaction(async (tx) => {
      const person = await this.lockInScope(tx, body.personId, user);
      let points: number;
      let kind: 'award' | 'adjustment';
      if (body.ruleKey !== undefined) {
        const rule = await pointsRepository.rule(tx, body.ruleKey);
        if (!rule || !rule.active) {
          throw errors.unprocessable(
            'unknown_rule',
            `积分规则「${body.ruleKey}」不存在或已停用`,
            `Points rule "${body.ruleKey}" does not exist or is inactive`,
            [{ field: '/body/ruleKey', zh: '积分规则不存在或已停用', en: 'unknown or inactive rule' }],
          );
        }
        points = rule.points * (body.times ?? 1);
        kind = 'award';
        if (rule.dailyCap !== null) {
          const today = await pointsRepository.ruleDayTotal(tx, body.personId, rule.key, day);
          if (today + points > rule.dailyCap) {
            throw errors.conflict(
              'daily_cap_reached',
              `今日按「${rule.nameZh}」已得 ${today} 分，上限 ${rule.dailyCap} 分`,
              `${today} points from "${rule.nameEn}" today already; the daily cap is ${rule.dailyCap}`,
              { today, dailyCap: rule.dailyCap },
            );
          }
        }
      } else {
        points = body.points!;
        kind = points > 0 ? 'award' : 'adjustment';
        if (points < 0) await this.refuseBelowZero(tx, body.personId, points);
      }
      const entry = await pointsRepository.insert(tx, {
        personId: body.personId,
        kind,
        ruleKey: body.ruleKey ?? null,
        reason: body.reason ?? null,
        points,
        at,
        day,
        actorUserId: user.id,
        actor: user.username,
        sourceRef: body.sourceRef ?? null,
      });
      await this.audit(tx, user, at, entry, person.gridId);
      return { entry: presentEntry(entry), balance: await pointsRepository.balance(tx, body.personId) };
    });
  }

  /** 兑换 redeem points; refused when the balance would go below zero. */
  async redeem(body: CreateRedemptionBody, user: AuthUser) {
    const at = this.deps.clock.now();
    return this.deps.database.db.transaction(async (tx) => {
      const person = await this.lockInScope(tx, body.personId, user);
      await this.refuseBelowZero(tx, body.personId, -body.points);
      const entry = await pointsRepository.insert(tx, {
        personId: body.personId,
        kind: 'redemption',
        ruleKey: null,
        reason: body.reason,
        points: -body.points,
        at,
        day: chinaDate(at),
        actorUserId: user.id,
        actor: user.username,
        sourceRef: body.sourceRef ?? null,
      });
      await this.audit(tx, user, at, entry, person.gridId);
      return { entry: presentEntry(entry), balance: await pointsRepository.balance(tx, body.personId) };
    });
  }

  async personPoints(personId: number, query: { page: number; pageSize: number }, user: AuthUser) {
    await this.personInScope(this.db, personId, user);
    const { rows, total, balance } = await pointsRepository.entries(this.db, personId, {
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    return { personId, balance, total, entries: rows.map(presentEntry) };
  }

  async ranking(gridCode: string, limit: number, user: AuthUser) {
    const grid = await this.deps.grids.get(gridCode, user.scope);
    const rows = await pointsRepository.ranking(this.db, grid.path, limit);
    const nameVisibility = visibility(user.roles, 'name');
    let rank = 0;
    return {
      gridCode: grid.code,
      items: rows.map((row, i) => {
        // competition ranking: equal balances share a rank, the next rank skips (1, 1, 3)
        if (i === 0 || rows[i - 1]!.balance !== row.balance) rank = i + 1;
        return {
          rank,
          personId: row.personId,
          name: present(row.name, nameVisibility, maskName) ?? '',
          gridCode: row.gridCode,
          balance: row.balance,
        };
      }),
    };
  }

  private async refuseBelowZero(tx: Executor, personId: number, change: number): Promise<void> {
    const balance = await pointsRepository.balance(tx, personId);
    if (balance + change < 0) {
      throw errors.conflict(
        'insufficient_points',
        `积分不足：当前 ${balance} 分，需扣 ${-change} 分`,
        `Not enough points: the balance is ${balance}, ${-change} are needed`,
        { balance },
      );
    }
  }

  private async lockInScope(tx: Executor, personId: number, user: AuthUser) {
    const person = await pointsRepository.lockPerson(tx, personId);
    if (!person || !user.scope.coversPath(person.gridPath)) throw errors.notFound(PERSON, String(personId));
    return person;
  }

  private async personInScope(executor: Executor, personId: number, user: AuthUser) {
    const person = await pointsRepository.person(executor, personId);
    if (!person || !user.scope.coversPath(person.gridPath)) throw errors.notFound(PERSON, String(personId));
    return person;
  }

  private async audit(
    tx: Executor,
    user: AuthUser,
    at: Date,
    entry: EntryRow,
    gridId: number,
  ): Promise<void> {
    await recordAudit(tx, actorOf(user), at, [
      {
        action: `points.${entry.kind}`,
        entity: 'points_entry',
        entityKey: String(entry.id),
        gridId,
        detail: { personId: entry.personId, points: entry.points, ruleKey: entry.ruleKey },
      },
    ]);
  }
}
