/**
 * The one pager (src/shared/pager.ts), through each list that pages: people, certificates of
 * people, the audit log. A page number that is not one (negative, 0, huge, text, given twice)
 * shows the first page, never an error; the links keep the list's filters.
 */
import request from 'supertest';
import { recordAudit } from '../../src/audit';
import { issueForCompletion } from '../../src/certificates';
import { findUnitByCode } from '../../src/org';
import { MAX_PAGE, PAGE_SIZE, pageNumber, pageOf, pagerLinks, rowsNeeded } from '../../src/shared/pager';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, manyVolunteers, signedInAgent } from '../helpers/factories';
import { writeCompletionRecords } from '../helpers/progress';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let staffCb: request.Agent;
let adminCb: request.Agent;

/** Not page numbers: each must show page 1. */
const BAD_PAGES = ['-1', '0', '99999999', String(MAX_PAGE + 1), 'abc', '2abc', '1.5', '', 'page=2&page=3'];
const withPage = (path: string, bad: string) => `${path}${path.includes('?') ? '&' : '?'}${bad.startsWith('page=') ? bad : `page=${encodeURIComponent(bad)}`}`;

beforeAll(async () => {
  await createTree();
  app = testApp();
  staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
  const admin = (await createUser('admin', '04')).user;
  adminCb = await signedInAgent(app, admin.username);
  // a page and one more of each list, in Cao Bằng
  const team = (await findUnitByCode('T-CB'))!;
  const people = await manyVolunteers('T-CB', PAGE_SIZE + 1);
  const completions = await writeCompletionRecords(people.map((p) => p._id), 'digital-literacy');
  for (const c of completions) await issueForCompletion(c);
  for (let i = 0; i < PAGE_SIZE + 1; i++) await recordAudit({ action: 'login', actor: null, lineage: team.lineage, details: `pager-${i}` });
});

describe('the page number', () => {
  it('when it is a whole number from 1 to the most, should be that page; otherwise page 1', () => {
    expect(pageNumber('1')).toBe(1);
    expect(pageNumber('7')).toBe(7);
    expect(pageNumber(String(MAX_PAGE))).toBe(MAX_PAGE);
    for (const bad of [undefined, null, 3, ['2'], '-1', '0', '99999999', String(MAX_PAGE + 1), 'abc', '2abc', '1.5', '', ' 2']) expect(pageNumber(bad)).toBe(1);
  });

  it('when a list is cut into pages, should give each its rows and say whether one follows', () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    expect(pageOf(all, 1, 3)).toEqual({ items: [0, 1, 2], hasMore: true });
    expect(pageOf(all, 3, 3)).toEqual({ items: [6], hasMore: false });
    expect(pageOf(all.slice(0, 6), 2, 3)).toEqual({ items: [3, 4, 5], hasMore: false });
    expect(rowsNeeded(2, 3)).toBe(7);
  });

  it('when links are made, should keep the filters in order, encoded, and link only where a page exists', () => {
    expect(pagerLinks('/people', { q: 'Trần Thị', unit: '' }, 1, true)).toEqual({ previous: null, next: '/people?q=Tr%E1%BA%A7n%20Th%E1%BB%8B&unit=&page=2' });
    expect(pagerLinks('/people', {}, 3, false)).toEqual({ previous: '/people?page=2', next: null });
  });
});

const LISTS = [
  { name: 'people', path: '/people?q=pager', agent: () => staffCb, first: 'pager.000', second: 'pager.050', next: 'href="/people?q=pager&amp;page=2"', previous: 'href="/people?q=pager&amp;page=1"' },
  { name: 'certificates of people', path: '/certificates/people?unit=T-CB', agent: () => staffCb, first: 'Người Phân Trang', second: 'Người Phân Trang', next: 'href="/certificates/people?unit=T-CB&amp;page=2"', previous: 'href="/certificates/people?unit=T-CB&amp;page=1"' },
  { name: 'the audit log', path: '/admin/audit?action=login', agent: () => adminCb, first: 'pager-50', second: 'pager-0<', next: 'href="/admin/audit?action=login&amp;username=&amp;from=&amp;to=&amp;page=2"', previous: 'href="/admin/audit?action=login&amp;username=&amp;from=&amp;to=&amp;page=1"' },
];

describe.each(LISTS)('paging $name', (list) => {
  it('when a list is longer than a page, should link to the next page keeping the filters, and back', async () => {
    const first = await list.agent().get(list.path).expect(200);
    expect(first.text).toContain(list.first);
    expect(first.text).toContain(list.next);
    expect(first.text).not.toContain('page=0');
    const second = await list.agent().get(`${list.path}&page=2`).expect(200);
    expect(second.text).toContain(list.second);
    expect(second.text).toContain(list.previous);
    expect(second.text).not.toContain('page=3');
  });

  it.each(BAD_PAGES)('when ?page= is %p, should show the first page rather than an error', async (bad) => {
    const res = await list.agent().get(withPage(list.path, bad)).expect(200);
    expect(res.text).toContain(list.next);
    expect(res.text).not.toContain(list.previous);
  });
});
