/** What a reader sees of departments, matters of the responsibility lists and key areas. */
import type { Role } from '../accounts/roles.js';
import { maskName, present, visibility } from '../people/masking.js';
import type { DepartmentRow, DepartmentUserRow, DutyRow, KeyAreaRow } from './repository.js';
import { KEY_AREA_KINDS, type KeyAreaKind } from './schema.js';

export function presentDepartment(row: DepartmentRow, users: DepartmentUserRow[]) {
  return {
    id: row.id,
    name: row.name,
    nameEn: row.nameEn,
    gridCode: row.gridCode,
    address: row.address,
    rank: row.rank,
    users: users
      .filter((user) => user.organisationId === row.id)
      .map((user) => ({ id: user.id, username: user.username, displayName: user.displayName })),
  };
}

export function presentDuty(row: DutyRow) {
  return {
    id: row.id,
    kind: row.kind,
    gridCode: row.gridCode,
    gridName: row.gridName,
    categoryCode: row.categoryCode,
    categoryName:
      row.categoryNameZh !== null
        ? { zh: row.categoryNameZh, en: row.categoryNameEn ?? row.categoryNameZh }
        : null,
    department:
      row.organisationId !== null
        ? { id: row.organisationId, name: row.departmentName ?? '', nameEn: row.departmentNameEn }
        : null,
    role: row.role,
    handlingLevel: row.handlingLevel,
    name: row.name,
    basis: row.basis,
    note: row.note,
    from: row.validFrom,
    to: row.validTo,
  };
}

/** The responsible person's name is personal data: masked for the roles that do not keep the roster. */
export function presentKeyArea(row: KeyAreaRow, roles: readonly Role[]) {
  const nameVisibility = visibility(roles, 'name');
  const personName = present(row.personName, nameVisibility, maskName);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    kindName: KEY_AREA_KINDS[row.kind as KeyAreaKind] ?? { zh: row.kind, en: row.kind },
    gridCode: row.gridCode,
    gridName: row.gridName,
    geometry: row.geometry,
    department:
      row.organisationId !== null ? { id: row.organisationId, name: row.departmentName ?? '' } : null,
    person: row.personId !== null && personName !== null ? { id: row.personId, name: personName } : null,
    notes: row.notes,
  };
}
