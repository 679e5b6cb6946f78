/**
 * Hostile weekly report forms and queries (issue 17.4): a field no form sends (an object,
 * a number or a list of lists in a JSON body, a text far beyond any limit), a JSON list
 * as the body, prototype keys: a 400 in the leader's language, and the report already
 * filed stays as it was. Bad weeks and ids are 404s; a bad ?saved= shows no notice.
 */
import request from 'supertest';
import { FieldReport } from '../../src/fieldreports/field-report.model';
import { currentWeek } from '../../src/fieldreports/weeks';
import { findUnitByCode, type UnitDoc } from '../../src/org';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let leader: request.Agent;
let staff: request.Agent;
let team: UnitDoc;
const label = () => currentWeek(new Date()).label;

beforeAll(async () => {
  await createTree();
  app = testApp();
  team = (await findUnitByCode('T-HN'))!;
  leader = await signedInAgent(app, (await createUser('trainer', 'T-HN')).user.username);
  staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
  // the report already filed this week
  const _csrf = await csrfToken(leader, '/field-reports');
  const filed = await leader.post(`/field-reports/week/${label()}`).type('form').send({ _csrf, vneid: '7', onlineService: '2', d0_category: 'devices', d0_description: 'Máy in hỏng', d0_help: '1', notes: 'Tuần tốt' });
  expect(filed.status).toBe(303);
});

const stored = () => FieldReport.findOne({ team: team._id, week: label() }).lean();

async function postJson(agent: request.Agent, path: string, body: unknown, lang = 'vi') {
  const _csrf = await csrfToken(agent, '/account');
  return agent.post(path).set('X-CSRF-Token', _csrf).set('Accept', 'text/html').set('Accept-Language', lang).send(body as object);
}

describe('a hostile weekly report form', () => {
  it('when fields are objects, numbers, lists of lists or far too long, should answer 400 naming the field and keep the filed report', async () => {
    const before = await stored();
    const INVALID = 'Giá trị không hợp lệ.';
    const bodies: [Record<string, unknown>, string, string][] = [
      [{ vneid: { $gt: 0 } }, 'vneid', INVALID],
      [{ vneid: 5 }, 'vneid', INVALID],
      [{ onlineService: [['1']] }, 'onlineService', INVALID],
      // the row has a description, so its category is asked for by name
      [{ d0_category: { $ne: null }, d0_description: 'x' }, 'd0_category', 'Chọn loại khó khăn.'],
      [{ d0_description: 'x', d0_category: 'devices', d0_help: { a: 1 } }, 'd0_description', INVALID],
      [{ notes: 'x'.repeat(20_000) }, 'notes', INVALID],
      [{ notes: Array.from({ length: 500 }, () => 'x') }, 'notes', INVALID],
    ];
    for (const [body, field, message] of bodies) {
      const res = await postJson(leader, `/field-reports/week/${label()}`, body);
      expect(res.status).toBe(400);
      expect(res.text).toContain(`id="${field}-error"`);
      expect(res.text).toContain(message);
    }
    const after = await stored();
    expect(after!.revision).toBe(before!.revision);
    expect(after!.counts.vneid).toBe(7);
    expect(after!.notes).toBe('Tuần tốt');
  });

  it('when the body is a JSON list or text, should answer 400 in the leader\'s language and keep the filed report', async () => {
    const before = await stored();
    const vi = await postJson(leader, `/field-reports/week/${label()}`, [{ vneid: '9' }]);
    expect(vi.status).toBe(400);
    expect(vi.text).toContain('Yêu cầu có dữ liệu chưa hợp lệ.');
    const en = await postJson(leader, `/field-reports/week/${label()}`, [{ vneid: '9' }], 'en');
    expect(en.status).toBe(400);
    expect(en.text).toContain('The request contains invalid data.');
    const field = await postJson(leader, `/field-reports/week/${label()}`, { vneid: { $gt: 0 } }, 'en');
    expect(field.text).toContain('This value is not valid.');
    expect((await stored())!.revision).toBe(before!.revision);
  });

  it('when prototype keys and unknown fields come with a good form, should ignore them and file only the form', async () => {
    const body = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "team": "000000000000000000000000", "revision": 99, "vneid": "8", "notes": "Sửa lại"}');
    const res = await postJson(leader, `/field-reports/week/${label()}`, body);
    expect(res.status).toBe(303);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const after = await stored();
    expect(after!.counts.vneid).toBe(8);
    expect(String(after!.team)).toBe(String(team._id));
    expect(after!.revision).not.toBe(99);
  });

  it('when the week in the address is not a week, should answer 404', async () => {
    for (const week of ['not-a-week', '2026-W99', '2026-W1', `${label()}x`]) {
      expect((await leader.get(`/field-reports/week/${week}`)).status).toBe(404);
      expect((await postJson(leader, `/field-reports/week/${week}`, { vneid: '1' })).status).toBe(404);
    }
  });

  it('when ?saved= is not a week, should show the list without a notice', async () => {
    for (const query of ['saved=nonsense', `saved=${label()}&saved=${label()}`, 'saved=']) {
      const res = await leader.get(`/field-reports?${query}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('alert-ok');
    }
    expect((await leader.get(`/field-reports?saved=${label()}`)).text).toContain('alert-ok');
  });

  it('when a take-up names no report or difficulty, or its body is a list, should answer 404 or 400 and record nothing', async () => {
    const _csrf = await csrfToken(leader, '/field-reports');
    await leader.post(`/field-reports/week/${label()}`).type('form').send({ _csrf, vneid: '3', d0_category: 'devices', d0_description: 'Thiếu máy tính' }).expect(303);
    const report = (await stored())!;
    const difficulty = String(report.difficulties[0]!._id);
    expect((await postJson(staff, `/field-reports/difficulties/not-an-id/${difficulty}`, { note: 'Đã gọi' })).status).toBe(404);
    expect((await postJson(staff, `/field-reports/difficulties/${report._id}/x`, { note: 'Đã gọi' })).status).toBe(404);
    const list = await postJson(staff, `/field-reports/difficulties/${report._id}/${difficulty}`, ['note', 'Đã gọi']);
    expect(list.status).toBe(400);
    expect(list.text).toContain('Yêu cầu có dữ liệu chưa hợp lệ.');
    const summary = await staff.get(`/field-reports/summary?unit=T-HN`);
    expect(summary.text).not.toContain('Đã gọi');
  });
});
