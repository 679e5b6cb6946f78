/**
 * A small, realistic demo: three provinces with communes and teams (two of them remote),
 * an administrator, provincial staff, trainers, team leaders and volunteers.
 * Idempotent: running it again creates only what is missing.
 */
import fs from 'node:fs';
import mongoose from 'mongoose';
import path from 'node:path';
import { createAccount, User } from '../accounts';
import { importOrgCsv, loadDefaultTreeIfEmpty } from '../org';
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

export async function seedDemo(log: (msg: string) => void = () => undefined): Promise<{ created: number }> {
  await loadDefaultTreeIfEmpty();
  const tree = await importOrgCsv(fs.readFileSync(path.join(projectRoot, 'src', 'seed', 'demo-tree.csv'), 'utf8'));
  if (tree.problems.length > 0) throw new Error(`demo tree: ${tree.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);

  const existing = new Set((await User.find({ username: mongoose.trusted({ $in: DEMO_PEOPLE.map((p) => p.username) }) }).select('username').lean()).map((u) => u.username));
  let created = 0;
  for (const person of DEMO_PEOPLE) {
    if (existing.has(person.username)) continue;
    await createAccount(null, { ...person, password: DEMO_PASSWORD });
    created += 1;
  }
  // Who retrained whom: the start of a cascade for later features to show.
  const ids = new Map((await User.find({ username: mongoose.trusted({ $in: DEMO_PEOPLE.map((p) => p.username) }) }).select('username').lean()).map((u) => [u.username, u._id]));
  const pathOf = (username: string): unknown[] => {
    const trainer = DEMO_PEOPLE.find((p) => p.username === username)?.retrainedBy;
    return trainer ? [...pathOf(trainer), ids.get(trainer)] : [];
  };
  for (const person of DEMO_PEOPLE) {
    if (person.retrainedBy) {
      await User.updateOne({ username: person.username }, { $set: { retrainedBy: ids.get(person.retrainedBy), cascadePath: pathOf(person.username) } });
    }
  }
  log(`demo data: ${created} account(s) created`);
  return { created };
}

/** The lines printed at start when the demo accounts exist. */
export async function demoAccountsSummary(): Promise<string[]> {
  const found = await User.countDocuments({ username: 'admin' });
  if (found === 0) return [];
  return [
    `Demo accounts (password for all: ${DEMO_PASSWORD}):`,
    ...DEMO_PEOPLE.map((p) => `  ${p.username.padEnd(16)} ${p.role.padEnd(10)} ${p.unitCode}`),
  ];
}
