/**
 * Telling the subscribers: once a pack is ready, each staff member of its unit who subscribed
 * to the briefing pack by email (notifications' preferences) gets one notification, keyed
 * `briefing:<unit>:<week>:<user>` (a repeat or a second process makes nothing more): a link to
 * the Briefings page, the PDF in their language attached, the XLSX by the link. The pack is
 * then marked delivered; a crash before that only means the next run finds the keys taken.
 */
import type { Types } from 'mongoose';
import { activePeopleOfUnit, contactsOf } from '../accounts';
import type { Locale } from '../config';
import { notify, subscribersOf } from '../notifications';
import { unitsByIds } from '../org';
import type { Role } from '../shared/actor';
import { weekNumber, weekRangeText, weekStartOf } from '../shared/dates';
import { can } from '../shared/permissions';
import { BriefingPack, type BriefingPackDoc } from './briefing-pack.model';
import { downloadNameOf } from './briefings.service';

/** Those of the unit itself who may read its pack (its staff; an administrator placed there too). */
async function readersOf(unit: Types.ObjectId): Promise<Types.ObjectId[]> {
  const people = await activePeopleOfUnit(unit);
  return people.filter((p) => can({ role: p.role as Role }, 'readBriefings')).map((p) => p._id as Types.ObjectId);
}

/** Notifies the pack's subscribers; how many notifications were made now. */
async function deliverPack(pack: BriefingPackDoc, defaultLocale: Locale): Promise<number> {
  const unit = (await unitsByIds([pack.unit])).get(String(pack.unit));
  if (!unit || !pack.files || !pack.figures) return 0;
  const subscribers = await subscribersOf('briefingPack', await readersOf(pack.unit));
  const contacts = await contactsOf(subscribers);
  const f = pack.figures;
  const params = { unitVi: unit.nameVi, unitEn: unit.nameEn, n: weekNumber(pack.week) ?? pack.week, range: weekRangeText(weekStartOf(pack.week)!), pct: f.pct, compliant: f.compliant, people: f.people, help: f.helpNeeded };
  let made = 0;
  for (const userId of subscribers) {
    const locale = contacts.get(String(userId))?.locale ?? defaultLocale;
    const outcome = await notify({
      key: `briefing:${pack.unit}:${pack.week}:${userId}`,
      userId,
      kind: 'briefingPack',
      titleKey: 'briefings.notice.title',
      bodyKey: 'briefings.notice.body',
      params,
      link: `/briefings?week=${pack.week}`,
      attachments: [{ filename: downloadNameOf(pack, locale, 'pdf'), path: `briefings/${pack.week}/${pack.files[locale].pdf}`, contentType: 'application/pdf' }],
    });
    if (outcome === 'created') made += 1;
  }
  return made;
}

/** Notifies the subscribers of the week's ready packs not yet delivered; how many notifications were made. */
export async function deliverReadyPacks(week: string, defaultLocale: Locale): Promise<number> {
  const packs = (await BriefingPack.find({ week }).lean<BriefingPackDoc[]>()).filter((p) => p.status === 'ready' && !p.deliveredAt);
  let made = 0;
  for (const pack of packs) {
    made += await deliverPack(pack, defaultLocale);
    await BriefingPack.updateOne({ _id: pack._id }, { $set: { deliveredAt: new Date() } });
  }
  return made;
}
