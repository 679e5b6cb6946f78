import { toActor } from '../../src/accounts';
import { resolveUnit, searchUnits } from '../../src/org';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';

useTestDatabase(__filename);

async function actorAt(unitCode: string) {
  return toActor((await createUser('trainer', unitCode)).user);
}

beforeAll(async () => {
  await createTree();
});

describe('finding a unit by name or code (the unit picker)', () => {
  it('when searching without diacritics, should find units by name or code, only in the actor\'s subtree', async () => {
    const province = await actorAt('01');
    expect((await searchUnits(province, 'ba dinh')).units.map((u) => u.code)).toEqual(['C-HN', 'T-HN']);
    expect((await searchUnits(province, 'BA ĐÌNH')).units.map((u) => u.code)).toEqual(['C-HN', 'T-HN']);
    expect((await searchUnits(province, 't-hn')).units.map((u) => u.code)).toEqual(['T-HN']);
    expect((await searchUnits(province, 'tra linh')).units).toEqual([]);
    expect((await searchUnits(province, '   ')).units).toEqual([]);
    const team = await actorAt('T-HN');
    expect((await searchUnits(team, 'ba dinh')).units.map((u) => u.code)).toEqual(['T-HN']);
  });

  it('when there are more matches than fit, should say so', async () => {
    const central = await actorAt('TW');
    const { units, more } = await searchUnits(central, 'a', 3);
    expect(units).toHaveLength(3);
    expect(more).toBe(true);
  });

  it('should resolve a code, a unique name (Vietnamese or English, any case), or "Name (CODE)"; an ambiguous name gives choices; out of scope is unknown', async () => {
    const province = await actorAt('01');
    for (const typed of ['C-HN', ' Phường Ba Đình ', 'phuong ba dinh', 'ba dinh ward', 'Phường Ba Đình (C-HN)', 'c-hn']) {
      expect({ typed, code: (await resolveUnit(province, typed)).unit?.code }).toEqual({ typed, code: 'C-HN' });
    }
    const ambiguous = await resolveUnit(province, 'ba dinh');
    expect(ambiguous.unit).toBeNull();
    expect(ambiguous.choices.map((u) => u.code)).toEqual(['C-HN', 'T-HN']);
    for (const typed of ['T-CB', 'Đội Trà Lĩnh', 'Xã Trà Lĩnh (C-CB)', '__proto__', '']) {
      expect(await resolveUnit(province, typed)).toEqual({ unit: null, choices: [], more: false });
    }
  });
});
