/**
 * A small, realistic demo: three provinces with communes and teams (two of them remote),
 * an administrator, provincial staff, trainers, team leaders and volunteers.
 * Idempotent: running it again creates only what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyRosterChanges, cascadePathUnder, createAccount, toActor, usersByUsernames, type UserDoc } from '../accounts';
import type { Catalog } from '../courses';
import { seedDemoCohorts } from './demo-cohorts';
import { seedDemoRetraining } from './demo-retraining';
import { currentWeek, fileReport, findReport, shiftWeek, type ReportInput } from '../fieldreports';
import { importOrgCsv, loadDefaultTreeIfEmpty, unitsByCodes } from '../org';
import type { Role } from '../shared/actor';
import { projectRoot } from '../shared/paths';

/** Every demo account signs in with this password (demo data only; never in production). */
export const DEMO_PASSWORD = 'TiepSuc#2025-demo';

interface DemoPerson {
  username: string;
  fullName: string;
  role: Role;
  unitCode: string;
  retrainedBy?: string;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { username: 'admin', fullName: 'Quản trị Trung ương', role: 'admin', unitCode: 'TW' },
  { username: 'staff.tw', fullName: 'Lê Thu Hà', role: 'staff', unitCode: 'TW' },
  { username: 'staff.hanoi', fullName: 'Phạm Minh Đức', role: 'staff', unitCode: '01' },
  { username: 'staff.caobang', fullName: 'Nông Thị Mai', role: 'staff', unitCode: '04' },
  { username: 'trainer.badinh', fullName: 'Trần Quốc Huy', role: 'trainer', unitCode: 'HN-BADINH' },
  { username: 'leader.badinh1', fullName: 'Nguyễn Thị Lan', role: 'trainer', unitCode: 'HN-BADINH-D1', retrainedBy: 'trainer.badinh' },
  { username: 'tnv.an', fullName: 'Đỗ Văn An', role: 'volunteer', unitCode: 'HN-BADINH-D1', retrainedBy: 'leader.badinh1' },
  { username: 'tnv.binh', fullName: 'Vũ Thị Bình', role: 'volunteer', unitCode: 'HN-BADINH-D1', retrainedBy: 'leader.badinh1' },
  { username: 'tnv.chau', fullName: 'Hoàng Minh Châu', role: 'volunteer', unitCode: 'HN-BADINH-D2', retrainedBy: 'trainer.badinh' },
  { username: 'leader.tralinh', fullName: 'Lục Văn Sáng', role: 'trainer', unitCode: 'CB-TRALINH-D1' },
  { username: 'tnv.dung', fullName: 'Hà Thị Dung', role: 'volunteer', unitCode: 'CB-TRALINH-D1', retrainedBy: 'leader.tralinh' },
  { username: 'leader.condao', fullName: 'Lâm Hoài Nam', role: 'trainer', unitCode: 'HCM-CONDAO-D1' },
  { username: 'tnv.giang', fullName: 'Trương Ngọc Giang', role: 'volunteer', unitCode: 'HCM-CONDAO-D1', retrainedBy: 'leader.condao' },
];

export async function seedDemo(catalog: Catalog, log: (msg: string) => void = () => undefined): Promise<{ created: number }> {
  await loadDefaultTreeIfEmpty();
  const tree = await importOrgCsv(fs.readFileSync(path.join(projectRoot, 'src', 'seed', 'demo-tree.csv'), 'utf8'));
  if (tree.problems.length > 0) throw new Error(`demo tree: ${tree.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);

  const existing = new Set((await usersByUsernames(DEMO_PEOPLE.map((p) => p.username))).map((u) => u.username));
  let created = 0;
  for (const person of DEMO_PEOPLE) {
    if (existing.has(person.username)) continue;
    await createAccount(null, { ...person, password: DEMO_PASSWORD });
    created += 1;
  }
  // Who retrained whom: the start of a cascade for later features to show.
  const people = new Map((await usersByUsernames(DEMO_PEOPLE.map((p) => p.username))).map((u) => [u.username, u]));
  const trainerOf = (username: string): { _id: UserDoc['_id']; cascadePath: UserDoc['_id'][] } | null => {
    const trainer = DEMO_PEOPLE.find((p) => p.username === username)?.retrainedBy;
    return trainer ? { _id: people.get(trainer)!._id, cascadePath: cascadePathUnder(trainerOf(trainer)) } : null;
  };
  await applyRosterChanges(
    DEMO_PEOPLE.filter((p) => p.retrainedBy).map((p) => {
      const trainer = trainerOf(p.username)!;
      return { userId: people.get(p.username)!._id, retrainedBy: trainer._id, cascadePath: cascadePathUnder(trainer) };
    }),
  );
  const reports = await seedDemoFieldReports(people);
  const cohorts = await seedDemoCohorts(catalog);
  await seedDemoRetraining(catalog);
  log(`demo data: ${created} account(s) created, ${reports} weekly field report(s), ${cohorts} cohort(s)`);
  return { created };
}

/**
 * Weekly field reports of the three demo teams for the four weeks before this one, filed by
 * their leaders through the field reports' service as during each week. Returns how many were filed now.
 */
async function seedDemoFieldReports(people: Map<string, UserDoc>): Promise<number> {
  const teams = await unitsByCodes(DEMO_FIELD_TEAMS.map((t) => t.team));
  const thisWeek = currentWeek(new Date());
  let filed = 0;
  for (const [i, t] of DEMO_FIELD_TEAMS.entries()) {
    const team = teams.get(t.team);
    const leader = people.get(t.leader);
    if (!team || !leader) continue;
    for (let back = 4; back >= 1; back -= 1) {
      if (t.team === 'HCM-CONDAO-D1' && back === 1) continue; // one team missed last week
      const week = shiftWeek(thisWeek, -back);
      if (await findReport(team._id, week.label)) continue; // already seeded
      const n = (k: number) => (k * 7 + back * 5 + i * 3) % 23;
      const difficulty = DEMO_DIFFICULTIES[(i + back) % DEMO_DIFFICULTIES.length]!;
      const input: ReportInput = {
        counts: { vneid: 10 + n(1), onlineService: 6 + n(2), dossier: 3 + n(3), digitise: n(4), other: n(5) % 4 },
        difficulties: back % 2 === 1 || i === 1 ? [difficulty] : [],
        notes: '',
      };
      // filed on the Saturday of that week, as a leader would
      await fileReport(toActor(leader), team, week, input, new Date(week.start.getTime() + 5 * 86400_000 + 10 * 3600_000));
      filed += 1;
    }
  }
  return filed;
}

const DEMO_FIELD_TEAMS = [
  { team: 'HN-BADINH-D1', leader: 'leader.badinh1' },
  { team: 'CB-TRALINH-D1', leader: 'leader.tralinh' },
  { team: 'HCM-CONDAO-D1', leader: 'leader.condao' },
];

const DEMO_DIFFICULTIES: ReportInput['difficulties'] = [
  { category: 'connectivity', description: 'Sóng 4G yếu ở thôn Bản Khuông, người dân không nhận được mã OTP kích hoạt VNeID.', helpNeeded: true },
  { category: 'devices', description: 'Nhiều người cao tuổi dùng điện thoại cũ không cài được ứng dụng VNeID.', helpNeeded: false },
  { category: 'systemErrors', description: 'Cổng dịch vụ công báo lỗi khi nộp hồ sơ đăng ký thường trú chiều thứ Năm.', helpNeeded: true },
  { category: 'availability', description: 'Đội viên đi học nên chỉ trực được cuối tuần.', helpNeeded: false },
];

/** The lines printed at start when the demo accounts exist. */
export async function demoAccountsSummary(): Promise<string[]> {
  if ((await usersByUsernames(['admin'])).length === 0) return [];
  return [
    `Demo accounts (password for all: ${DEMO_PASSWORD}):`,
    ...DEMO_PEOPLE.map((p) => `  ${p.username.padEnd(16)} ${p.role.padEnd(10)} ${p.unitCode}`),
  ];
}
