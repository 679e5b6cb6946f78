import { importOrgCsv, treeChanged } from '../../src/org';
import { Unit } from '../../src/org/unit.model';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

// Each test starts from a store without any unit, whichever test ran before it.
beforeEach(async () => {
  await Unit.deleteMany({});
  await treeChanged();
});

describe('org import on an empty store', () => {
  it('when the file lacks the units above its rows, should report each line instead of crashing', async () => {
    const report = await importOrgCsv(
      ['code,name_vi,name_en,level,parent_code,remote', '01,Hà Nội,Ha Noi,province,TW,false', 'C-01,Phường A,Ward A,commune,01,false', 'T-01,Đội A,Team A,team,C-01,false'].join('\n'),
    );
    expect(report.created).toBe(0);
    expect(report.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(report.problems[0]!.message).toContain('TW');
    expect(report.problems[1]!.message).toContain('refused on its own line');
    expect(await Unit.countDocuments()).toBe(0);
  });

  it('when the file holds the whole tree out of order, should load it', async () => {
    const report = await importOrgCsv(
      ['code,name_vi,name_en,level,parent_code,remote', 'T-01,Đội A,Team A,team,C-01,false', 'C-01,Phường A,Ward A,commune,01,false', '01,Hà Nội,Ha Noi,province,TW,false', 'TW,Trung ương,Central,central,,false'].join('\n'),
    );
    expect(report.problems).toEqual([]);
    expect(report.created).toBe(4);
    const team = await Unit.findOne({ code: 'T-01' }).lean();
    expect(team!.lineage).toHaveLength(4);
  });
});
