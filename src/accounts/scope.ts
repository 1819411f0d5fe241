import { sql, type SQL, type AnyColumn } from 'drizzle-orm';

/**
 * A user's data scope: the grids the user is bound to and all their descendants (D1).
 * Grids carry a materialised path of ids ("/1/7/42/"), so "inside the scope" is a path-prefix test
 * that the text_pattern_ops index on grids.path answers.
 */
export class Scope {
  private constructor(
    /** Everything (admins). */
    readonly all: boolean,
    /** Paths of the bound grids. */
    readonly roots: readonly string[],
  ) {}

  static everything(): Scope {
    return new Scope(true, []);
  }

  /** Scope of the grids with these paths (each "/…/id/"). */
  static of(paths: Iterable<string>): Scope {
    return new Scope(false, [...new Set(paths)]);
  }

  /** Is the grid with this path inside the scope? */
  coversPath(path: string): boolean {
    return this.all || this.roots.some((root) => path.startsWith(root));
  }

  /** SQL condition "this path column lies inside the scope"; `true` for everything, `false` for no grids. */
  pathCondition(pathColumn: AnyColumn | SQL): SQL {
    if (this.all) return sql`true`;
    if (this.roots.length === 0) return sql`false`;
    const conditions = this.roots.map((root) => sql`${pathColumn} like ${`${root}%`}`);
    return sql`(${sql.join(conditions, sql` or `)})`;
  }
}
