import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { findCourse, type Catalog } from '../courses';
import { unitInScope } from '../org';
import { actorOf, requireUser } from '../shared/auth';
import { can, requireAbility } from '../shared/permissions';
import { Invalid } from '../shared/errors';
import type { LookupLimiter } from '../shared/rate-limit';
import { pageField, pagerLinks } from '../shared/pager';
import { parseInput, parseParams } from '../shared/validate';
import {
  certificateInScope,
  myCertificates,
  pdfContent,
  pdfFileName,
  peopleCertificates,
  revokeCertificate,
  verifySerial,
  writeUnitZip,
} from './certificates.service';
import { writeCertificatePdf } from './pdf';
import { checkSerial } from './serial';

const revokeForm = z.object({ reason: z.string().max(1000) });
const listQuery = z.object({ unit: z.string().max(32).optional(), page: pageField });
const zipQuery = z.object({ unit: z.string().min(1).max(32) });
/** `/verify?serial=` as typed on the public form: the first 60 characters of one text (anything else: the empty form). */
const verifyQuery = z.object({ serial: z.unknown().optional().transform((v) => (typeof v === 'string' ? v.slice(0, 60) : '')) });
/** `/verify/:serial`, `/certificates/:serial/…`: a serial as printed or typed (a mistyped one gets its own message). */
const serialParams = z.object({ serial: z.string() });

export function certificatesRoutes(config: Config, catalog: Catalog, limiter: LookupLimiter): Router {
  const router = Router();
  router.use(verifyRoutes(catalog, limiter));
  router.use('/certificates', requireUser);
  router.use(certificateFilesRoutes(config, catalog));
  router.use(revokeRoutes(catalog));
  return router;
}

/** The public check of a serial printed on paper. */
function verifyRoutes(catalog: Catalog, limiter: LookupLimiter): Router {
  const router = Router();
  const courseTitle = (slug: string) => findCourse(catalog, slug).title;

  // GET /verify — type a serial in (public); ?serial= goes to its page
  router.get('/verify', (req, res) => {
    const typed = parseInput(verifyQuery, req.query).serial;
    if (typed) {
      const check = checkSerial(typed);
      res.redirect(303, `/verify/${encodeURIComponent(check.ok ? check.serial : typed.trim())}`);
      return;
    }
    res.render('certificates/verify-form', { title: res.locals.t('verify.title'), serial: '' });
  });

  // GET /verify/:serial — public check printed on paper: valid or revoked, holder, course, date
  router.get('/verify/:serial', async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const wait = await limiter.consume(req.ip ?? 'unknown');
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      res.status(429).render('certificates/verify-form', { title: res.locals.t('verify.title'), serial: serial.slice(0, 40), statusKey: 'verify.tooMany' });
      return;
    }
    const v = await verifySerial(serial);
    if (v.status === 'valid' || v.status === 'revoked') {
      res.set('Cache-Control', 'no-cache');
      res.render('certificates/verify', { title: res.locals.t('verify.title'), v, course: courseTitle(v.certificate.course) });
      return;
    }
    res.status(v.status === 'unknown' ? 404 : 400).render('certificates/verify-form', {
      title: res.locals.t('verify.title'),
      serial: 'serial' in v ? v.serial : '',
      statusKey: `verify.${v.status}`,
    });
  });

  return router;
}

/** My certificates, those of the people in my scope, and their PDF and ZIP files. */
function certificateFilesRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();
  const courseTitle = (slug: string) => findCourse(catalog, slug).title;

  // GET /certificates — my certificates
  router.get('/certificates', async (req, res) => {
    const actor = actorOf(req);
    const certificates = await myCertificates(actor);
    res.render('certificates/mine', { title: res.locals.t('certificates.title'), certificates, courseTitle, canSeePeople: can(actor, 'readPeopleCertificates') });
  });

  // GET /certificates/people — certificates of the people in my scope
  router.get('/certificates/people', ...requireAbility('readPeopleCertificates'), async (req, res) => {
    const q = parseInput(listQuery, req.query);
    const actor = actorOf(req);
    const { certificates, hasMore } = await peopleCertificates(actor, { unitCode: q.unit, page: q.page });
    res.render('certificates/people', {
      title: res.locals.t('certificates.peopleTitle'),
      certificates,
      pager: pagerLinks('/certificates/people', { unit: q.unit ?? '' }, q.page, hasMore),
      unit: q.unit ?? '',
      courseTitle,
      canRevoke: can(actor, 'revokeCertificate'),
    });
  });

  // GET /certificates/zip?unit=CODE — every valid certificate under a unit, in one ZIP for printing
  router.get('/certificates/zip', ...requireAbility('readPeopleCertificates'), async (req, res) => {
    const { unit } = parseInput(zipQuery, req.query);
    const actor = actorOf(req);
    // Validate the scope before the first byte is sent: afterwards an error cannot become a page.
    await unitInScope(actor, unit);
    res.attachment(`chung-nhan-${unit.replace(/[^\w-]/g, '')}.zip`);
    await writeUnitZip(actor, catalog, config.baseUrl, unit, res);
  });

  // GET /certificates/:serial/pdf — download one certificate (mine, or of a person in my scope)
  router.get('/certificates/:serial/pdf', async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const cert = await certificateInScope(actorOf(req), serial);
    const content = await pdfContent(catalog, cert, config.baseUrl);
    res.type('application/pdf');
    res.attachment(pdfFileName(cert));
    await writeCertificatePdf(content, res);
  });

  return router;
}

/** Staff revoke a certificate, with a reason. */
function revokeRoutes(catalog: Catalog): Router {
  const router = Router();
  const courseTitle = (slug: string) => findCourse(catalog, slug).title;

  // POST /certificates/:serial/revoke — staff revoke with a reason (audited)
  router.post('/certificates/:serial/revoke', ...requireAbility('revokeCertificate'), async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const actor = actorOf(req);
    try {
      const { reason } = parseInput(revokeForm, req.body);
      await revokeCertificate(actor, serial, reason);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const cert = await certificateInScope(actor, serial);
      res.status(400).render('certificates/revoke', { title: res.locals.t('certificates.revokeTitle'), cert, course: courseTitle(cert.course), errors: err.fields });
      return;
    }
    res.redirect(303, `/verify/${encodeURIComponent(serial)}`);
  });

  // GET /certificates/:serial/revoke — the revocation form
  router.get('/certificates/:serial/revoke', ...requireAbility('revokeCertificate'), async (req, res) => {
    const { serial } = parseParams(serialParams, req.params);
    const cert = await certificateInScope(actorOf(req), serial);
    res.render('certificates/revoke', { title: res.locals.t('certificates.revokeTitle'), cert, course: courseTitle(cert.course), errors: {} });
  });

  return router;
}
