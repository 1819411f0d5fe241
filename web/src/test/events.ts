import type { EventDetail } from '../events/api';

/**
 * An event as GET /api/events/:id answers it (a dispatched obstruction in the demo street with one filing and one
 * closing standard), for the component tests; `changes` set what a test is about (state, actions, standards …).
 */
export function eventDetail(changes: Partial<EventDetail> = {}): EventDetail {
  return {
    id: 7,
    number: 'E-2026-0007',
    source: 'patrol',
    categoryCode: '0101',
    title: '占道堆物',
    state: 'dispatched',
    urgency: 'normal',
    difficulty: 'normal',
    location: { lng: 121.47, lat: 31.23 },
    address: '友谊路 1 号',
    grids: [{ code: '310113001', level: 'street', name: '友谊路街道' }],
    assignedDepartmentId: 3,
    handlingGridCode: null,
    possibleDuplicateOf: null,
    duplicateFlag: false,
    createdAt: '2026-11-20T01:00:00Z',
    updatedAt: '2026-11-20T01:00:00Z',
    closedAt: null,
    description: '楼道堆放杂物',
    version: 4,
    category: {
      code: '0101',
      name: { zh: '占道堆物', en: 'Obstruction' },
      filingStandards: [{ zh: '有照片', en: 'A photo' }],
      closingStandards: [{ zh: '已清理', en: 'Cleared' }],
    },
    reporter: { userId: 1, name: '刘洋', phone: null },
    hotlineTicket: null,
    claimedBy: null,
    selfHandled: false,
    suggestion: null,
    pendingRequest: null,
    rating: null,
    attachments: [],
    timeline: [],
    actions: [],
    ...changes,
  };
}
