/**
 * Places of one test's own in the organisation tree (issue 17.7, tests own their data): a
 * province under the central unit, with a commune and a team, each with a code no other test
 * uses. Figures of those units (a roll-up, a dashboard, an export) then count only the people
 * the test put there, whatever the other tests of the file did before it.
 */
import { randomBytes } from 'node:crypto';
import { importOrgCsv, loadDefaultTreeIfEmpty } from '../../src/org';

export interface FreshPlace {
  province: string;
  commune: string;
  team: string;
  provinceName: string;
  communeName: string;
  teamName: string;
}

/**
 * A new province (under TW) with one commune and one team, made through the org import as an
 * admin would; the names are the given ones followed by the codes' common suffix.
 */
export async function freshPlace(
  names: { province: string; commune: string; team: string } = { province: 'Tỉnh Thử', commune: 'Xã Thử', team: 'Đội Thử' },
  opts: { remote?: boolean } = {},
): Promise<FreshPlace> {
  await loadDefaultTreeIfEmpty();
  const suffix = randomBytes(3).toString('hex');
  const place: FreshPlace = {
    province: `P-${suffix}`,
    commune: `C-${suffix}`,
    team: `T-${suffix}`,
    provinceName: `${names.province} ${suffix}`,
    communeName: `${names.commune} ${suffix}`,
    teamName: `${names.team} ${suffix}`,
  };
  const remote = String(opts.remote ?? false);
  const report = await importOrgCsv(
    [
      'code,name_vi,name_en,level,parent_code,remote',
      `${place.province},${place.provinceName},Province ${suffix},province,TW,${remote}`,
      `${place.commune},${place.communeName},Commune ${suffix},commune,${place.province},${remote}`,
      `${place.team},${place.teamName},Team ${suffix},team,${place.commune},${remote}`,
    ].join('\n'),
  );
  if (report.problems.length) throw new Error(JSON.stringify(report.problems));
  return place;
}
