/** The weekly briefing packs as tests outside test/briefings/ find them. */
import { BriefingPack } from '../../src/briefings/briefing-pack.model';
import { findUnitByCode } from '../../src/org';

/** The id of the unit's pack of the week (prepared or being prepared), or null. */
export async function packIdOf(unitCode: string, week: string): Promise<string | null> {
  const unit = await findUnitByCode(unitCode);
  const pack = unit ? await BriefingPack.findOne({ unit: unit._id, week }).select('_id').lean() : null;
  return pack ? String(pack._id) : null;
}
