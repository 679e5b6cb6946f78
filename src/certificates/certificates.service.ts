/**
 * Certificates: issued once per completion (unique key on the completion), verified by
 * anyone, downloaded by the holder and by trainers and staff in scope, revoked by staff.
 */
import { PassThrough, type Writable } from 'node:stream';
import archiver from 'archiver';
import { mapLimit } from '../db/bulk';
import mongoose, { type Types } from 'mongoose';
import { idsRetrainedBy, personById, personInScope } from '../accounts';
import { recordAudit } from '../audit';
import { completionsOf, findCourse, resetCompletion, type Catalog, type CompletionDoc } from '../courses';
import { centralUnit, unitInScope } from '../org';
import type { Actor } from '../shared/actor';
import { Forbidden, Invalid, NotFound } from '../shared/errors';
import { translate } from '../shared/i18n';
import { Certificate, type CertificateDoc } from './certificate.model';
import { writeCertificatePdf } from './pdf';
import { checkSerial, generateSerial } from './serial';
import { isDuplicateKey } from '../db/insert-once';
import { PAGE_SIZE, pageOfWindow, pageWindow } from '../shared/pager';
import { can } from '../shared/permissions';

/** Issues the certificate of a completion; a second call (or a concurrent one) changes nothing. */
export async function issueForCompletion(completion: CompletionDoc): Promise<CertificateDoc> {
  const user = await personById(completion.user);
  if (!user) throw new NotFound();
  for (let tries = 0; tries < 3; tries++) {
    try {
      const created = await Certificate.create({
        serial: generateSerial(),
        completion: completion._id,
        user: user._id,
        course: completion.course,
        holderName: user.fullName,
        lineage: user.lineage,
        issuedAt: completion.completedAt,
        contentVersion: completion.contentVersion,
      });
      return created.toObject() as CertificateDoc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await Certificate.findOne({ completion: completion._id }).lean<CertificateDoc>();
      if (existing) return existing; // issued already: the unique key did its job
      // otherwise the random serial collided (about never): draw another
    }
  }
  throw new Error('could not draw a unique certificate serial');
}

/**
 * The copy of the holder's lineage (for scoped lists) follows the holder (listens to accounts'
 * people moved; src/wiring.ts). One update per person, by `user` (an `$in` would make the
 * store read every certificate).
 */
export async function certificatesFollowHolders(userIds: Types.ObjectId[], lineage: Types.ObjectId[]): Promise<void> {
  await mapLimit(userIds, (user) => Certificate.updateMany({ user }, { $set: { lineage } }).exec(), 4);
}

/** A completion earns its certificate (listens to courses' completions; src/wiring.ts). */
export async function certifyCompletion(completion: CompletionDoc): Promise<void> {
  await issueForCompletion(completion);
}

/** Issues any certificate a completion still lacks (e.g. the process stopped in between). */
export async function ensureCertificates(userId: Types.ObjectId): Promise<void> {
  const completions = await completionsOf(userId);
  if (completions.length === 0) return;
  const issued = new Set((await Certificate.find({ user: userId }).select('completion').lean()).map((c) => String(c.completion)));
  for (const completion of completions) if (!issued.has(String(completion._id))) await issueForCompletion(completion);
}

export async function myCertificates(actor: Actor): Promise<CertificateDoc[]> {
  await ensureCertificates(actor.id);
  return Certificate.find({ user: actor.id }).sort({ issuedAt: -1 }).lean<CertificateDoc[]>();
}

/** A certificate the actor may see: their own, or of a person in their scope. Otherwise 404. */
export async function certificateInScope(actor: Actor, serialInput: string): Promise<CertificateDoc> {
  const check = checkSerial(serialInput);
  if (!check.ok) throw new NotFound();
  const cert = await Certificate.findOne({ serial: check.serial }).lean<CertificateDoc>();
  if (!cert) throw new NotFound();
  if (String(cert.user) !== String(actor.id)) {
    if (!can(actor, 'readPeopleCertificates')) throw new NotFound();
    await personInScope(actor, String(cert.user)); // throws NotFound outside the scope
  }
  return cert;
}

export const CERTIFICATES_PAGE_SIZE = PAGE_SIZE;

/** Certificates of the people in the actor's scope (trainers: their unit and the people they retrained). */
export async function peopleCertificates(actor: Actor, q: { unitCode?: string; page: number }): Promise<{ certificates: CertificateDoc[]; hasMore: boolean }> {
  if (!can(actor, 'readPeopleCertificates')) throw new Forbidden();
  const and: Record<string, unknown>[] = [];
  if (actor.role === 'trainer') {
    const retrained = await idsRetrainedBy(actor.id);
    and.push({ $or: [{ lineage: actor.unitId }, { user: mongoose.trusted({ $in: retrained }) }] });
  } else {
    and.push({ lineage: actor.unitId });
  }
  if (q.unitCode) and.push({ lineage: (await unitInScope(actor, q.unitCode))._id });
  const { skip, limit } = pageWindow(q.page, CERTIFICATES_PAGE_SIZE);
  const rows = await Certificate.find({ $and: and }).sort({ issuedAt: -1 }).skip(skip).limit(limit).lean<CertificateDoc[]>();
  const { items, hasMore } = pageOfWindow(rows, CERTIFICATES_PAGE_SIZE);
  return { certificates: items, hasMore };
}

export type Verification =
  | { status: 'valid' | 'revoked'; certificate: CertificateDoc }
  | { status: 'mistyped' | 'malformed' | 'unknown'; serial: string };

export async function verifySerial(input: string): Promise<Verification> {
  const check = checkSerial(input);
  if (!check.ok) return { status: check.reason, serial: input.slice(0, 40) };
  const certificate = await Certificate.findOne({ serial: check.serial }).lean<CertificateDoc>();
  if (!certificate) return { status: 'unknown', serial: check.serial };
  return { status: certificate.revokedAt ? 'revoked' : 'valid', certificate };
}

/** Staff revoke with a reason: the verification page says so, and the person must complete again. */
export async function revokeCertificate(actor: Actor, serialInput: string, reason: string): Promise<CertificateDoc> {
  if (!can(actor, 'revokeCertificate')) throw new Forbidden();
  const cert = await certificateInScope(actor, serialInput);
  const text = reason.trim();
  if (text.length < 5 || text.length > 500) throw new Invalid({ reason: 'certificates.reasonRules' });
  const now = new Date();
  const updated = await Certificate.findOneAndUpdate(
    { _id: cert._id, revokedAt: null },
    { $set: { revokedAt: now, revokedBy: actor.username, revokeReason: text } },
    { returnDocument: 'after' },
  ).lean<CertificateDoc>();
  if (!updated) return cert; // already revoked
  await resetCompletion(cert.user, cert.course);
  await recordAudit({ action: 'certificate.revoked', actor, target: { id: cert.user, username: cert.holderName }, lineage: cert.lineage, ip: actor.ip, details: `serial=${cert.serial} reason=${text}` });
  return updated;
}

/** Who issues the certificates: the central unit, named in both languages. */
async function issuerNames(): Promise<{ vi: string; en: string }> {
  const central = await centralUnit();
  return { vi: central?.nameVi ?? translate('vi', 'layout.footer.organiser'), en: central?.nameEn ?? translate('en', 'layout.footer.organiser') };
}

/** What the PDF prints; `issuer` is read once by callers that print many. */
export async function pdfContent(catalog: Catalog, cert: CertificateDoc, baseUrl: string, issuer?: { vi: string; en: string }) {
  const course = findCourse(catalog, cert.course);
  return {
    holderName: cert.holderName,
    courseTitle: course.title,
    issuedAt: cert.issuedAt,
    issuer: issuer ?? (await issuerNames()),
    serial: cert.serial,
    verifyUrl: `${baseUrl}/verify/${cert.serial}`,
  };
}

/** A server-built file name: ASCII, no path characters. */
export function pdfFileName(cert: CertificateDoc): string {
  return `chung-nhan-${cert.course}-${cert.serial}.pdf`;
}

/** Streams a ZIP of the valid certificates of the people under a unit in the actor's scope. */
export async function writeUnitZip(actor: Actor, catalog: Catalog, baseUrl: string, unitCode: string, out: Writable): Promise<void> {
  if (!can(actor, 'readPeopleCertificates')) throw new Forbidden();
  const unit = await unitInScope(actor, unitCode);
  await writeCertificatesZip(catalog, baseUrl, { lineage: unit._id }, out);
}

/** Streams a ZIP of the valid certificates of these people (the caller has checked the scope). */
export async function writeCertificatesOfPeopleZip(catalog: Catalog, baseUrl: string, userIds: Types.ObjectId[], out: Writable): Promise<void> {
  await writeCertificatesZip(catalog, baseUrl, { user: mongoose.trusted({ $in: userIds }) }, out);
}

async function writeCertificatesZip(catalog: Catalog, baseUrl: string, filter: Record<string, unknown>, out: Writable): Promise<void> {
  const zip = archiver('zip', { zlib: { level: 6 } });
  zip.pipe(out);
  const issuer = await issuerNames();
  const cursor = Certificate.find({ ...filter, revokedAt: null }).sort({ holderName: 1 }).lean<CertificateDoc[]>().cursor();
  for await (const cert of cursor as AsyncIterable<CertificateDoc>) {
    const pass = new PassThrough();
    zip.append(pass, { name: pdfFileName(cert) });
    await writeCertificatePdf(await pdfContent(catalog, cert, baseUrl, issuer), pass);
  }
  await zip.finalize();
}
