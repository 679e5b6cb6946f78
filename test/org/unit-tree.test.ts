import { Unit } from '../../src/org/unit.model';
import { findUnitByCode, importOrgCsv, subtreeOf, treeCache, unitInScope } from '../../src/org';
import { markChanged } from '../../src/shared/changes';
import { toActor } from '../../src/accounts';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, uniqueName } from '../helpers/factories';

useTestDatabase(__filename);

beforeAll(async () => {
  await createTree();
});

/** A team code of the test's own (codes allow letters, digits, ".", "_" and "-"). */
const newTeamCode = () => uniqueName('T-NEW');

describe("each process's copy of the organisation tree", () => {
  it('when this process imports, should show the new units at once', async () => {
    const code = newTeamCode();
    const report = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', `${code},Đội Mới,New Team,team,C-HN,false`].join('\n'));
    expect(report.problems).toEqual([]);
    const unit = await findUnitByCode(code);
    expect(unit?.nameVi).toBe('Đội Mới');
    expect((await subtreeOf((await findUnitByCode('C-HN'))!)).map((u) => u.code)).toContain(code);
  });

  it('when another process imports, should see it once that process has marked the tree changed', async () => {
    const old = treeCache.CHECK_MS;
    treeCache.CHECK_MS = 0;
    try {
      const code = newTeamCode();
      const report = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', `${code},Đội Mới,New Team,team,C-HN,false`].join('\n'));
      expect(report.problems).toEqual([]);
      await findUnitByCode('C-HN'); // loaded
      await Unit.updateOne({ code }, { $set: { nameVi: 'Đội Mới Đổi Tên' } }); // as another process's import writes it
      await markChanged('org');
      expect((await findUnitByCode(code))?.nameVi).toBe('Đội Mới Đổi Tên');
    } finally {
      treeCache.CHECK_MS = old;
    }
  });

  it('when units are handed out, should be ones nobody can change by mistake, and scope checks should still hold', async () => {
    const unit = (await findUnitByCode('T-HN'))!;
    expect(() => {
      (unit as { nameVi: string }).nameVi = 'x';
    }).toThrow(TypeError);
    const staffCb = toActor((await createUser('staff', '04')).user);
    await expect(unitInScope(staffCb, 'T-HN')).rejects.toThrow();
    await expect(unitInScope(staffCb, { $ne: null } as unknown as string)).rejects.toThrow();
    const staffHn = toActor((await createUser('staff', '01')).user);
    expect((await unitInScope(staffHn, 'T-HN')).code).toBe('T-HN');
  });
});
