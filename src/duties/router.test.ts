import { describe, expect, it } from 'vitest';
import { suggestRoute, type ChainGrid, type RoutingMatter } from './router.js';

const CHAIN: ChainGrid[] = [
  { code: '310113003001001', name: '宝林一村微网格', level: 'microGrid' },
  { code: '310113003001', name: '宝林一村', level: 'community' },
  { code: '310113003', name: '友谊路街道', level: 'street' },
  { code: '310113', name: '宝山区', level: 'district' },
];
const [MICRO, COMMUNITY, STREET, DISTRICT] = CHAIN.map((grid) => grid.code) as [
  string,
  string,
  string,
  string,
];

const FIRE = { id: 1, name: '消防救援站', nameEn: 'Fire rescue station' };
const CITY = { id: 2, name: '城管执法中队', nameEn: 'Urban management squad' };
const HOUSING = { id: 3, name: '房管办', nameEn: null };
const POLICE = { id: 4, name: '派出所', nameEn: 'Police station' };

let nextId = 1;
function matter(overrides: Partial<RoutingMatter>): RoutingMatter {
  return {
    id: nextId++,
    kind: 'department',
    gridCode: STREET,
    categoryCode: '07',
    department: FIRE,
    role: 'lead',
    handlingLevel: null,
    name: '消防安全',
    basis: null,
    ...overrides,
  };
}

const request = {
  categoryCode: '0701',
  categoryName: { zh: '消防通道堵塞', en: 'Blocked fire lane' },
  gridChain: CHAIN,
};

describe('routing from the responsibility lists', () => {
  it('prefers the minor class over the major class over any category', () => {
    const any = matter({ categoryCode: null, department: POLICE, name: '兜底' });
    const major = matter({ categoryCode: '07', department: CITY });
    const minor = matter({
      categoryCode: '0701',
      department: FIRE,
      basis: '《中华人民共和国消防法》第二十八条',
    });
    for (const matters of [
      [any, major, minor],
      [minor, major, any],
    ]) {
      const route = suggestRoute(request, matters);
      expect(route.department).toEqual({ id: FIRE.id, name: FIRE.name });
      expect(route.matterId).toBe(minor.id);
    }
    expect(suggestRoute(request, [any, major]).department?.id).toBe(CITY.id);
    expect(suggestRoute(request, [any]).department?.id).toBe(POLICE.id);
    // a major class code is matched by its own matters too
    expect(suggestRoute({ ...request, categoryCode: '07' }, [any, major, minor]).department?.id).toBe(
      CITY.id,
    );
  });

  it('explains the choice in both languages, naming the category, the department, the basis and the grid', () => {
    const minor = matter({ categoryCode: '0701', name: '消防通道占用清理', basis: '《消防法》第二十八条' });
    const route = suggestRoute(request, [minor]);
    const [lead] = route.reasons;
    expect(lead!.zh).toContain('消防通道堵塞 (0701) → 牵头：消防救援站');
    expect(lead!.zh).toContain('依据《消防法》第二十八条');
    expect(lead!.zh).toContain('友谊路街道（310113003）');
    expect(lead!.zh).toContain('按小类匹配');
    expect(lead!.en).toContain('Blocked fire lane (0701) → lead: Fire rescue station');
    expect(lead!.en).toContain('basis: 《消防法》第二十八条');
    expect(lead!.en).toContain('matched by minor class');
  });

  it('prefers the nearest grid over its ancestors over everywhere, within the same category fit', () => {
    const everywhere = matter({ gridCode: null, department: POLICE });
    const district = matter({ gridCode: DISTRICT, department: HOUSING });
    const street = matter({ gridCode: STREET, department: CITY });
    const community = matter({ gridCode: COMMUNITY, department: FIRE });
    const micro = matter({ gridCode: MICRO, department: CITY });
    expect(suggestRoute(request, [micro, everywhere, district, street, community]).department?.id).toBe(
      CITY.id,
    );
    expect(suggestRoute(request, [everywhere, district, street, community]).department?.id).toBe(FIRE.id);
    expect(suggestRoute(request, [everywhere, district, street]).department?.id).toBe(CITY.id);
    expect(suggestRoute(request, [everywhere, district]).department?.id).toBe(HOUSING.id);
    expect(suggestRoute(request, [everywhere]).department?.id).toBe(POLICE.id);
  });

  it("inherits an ancestor grid's list but ignores matters of grids outside the chain", () => {
    const elsewhere = matter({ gridCode: '310113003002', categoryCode: '0701', department: CITY });
    const street = matter({ gridCode: STREET, categoryCode: '07', department: FIRE });
    const route = suggestRoute(request, [elsewhere, street]);
    expect(route.department?.id).toBe(FIRE.id);
    expect(route.cooperating).toEqual([]);
  });

  it('weighs the category before the grid: a street-wide minor-class matter beats a community major-class one', () => {
    const communityMajor = matter({ gridCode: COMMUNITY, categoryCode: '07', department: CITY });
    const streetMinor = matter({ gridCode: STREET, categoryCode: '0701', department: FIRE });
    const route = suggestRoute(request, [communityMajor, streetMinor]);
    expect(route.department?.id).toBe(FIRE.id);
    expect(
      route.reasons.some((reason) => reason.zh.includes('更具体的事项优先') && reason.zh.includes('城管')),
    ).toBe(true);
  });

  it('lists cooperating departments at least as specific as the lead, once each, never the lead itself', () => {
    const lead = matter({ categoryCode: '0701', department: FIRE });
    const helper = matter({ categoryCode: '0701', department: HOUSING, role: 'cooperate', name: '物业配合' });
    const nearerHelper = matter({
      categoryCode: '0701',
      gridCode: COMMUNITY,
      department: CITY,
      role: 'cooperate',
    });
    const generalHelper = matter({ categoryCode: '07', department: POLICE, role: 'cooperate' });
    const selfCooperating = matter({ categoryCode: '0701', department: FIRE, role: 'cooperate' });
    const twice = matter({
      categoryCode: '0701',
      department: HOUSING,
      role: 'cooperate',
      gridCode: DISTRICT,
    });
    const route = suggestRoute(request, [generalHelper, twice, selfCooperating, helper, nearerHelper, lead]);
    expect(route.department?.id).toBe(FIRE.id);
    // the nearer (community) helper first, then the street's; the major-class helper is replaced by the minor list
    expect(route.cooperating).toEqual([
      { id: CITY.id, name: CITY.name, matterId: nearerHelper.id },
      { id: HOUSING.id, name: HOUSING.name, matterId: helper.id },
    ]);
    expect(route.reasons.filter((reason) => reason.zh.startsWith('配合：'))).toHaveLength(2);
    expect(route.reasons.find((reason) => reason.zh.startsWith('配合：房管办'))!.en).toContain(
      'cooperating: 房管办',
    );
  });

  it('prefers lead over cooperate at the same specificity', () => {
    const cooperate = matter({ categoryCode: '0701', department: CITY, role: 'cooperate' });
    const lead = matter({ categoryCode: '0701', department: FIRE, role: 'lead' });
    const route = suggestRoute(request, [cooperate, lead]);
    expect(route.department?.id).toBe(FIRE.id);
    expect(route.cooperating.map((party) => party.id)).toEqual([CITY.id]);
  });

  it('names no department when nothing applies, and says why', () => {
    const otherCategory = matter({ categoryCode: '08', department: CITY });
    const otherMinor = matter({ categoryCode: '0702', department: FIRE });
    const route = suggestRoute(request, [otherCategory, otherMinor]);
    expect(route.department).toBeUndefined();
    expect(route.selfHandling).toBe(false);
    expect(route.handlingGrid).toBeUndefined();
    expect(route.cooperating).toEqual([]);
    expect(route.reasons).toHaveLength(1);
    expect(route.reasons[0]!.zh).toContain('消防通道堵塞 (0701)');
    expect(route.reasons[0]!.zh).toContain('没有适用于宝林一村微网格');
    expect(route.reasons[0]!.en).toContain('dispatch by hand');
  });

  it('outside every grid only matters for every grid are considered, and the reasons say so', () => {
    const street = matter({ categoryCode: '0701', department: FIRE });
    const everywhere = matter({ gridCode: null, categoryCode: '07', department: CITY });
    const route = suggestRoute({ ...request, gridChain: [] }, [street, everywhere]);
    expect(route.department?.id).toBe(CITY.id);
    expect(route.reasons[0]!.en).toContain('lies in no grid');
  });

  it('breaks ties deterministically by the earliest recorded matter and reports the tie', () => {
    const first = matter({ categoryCode: '0701', department: CITY });
    const second = matter({ categoryCode: '0701', department: FIRE });
    const orders = [
      [first, second],
      [second, first],
    ];
    for (const matters of orders) {
      const route = suggestRoute(request, matters);
      expect(route.department?.id).toBe(CITY.id);
      const tie = route.reasons.find((reason) => reason.zh.includes('同样适用'));
      expect(tie?.zh).toContain('消防救援站');
      expect(tie?.en).toContain(`matter ${first.id}`);
    }
  });

  it("hands a matter of the grid's own list to the grid of its handling level (自处置)", () => {
    const own = matter({
      kind: 'grid',
      department: null,
      categoryCode: '09',
      handlingLevel: 'community',
      name: '邻里纠纷调解',
    });
    const mediator = matter({ categoryCode: '09', department: POLICE, role: 'cooperate' });
    const route = suggestRoute({ ...request, categoryCode: '0901', categoryName: undefined }, [
      own,
      mediator,
    ]);
    expect(route.selfHandling).toBe(true);
    expect(route.department).toBeUndefined();
    expect(route.handlingGrid).toBe(COMMUNITY);
    expect(route.cooperating.map((party) => party.id)).toEqual([POLICE.id]);
    expect(route.reasons[0]!.zh).toContain('分类 0901 → 网格自处置');
    expect(route.reasons[0]!.en).toContain('handled by the grid itself');
    expect(route.reasons[1]!.zh).toContain('处置网格：宝林一村');
  });

  it('gives a department matter its handling grid, and falls back for a self-handled level the chain lacks', () => {
    const department = matter({ categoryCode: '0701', handlingLevel: 'street' });
    expect(suggestRoute(request, [department]).handlingGrid).toBe(STREET);
    const withoutMicro = CHAIN.slice(1);
    const own = matter({ kind: 'grid', department: null, handlingLevel: 'microGrid', gridCode: STREET });
    const route = suggestRoute({ ...request, gridChain: withoutMicro }, [own]);
    expect(route.selfHandling).toBe(true);
    expect(route.handlingGrid).toBe(STREET);
    expect(route.reasons.some((reason) => reason.en.includes('no grid of level "microGrid"'))).toBe(true);
  });
});
