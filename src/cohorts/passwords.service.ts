/**
 * The one-time passwords of a confirmed roster import. They are kept sealed (encrypted) in
 * the store for PASSWORDS_KEPT_MS after confirming, never in clear. The rule, stated on the
 * sheet: during those 30 minutes the trainer who imported can open the sheet again (reload,
 * Back, another tab) and print it; the CSV can be downloaded once; afterwards both are gone
 * and a lost password is re-issued person by person from the cohort page.
 */
import type { Types } from 'mongoose';
import { NotFound } from '../shared/errors';
import type { Actor } from '../shared/actor';
import { PasswordsDownload, RosterImport, type CohortDoc, type RosterImportDoc } from './cohort.model';
import { importOf, type ApplyResult } from './cohorts.service';
import { unseal } from './seal';
import { insertOnce } from '../db/insert-once';
import { runJob } from '../shared/metrics';

export interface PasswordSheet {
  cohort: CohortDoc;
  batch: RosterImportDoc;
  result: Omit<ApplyResult, 'passwords'>;
  /** Null when they are no longer kept (30 minutes gone, or none were made). */
  passwords: ApplyResult['passwords'] | null;
  keptUntil: Date | null;
  csvTaken: boolean;
}

const FORGOTTEN = { sealedPasswords: null, sealedUntil: null, passwordsKept: false };
const forget = (id: Types.ObjectId) => RosterImport.updateOne({ _id: id }, { $set: FORGOTTEN });

/** The sheet of a confirmed import, for the trainer who imported it (anyone else: NotFound). */
export async function passwordSheet(actor: Actor, cohortId: string, importId: string, secret: string, now = new Date()): Promise<PasswordSheet> {
  const { cohort, batch } = await importOf(actor, cohortId, importId);
  if (batch.status !== 'applied') throw new NotFound();
  const result = { created: batch.result?.created ?? 0, updated: batch.result?.updated ?? 0, enrolled: batch.result?.enrolled ?? 0 };
  const kept = Boolean(batch.sealedPasswords && batch.sealedUntil && batch.sealedUntil > now);
  if (!kept && batch.sealedPasswords) {
    // past its 30 minutes: the sealed copy goes now
    await forget(batch._id);
  }
  const passwords = kept ? unseal<ApplyResult['passwords']>(secret, batch.sealedPasswords!) : null;
  const csvTaken = kept ? (await PasswordsDownload.countDocuments({ batch: batch._id })) > 0 : true;
  return { cohort, batch, result, passwords, keptUntil: passwords ? (batch.sealedUntil ?? null) : null, csvTaken };
}

/** The one download of the passwords as CSV (within the 30 minutes); null when taken or gone. */
export async function takePasswords(actor: Actor, cohortId: string, importId: string, secret: string): Promise<ApplyResult['passwords'] | null> {
  const sheet = await passwordSheet(actor, cohortId, importId, secret);
  if (!sheet.passwords) return null;
  if (!(await insertOnce(PasswordsDownload, { batch: sheet.batch._id, at: new Date() }))) return null; // downloaded already (or at the same moment)
  return sheet.passwords;
}


/** Deletes the sealed passwords of every import past its 30 minutes (the store has no TTL index). */
export async function forgetExpiredPasswords(now = new Date()): Promise<number> {
  const kept = await RosterImport.find({ passwordsKept: true }).select('_id sealedUntil').lean<{ _id: Types.ObjectId; sealedUntil: Date | null }[]>();
  const expired = kept.filter((b) => !b.sealedUntil || b.sealedUntil <= now);
  for (const b of expired) await forget(b._id);
  return expired.length;
}

/** Runs forgetExpiredPasswords every few minutes (idempotent: several processes may all run it). */
export function startPasswordsCleanup(log: { warn: (o: object, m: string) => void }, everyMs = 5 * 60_000): () => void {
  const timer = setInterval(() => void runJob('cohorts.passwords', () => forgetExpiredPasswords()).catch((err: unknown) => log.warn({ err }, 'deleting expired one-time passwords failed; will try again')), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
