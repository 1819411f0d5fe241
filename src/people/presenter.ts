/** What a role sees of a person (the rules are in masking.ts) and of a position. */
import type { Role } from '../accounts/roles.js';
import {
  maskAddress,
  maskBirthDate,
  maskIdNumber,
  maskName,
  maskPhone,
  present,
  visibility,
} from './masking.js';
import type { MembershipRow, PersonRow, PositionRow } from './repository.js';

function iso(value: string | Date): string {
  return new Date(value).toISOString();
}

export interface PresentOptions {
  roles: readonly Role[];
  /** The caller asked for full ID numbers and phones and may have them (checked before). */
  unmask: boolean;
  decrypt: (cipher: string) => string;
}

export function presentPerson(row: PersonRow, memberships: MembershipRow[], options: PresentOptions) {
  const { roles, unmask, decrypt } = options;
  const idVisibility = visibility(roles, 'idNumber', unmask);
  const phoneVisibility = visibility(roles, 'phone', unmask);
  const addressVisibility = visibility(roles, 'address');
  const groupsVisible = visibility(roles, 'specialGroups') === 'full';
  return {
    id: row.id,
    name: present(row.name, visibility(roles, 'name'), maskName) ?? '',
    gender: row.gender,
    birthDate: present(row.birthDate, visibility(roles, 'birthDate'), maskBirthDate),
    idNumber: present(row.idNumberCipher && decrypt(row.idNumberCipher), idVisibility, maskIdNumber),
    phone: present(row.phoneCipher && decrypt(row.phoneCipher), phoneVisibility, maskPhone),
    address: present(row.address, addressVisibility, maskAddress),
    politicalStatus: row.politicalStatus,
    tags: row.tags ?? [],
    gridCode: row.gridCode,
    // the flat is as identifying as the address: count-only readers get the building at most
    householdNumber: addressVisibility === 'full' ? row.householdNumber : null,
    buildingCode: row.buildingCode,
    unit: row.unit,
    room: addressVisibility === 'full' ? row.room : null,
    masked: idVisibility !== 'full' || phoneVisibility !== 'full',
    ...(groupsVisible
      ? {
          specialGroups: memberships
            .filter((membership) => membership.personId === row.id)
            .map((membership) => ({
              group: membership.group,
              name: { zh: membership.nameZh, en: membership.nameEn },
              since: membership.since,
              note: membership.note,
            })),
        }
      : {}),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** Does presenting this row to these roles show a full ID number or phone (and so need an audit row)? */
export function revealsProtectedData(row: PersonRow, roles: readonly Role[], unmask: boolean): boolean {
  return (
    (row.idNumberCipher !== null && visibility(roles, 'idNumber', unmask) === 'full') ||
    (row.phoneCipher !== null && visibility(roles, 'phone', unmask) === 'full')
  );
}

export function presentPosition(row: PositionRow) {
  return {
    id: row.id,
    gridCode: row.gridCode,
    gridLevel: row.gridLevel,
    kind: row.kind,
    duty: row.duty,
    holder: { personId: row.personId, userId: row.userId, name: row.holderName },
    buildingCode: row.buildingCode,
    unit: row.unit,
    from: row.validFrom,
    to: row.validTo,
  };
}
