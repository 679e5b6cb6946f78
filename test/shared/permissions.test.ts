/**
 * The permission table, pinned: what each role may do, the team-leader rule, and that
 * navigation shows a link exactly to those the table lets use it.
 */
import { Types } from 'mongoose';
import { ROLES, TEAM_DEPTH, type Role } from '../../src/shared/actor';
import { navigationFor } from '../../src/shared/navigation';
import { navItems } from '../../src/wiring';
import { ABILITIES, can, roleMay, type Ability } from '../../src/shared/permissions';

const lineage = (depth: number) => Array.from({ length: depth }, () => new Types.ObjectId());

const EXPECTED: Record<Role, Ability[]> = {
  volunteer: ['readHome', 'readCourses', 'readOwnCertificates', 'learn', 'attendRetraining', 'readInbox'],
  trainer: ['readHome', 'readCourses', 'readOwnCertificates', 'learn', 'readPeopleCertificates', 'manageCohorts', 'importRoster', 'reissueLearnerPasswords', 'promoteToTrainer', 'readCascade', 'fileFieldReport', 'manageRetraining', 'attendRetraining', 'readInbox'],
  staff: ['readHome', 'readCourses', 'readOwnCertificates', 'readPeopleCertificates', 'revokeCertificate', 'manageCohorts', 'importRoster', 'reissueLearnerPasswords', 'promoteToTrainer', 'readCascade', 'readReports', 'exportReports', 'readPeopleInSubtree', 'managePeople', 'createAccounts', 'readFieldSummaries', 'readBriefings', 'takeUpDifficulty', 'manageOrg', 'manageRetraining', 'correctRetraining', 'readRetrainingFigures', 'readInbox', 'readSentNotifications'],
  admin: ['readHome', 'readCourses', 'readOwnCertificates', 'readPeopleCertificates', 'revokeCertificate', 'manageCohorts', 'importRoster', 'reissueLearnerPasswords', 'promoteToTrainer', 'readCascade', 'readReports', 'exportReports', 'readPeopleInSubtree', 'managePeople', 'createAccounts', 'manageAdmins', 'readFieldSummaries', 'readBriefings', 'takeUpDifficulty', 'readAudit', 'manageOrg', 'manageRetraining', 'correctRetraining', 'readRetrainingFigures', 'manageReminders', 'readInbox', 'readSentNotifications'],
};

function user(role: Role, depth: number): Express.User {
  return { _id: new Types.ObjectId(), username: `u-${role}`, role, unit: new Types.ObjectId(), lineage: lineage(depth), mustChangePassword: false } as unknown as Express.User;
}

describe('the permission table', () => {
  it.each(ROLES)('when asked what a %s may do, should list exactly their abilities', (role) => {
    const who = role === 'trainer' ? { role, lineage: lineage(TEAM_DEPTH) } : { role, lineage: lineage(2) };
    expect(ABILITIES.filter((a) => can(who, a)).sort()).toEqual([...EXPECTED[role]].sort());
  });

  it('when a trainer leads no team, should not let them file a field report, though their role may', () => {
    expect(can({ role: 'trainer', lineage: lineage(3) }, 'fileFieldReport')).toBe(false);
    expect(can({ role: 'trainer' }, 'fileFieldReport')).toBe(false);
    expect(roleMay('trainer', 'fileFieldReport')).toBe(true);
    expect(can({ role: 'trainer', lineage: lineage(TEAM_DEPTH) }, 'fileFieldReport')).toBe(true);
  });

  it('when nobody is signed in, should allow nothing', () => {
    expect(ABILITIES.some((a) => can(null, a))).toBe(false);
  });
});

describe('navigation', () => {
  const hrefs = (u: Express.User) => {
    const { nav, navMore } = navigationFor(u, navItems());
    return [...nav, ...navMore].map((i) => i.href).sort();
  };

  it('when a volunteer is signed in, should show only home, courses, certificates and their retraining sessions', () => {
    expect(hrefs(user('volunteer', TEAM_DEPTH))).toEqual(['/', '/certificates', '/courses', '/retraining']);
  });

  it('when a trainer leads a team, should show field reports; when not, should not', () => {
    expect(hrefs(user('trainer', TEAM_DEPTH))).toContain('/field-reports');
    expect(hrefs(user('trainer', 3))).not.toContain('/field-reports');
    expect(hrefs(user('trainer', 3))).toEqual(['/', '/cascade', '/certificates', '/cohorts', '/courses', '/retraining']);
  });

  it('when staff and an admin are signed in, should show the audit log to the admin only', () => {
    expect(hrefs(user('staff', 2))).toEqual(['/', '/briefings', '/cascade', '/certificates', '/cohorts', '/courses', '/field-reports', '/notifications/sent', '/org', '/people', '/reports', '/retraining']);
    expect(hrefs(user('admin', 1))).toEqual(['/', '/admin/audit', '/briefings', '/cascade', '/certificates', '/cohorts', '/courses', '/field-reports', '/notifications/sent', '/org', '/people', '/reminders/settings', '/reports', '/retraining']);
  });
});
