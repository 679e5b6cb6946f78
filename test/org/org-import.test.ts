import fs from 'node:fs';
import { DEFAULT_TREE_FILE, importOrgCsv, loadDefaultTreeIfEmpty, treeChanged } from '../../src/org';
import { Unit } from '../../src/org/unit.model';
import { useTestDatabase } from '../helpers/db';
import { createUser, reloadUser } from '../helpers/factories';

useTestDatabase(__filename);

const header = 'code,name_vi,name_en,level,parent_code,remote';

// Each test starts from a store without any unit, whichever test ran before it, and loads the tree it needs.
beforeEach(async () => {
  await Unit.deleteMany({});
  await treeChanged();
});

describe('org import', () => {
  it('when the database is empty, should load the central level and the 34 provinces', async () => {
    const report = await loadDefaultTreeIfEmpty();
    expect(report).toMatchObject({ created: 35, problems: [] });
    expect(await Unit.countDocuments({ level: 'province' })).toBe(34);
    expect(await loadDefaultTreeIfEmpty()).toBeNull();
  });

  it('when the same file is imported twice, the second run should change nothing', async () => {
    expect(await importOrgCsv(fs.readFileSync(DEFAULT_TREE_FILE, 'utf8'))).toMatchObject({ created: 35, problems: [] });
    const again = await importOrgCsv(fs.readFileSync(DEFAULT_TREE_FILE, 'utf8'));
    expect(again).toEqual({ created: 0, updated: 0, unchanged: 35, problems: [] });
  });

  it('when lines are bad, should report each with its line number and keep the good ones', async () => {
    await loadDefaultTreeIfEmpty();
    const report = await importOrgCsv(
      [
        header,
        'X1,Xã Một,Commune One,commune,01,false', // good
        'X2,,Commune Two,commune,01,false', // empty name_vi
        'X3,Xã Ba,Commune Three,village,01,false', // bad level
        'X4,Xã Bốn,Commune Four,commune,ZZ,false', // unknown parent
        'X5,Đội Năm,Team Five,team,01,false', // team under a province
        'X1,Xã Một lần nữa,Again,commune,01,false', // duplicate code
        'X6,Xã Sáu,Commune Six,commune,01,maybe', // bad remote
      ].join('\n'),
    );
    expect(report.created).toBe(1);
    expect(report.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(report.problems[2]!.message).toMatch(/parent_code ZZ is not a known unit/);
    expect(report.problems[3]!.message).toMatch(/a team must be under a commune/);
  });

  it('when a column is missing, should refuse the whole file saying which', async () => {
    const report = await importOrgCsv('code,name_vi\nA,B');
    expect(report.problems).toEqual([{ line: 1, message: 'missing column(s): name_en, level, parent_code' }]);
  });

  it('when the file has a BOM, semicolons are not used, and headers have capitals, should still read it', async () => {
    await loadDefaultTreeIfEmpty();
    const report = await importOrgCsv(`\uFEFFCODE,Name_VI,name_en,LEVEL,parent_code,remote\nX7,Xã Bảy,Commune Seven,commune,01,true`);
    expect(report).toMatchObject({ created: 1, problems: [] });
    expect(await Unit.findOne({ code: 'X7' }).lean()).toMatchObject({ remote: true, nameVi: 'Xã Bảy' });
  });

  it('when a commune moves to another province, its teams and people should follow', async () => {
    await loadDefaultTreeIfEmpty();
    await importOrgCsv([header, 'MV,Xã Di Chuyển,Moving Commune,commune,01,false', 'MV-T,Đội Di Chuyển,Moving Team,team,MV,false'].join('\n'));
    const { user } = await createUser('volunteer', 'MV-T');
    const report = await importOrgCsv([header, 'MV,Xã Di Chuyển,Moving Commune,commune,04,false'].join('\n'));
    expect(report).toMatchObject({ updated: 1, problems: [] });
    const cb = await Unit.findOne({ code: '04' }).lean();
    const team = await Unit.findOne({ code: 'MV-T' }).lean();
    expect(team!.lineage.map(String)).toContain(String(cb!._id));
    expect((await reloadUser(user.username))!.lineage.map(String)).toContain(String(cb!._id));
  });

  it('when a header cell is __proto__, should ignore it', async () => {
    await loadDefaultTreeIfEmpty();
    const report = await importOrgCsv(`${header},__proto__,constructor\nPX,Xã P,Commune P,commune,01,false,polluted,x`);
    expect(report.created).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
