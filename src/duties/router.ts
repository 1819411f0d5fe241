/**
 * 自动派遣建议 automatic routing (E2): which department answers for an event of a category at a place, read
 * from the responsibility lists (F4). A plain function of its inputs, so the rule is tested without a database.
 *
 * The rule, in order: a matter applies when its category is the event's minor class, its major class, or any
 * (null), and its scope is a grid of the located chain or everywhere (null). Among the applicable matters the
 * most specific wins — minor class over major class over any; then the nearest grid over its ancestors over
 * everywhere; then lead (牵头) over cooperate (配合); then the earliest recorded matter (smaller id), so equal
 * candidates always resolve the same way. The lead matter names the department, or — for the grid's own list —
 * the grid that handles the event itself (自处置). Cooperating parties are the cooperate matters at least as
 * specific as the lead one: a more specific list replaces a general one rather than adding to it.
 */

export type MatterRole = 'lead' | 'cooperate';

/** A responsibility-list row as routing sees it (only matters valid on the day in question). */
export interface RoutingMatter {
  id: number;
  kind: 'department' | 'grid';
  /** Scope grid code; null = everywhere. */
  gridCode: string | null;
  categoryCode: string | null;
  department: { id: number; name: string; nameEn: string | null } | null;
  role: MatterRole;
  handlingLevel: string | null;
  name: string;
  basis: string | null;
}

/** One grid of the located chain. */
export interface ChainGrid {
  code: string;
  name: string;
  /** Level key, e.g. microGrid, community, area, street, district. */
  level: string;
}

export interface RouteRequest {
  categoryCode: string;
  /** Name of the category for the reasons, when the catalogue knows it. */
  categoryName?: { zh: string; en: string };
  /** The located grids from the smallest (micro-grid) up to the top (district). */
  gridChain: ChainGrid[];
}

export interface Reason {
  zh: string;
  en: string;
}

export interface RouteSuggestion {
  department?: { id: number; name: string };
  cooperating: { id: number; name: string; matterId: number }[];
  /** Code of the grid that handles the event (the lead matter's handling level in the chain). */
  handlingGrid?: string;
  /** The grid handles it itself (网格自处置) rather than a department. */
  selfHandling: boolean;
  /** The lead matter chosen, if any. */
  matterId?: number;
  reasons: Reason[];
}

/** The major (2-digit) class of a category code under the agreed scheme: a minor is its major's code + 2 digits. */
export function majorOf(code: string): string {
  return code.slice(0, 2);
}

/** How well a matter's category fits: 2 the minor itself, 1 its major, 0 any category, -1 not at all. */
function categoryFit(matter: RoutingMatter, code: string): number {
  if (matter.categoryCode === null) return 0;
  if (matter.categoryCode === code) return code.length === 2 ? 1 : 2;
  if (matter.categoryCode.length === 2 && matter.categoryCode === majorOf(code)) return 1;
  return -1;
}

interface Candidate {
  matter: RoutingMatter;
  categoryFit: number;
  /** Index in the chain (0 = nearest); chain length for everywhere. */
  distance: number;
}

/** Negative when a is more specific than b (and so sorts first); 0 only for the same specificity tier. */
function compareTier(a: Candidate, b: Candidate): number {
  if (a.categoryFit !== b.categoryFit) return b.categoryFit - a.categoryFit;
  return a.distance - b.distance;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const tier = compareTier(a, b);
  if (tier !== 0) return tier;
  if (a.matter.role !== b.matter.role) return a.matter.role === 'lead' ? -1 : 1;
  return a.matter.id - b.matter.id;
}

const FIT_NAMES: Record<number, Reason> = {
  2: { zh: '按小类匹配', en: 'matched by minor class' },
  1: { zh: '按大类匹配', en: 'matched by major class' },
  0: { zh: '适用于全部分类', en: 'applies to every category' },
};

function departmentLabel(department: NonNullable<RoutingMatter['department']>): Reason {
  return { zh: department.name, en: department.nameEn ?? department.name };
}

export function suggestRoute(request: RouteRequest, matters: readonly RoutingMatter[]): RouteSuggestion {
  const { categoryCode, gridChain } = request;
  const category: Reason = request.categoryName
    ? {
        zh: `${request.categoryName.zh} (${categoryCode})`,
        en: `${request.categoryName.en} (${categoryCode})`,
      }
    : { zh: `分类 ${categoryCode}`, en: `category ${categoryCode}` };
  const chainIndex = new Map(gridChain.map((grid, i) => [grid.code, i]));
  const gridLabel = (code: string | null): Reason => {
    if (code === null) return { zh: '全部网格', en: 'every grid' };
    const grid = gridChain[chainIndex.get(code) ?? -1];
    return grid ? { zh: `${grid.name}（${code}）`, en: `${grid.name} (${code})` } : { zh: code, en: code };
  };
  const describe = (candidate: Candidate): Reason => {
    const { matter } = candidate;
    const fit = FIT_NAMES[candidate.categoryFit]!;
    const scope = gridLabel(matter.gridCode);
    const basis: Reason = matter.basis
      ? { zh: `，依据${matter.basis}`, en: `, basis: ${matter.basis}` }
      : { zh: '', en: '' };
    return {
      zh: `事项「${matter.name}」${basis.zh}，适用网格：${scope.zh}，${fit.zh}`,
      en: `matter "${matter.name}"${basis.en}; applies in ${scope.en}; ${fit.en}`,
    };
  };

  const candidates: Candidate[] = [];
  for (const matter of matters) {
    const fit = categoryFit(matter, categoryCode);
    if (fit < 0) continue;
    let distance: number;
    if (matter.gridCode === null) distance = gridChain.length;
    else {
      const index = chainIndex.get(matter.gridCode);
      if (index === undefined) continue;
      distance = index;
    }
    candidates.push({ matter, categoryFit: fit, distance });
  }
  candidates.sort(compareCandidates);

  const reasons: Reason[] = [];
  if (gridChain.length === 0) {
    reasons.push({
      zh: '该位置不在任何网格内，只考虑适用于全部网格的事项',
      en: 'The place lies in no grid; only matters for every grid were considered',
    });
  }

  const leads = candidates.filter((candidate) => candidate.matter.role === 'lead');
  const lead = leads[0];
  const suggestion: RouteSuggestion = { cooperating: [], selfHandling: false, reasons };

  if (!lead) {
    reasons.push({
      zh: `${category.zh}：责任清单中没有适用于${gridChain[0] ? gridLabel(gridChain[0].code).zh : '此处'}的牵头事项，需人工派遣`,
      en: `${category.en}: no lead matter of the responsibility lists applies in ${gridChain[0] ? gridLabel(gridChain[0].code).en : 'this place'}; dispatch by hand`,
    });
  } else {
    suggestion.matterId = lead.matter.id;
    const handling = handlingGridOf(lead.matter, gridChain, chainIndex);
    if (lead.matter.kind === 'department' && lead.matter.department) {
      const department = lead.matter.department;
      suggestion.department = { id: department.id, name: department.name };
      const label = departmentLabel(department);
      reasons.push({
        zh: `${category.zh} → 牵头：${label.zh}（${describe(lead).zh}）`,
        en: `${category.en} → lead: ${label.en} (${describe(lead).en})`,
      });
    } else {
      suggestion.selfHandling = true;
      reasons.push({
        zh: `${category.zh} → 网格自处置（${describe(lead).zh}）`,
        en: `${category.en} → handled by the grid itself (${describe(lead).en})`,
      });
    }
    if (handling.code !== undefined) {
      suggestion.handlingGrid = handling.code;
      reasons.push(handling.reason);
    } else if (handling.reason.zh) reasons.push(handling.reason);

    // equally specific lead matters: name them, so a dispatcher sees the list is ambiguous here
    const ties = leads.filter((other) => other !== lead && compareTier(other, lead) === 0);
    if (ties.length > 0) {
      const names = ties.map((other) => partyLabel(other.matter));
      reasons.push({
        zh: `同样适用的牵头事项还有：${names.map((name) => name.zh).join('、')}；按登记先后取第一条（事项 ${lead.matter.id}）`,
        en: `Equally specific lead matters: ${names.map((name) => name.en).join(', ')}; the earliest recorded one (matter ${lead.matter.id}) was taken`,
      });
    }
    // less specific leads that lost, so the choice can be checked against the general list
    const overridden = leads.filter(
      (other) => compareTier(other, lead) > 0 && partyKey(other.matter) !== partyKey(lead.matter),
    );
    if (overridden.length > 0) {
      const names = dedupe(overridden.map((other) => partyLabel(other.matter)));
      reasons.push({
        zh: `更具体的事项优先，未采用：${names.map((name) => name.zh).join('、')}`,
        en: `The more specific matter wins over: ${names.map((name) => name.en).join(', ')}`,
      });
    }
  }

  // cooperating parties: cooperate matters at least as specific as the lead (or, with no lead, the most
  // specific tier of cooperate matters), one entry per department, not the lead department itself
  const cooperates = candidates.filter((candidate) => candidate.matter.role === 'cooperate');
  const threshold = lead ?? cooperates[0];
  const seen = new Set<number>(suggestion.department ? [suggestion.department.id] : []);
  for (const candidate of cooperates) {
    if (!threshold || compareTier(candidate, threshold) > 0) continue;
    const department = candidate.matter.department;
    if (!department || seen.has(department.id)) continue;
    seen.add(department.id);
    suggestion.cooperating.push({ id: department.id, name: department.name, matterId: candidate.matter.id });
    const label = departmentLabel(department);
    reasons.push({
      zh: `配合：${label.zh}（${describe(candidate).zh}）`,
      en: `cooperating: ${label.en} (${describe(candidate).en})`,
    });
  }
  return suggestion;
}

function partyKey(matter: RoutingMatter): string {
  return matter.department ? `d${matter.department.id}` : `g${matter.handlingLevel ?? ''}`;
}

function partyLabel(matter: RoutingMatter): Reason {
  if (matter.department) return departmentLabel(matter.department);
  return { zh: `网格自处置（${matter.name}）`, en: `the grid itself ("${matter.name}")` };
}

function dedupe(labels: Reason[]): Reason[] {
  const seen = new Set<string>();
  return labels.filter((label) => (seen.has(label.zh) ? false : (seen.add(label.zh), true)));
}

/**
 * The grid of the chain at the matter's handling level. A self-handled matter whose level is missing from the
 * chain (a point in a community without micro-grids …) falls back to the matter's own scope grid, else to the
 * nearest grid, so a self-handled event always lands somewhere.
 */
function handlingGridOf(
  matter: RoutingMatter,
  chain: ChainGrid[],
  chainIndex: Map<string, number>,
): { code?: string; reason: Reason } {
  const at = (grid: ChainGrid): Reason => ({
    zh: `处置网格：${grid.name}（${grid.code}，层级 ${grid.level}）`,
    en: `handling grid: ${grid.name} (${grid.code}, level ${grid.level})`,
  });
  if (matter.handlingLevel !== null) {
    const grid = chain.find((candidate) => candidate.level === matter.handlingLevel);
    if (grid) return { code: grid.code, reason: at(grid) };
  }
  if (matter.kind !== 'grid') return { reason: { zh: '', en: '' } };
  const fallback =
    (matter.gridCode !== null ? chain[chainIndex.get(matter.gridCode) ?? -1] : undefined) ?? chain[0];
  if (!fallback) {
    return {
      reason: {
        zh: `处置层级「${matter.handlingLevel}」不在定位结果中，且该位置不在任何网格内`,
        en: `handling level "${matter.handlingLevel}" is not in the located grids, and the place lies in no grid`,
      },
    };
  }
  return {
    code: fallback.code,
    reason: {
      zh: `定位结果中没有层级「${matter.handlingLevel}」的网格，由${fallback.name}（${fallback.code}）处置`,
      en: `no grid of level "${matter.handlingLevel}" in the located grids; ${fallback.name} (${fallback.code}) handles it`,
    },
  };
}
