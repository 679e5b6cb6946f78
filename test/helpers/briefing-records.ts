/** The weekly briefing packs, and the notifications that announce them, as tests outside test/briefings/ find them. */
import type { Types } from 'mongoose';
import { BriefingPack } from '../../src/briefings/briefing-pack.model';
import { Notification } from '../../src/notifications/notification.model';
import { findUnitByCode } from '../../src/org';

/** The id of the unit's pack of the week (prepared or being prepared), or null. */
export async function packIdOf(unitCode: string, week: string): Promise<string | null> {
  const unit = await findUnitByCode(unitCode);
  const pack = unit ? await BriefingPack.findOne({ unit: unit._id, week }).select('_id').lean() : null;
  return pack ? String(pack._id) : null;
}

/** The briefing-pack notifications a person has (key, attachments, email state), oldest first. */
export async function briefingNoticesOf(user: Types.ObjectId) {
  const found = await Notification.find({ user }).lean();
  return found
    .filter((n) => n.kind === 'briefingPack')
    .map((n) => ({ key: n.key, link: n.link, attachments: (n.attachments ?? []).map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })), email: n.email?.state }));
}
