/**
 * Administration of people (staff and admins, inside their scope): find, create
 * trainer/staff accounts, disable/enable, reset a password, move to another unit.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { childrenOf, emptyPicker, findUnitById, pickerAfterError, unitInScope, unitName, unitPicker, unitsByIds, unitTyped, type UnitPicker } from '../org';
import { ROLES } from '../shared/actor';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { Invalid, NotFound } from '../shared/errors';
import { pageField, pagerLinks } from '../shared/pager';
import { formBody, idParam, noticeField, parseInput, parseParams, typedText } from '../shared/validate';
import {
  createAccount,
  findPeople,
  moveUser,
  personInScope,
  resetPassword,
  rolesCreatableBy,
  setDisabled,
} from './accounts.service';
import type { UserDoc } from './user.model';

const searchQuery = z.object({
  q: z.string().max(100).optional(),
  unit: z.string().max(32).optional(),
  page: pageField,
});
const newPersonForm = z.object({
  username: z.string().max(100),
  fullName: z.string().max(300),
  role: z.enum(ROLES),
  unitCode: z.string().max(200),
  unitPick: z.string().max(32).optional(),
  findUnit: z.literal('1').optional(),
});
const moveForm = z.object({ unitCode: z.string().max(200), unitPick: z.string().max(32).optional(), findUnit: z.literal('1').optional() });
/** The new-person and move forms as typed, to show again beside their messages or the units found. */
const typedPersonForm = formBody.catch({}).pipe(z.object({ username: typedText, fullName: typedText, role: typedText, unitCode: typedText, unitPick: typedText }));

/** A one-time password is shown once, never cached. */
function renderOneTimePassword(res: Response, person: UserDoc, oneTimePassword: string, created: boolean) {
  res.set('Cache-Control', 'no-store');
  res.render('accounts/one-time-password', { title: res.locals.t('people.otpTitle'), person, oneTimePassword, created });
}

/** What `?done=` may say after an action (anything else says nothing). */
const personQuery = z.object({ done: noticeField('disabled', 'enabled', 'moved') });
/** `/people/:id`: a person's id (anything else is a 404). */
const personParams = z.object({ id: idParam });

/** The new-person form, with what was typed, its errors and the unit picker. */
function renderNewForm(res: Response, status: number, values: Record<string, string>, errors: Record<string, string>, picker: UnitPicker) {
  const actor = actorOf(res.req);
  res.status(status).render('accounts/person-new', {
    title: res.locals.t('people.newTitle'),
    values,
    errors,
    picker,
    roles: rolesCreatableBy(actor).filter((r) => r !== 'volunteer'),
  });
}

/** One person's page, with the actions allowed on them. */
async function renderPerson(res: Response, person: UserDoc, status = 200, errors: Record<string, string> = {}, picker = emptyPicker()) {
  const unit = await findUnitById(person.unit);
  res.status(status).render('accounts/person', {
    picker,
    title: person.fullName,
    person,
    unitLabel: unit ? `${unitName(unit, res.req.locale)} (${unit.code})` : '',
    isSelf: String(person._id) === String(res.req.user!._id),
    errors,
    done: parseInput(personQuery, res.req.query).done,
  });
}

export function peopleRoutes(): Router {
  const router = Router();
  router.use('/people', ...requireAbility('readPeopleInSubtree'));

  // GET /people — find people in my scope by name or username (accents ignored)
  router.get('/people', findInScope);

  // GET /people/new — create a trainer or staff account
  router.get('/people/new', (req, res) => {
    renderNewForm(res, 200, { role: 'trainer' }, {}, emptyPicker());
  });

  // POST /people — create it and show its one-time password once (with "find unit": the form again, with the units found)
  router.post('/people', createFromForm);

  // GET /people/:id — one person, with the actions allowed on them
  router.get('/people/:id', async (req, res) => {
    const { id } = parseParams(personParams, req.params);
    await renderPerson(res, await personInScope(actorOf(req), id));
  });

  // POST /people/:id/disable — the account stops working at its next request
  router.post('/people/:id/disable', async (req, res) => {
    const { id } = parseParams(personParams, req.params);
    await setDisabled(actorOf(req), id, true);
    res.redirect(303, `/people/${id}?done=disabled`);
  });

  // POST /people/:id/enable — the account works again
  router.post('/people/:id/enable', async (req, res) => {
    const { id } = parseParams(personParams, req.params);
    await setDisabled(actorOf(req), id, false);
    res.redirect(303, `/people/${id}?done=enabled`);
  });

  // POST /people/:id/reset-password — a new one-time password, shown once
  router.post('/people/:id/reset-password', async (req, res) => {
    const { id } = parseParams(personParams, req.params);
    const { user, oneTimePassword } = await resetPassword(actorOf(req), id);
    renderOneTimePassword(res, user, oneTimePassword, false);
  });

  // POST /people/:id/move — to another unit inside my scope (with "find unit": the page again, with the units found)
  router.post('/people/:id/move', moveFromForm);

  return router;
}

/** The people page: search in my scope, paged, with the units below when too many match. */
async function findInScope(req: Request, res: Response): Promise<void> {
  const query = parseInput(searchQuery, req.query);
  const actor = actorOf(req);
  let unitFilter = null;
  if (query.unit) unitFilter = await unitInScope(actor, query.unit);
  const where = unitFilter ?? (await findUnitById(actor.unitId));
  if (!where) throw new NotFound();
  const { people, hasMore, tooMany } = await findPeople(actor, { text: query.q?.trim() || undefined, unit: where, page: query.page });
  const units = await unitsByIds(people.map((p) => p.unit));
  const choices = tooMany ? await childrenOf(where._id) : [];
  res.render('accounts/people', {
    title: res.locals.t('people.title'),
    q: query.q ?? '',
    unitFilter,
    people,
    units,
    pager: pagerLinks('/people', { q: query.q ?? '', ...(unitFilter ? { unit: unitFilter.code } : {}) }, query.page, hasMore),
    tooMany,
    where,
    choices,
    canCreate: rolesCreatableBy(actor).length > 0,
  });
}

/** Handles the new-person form: find the unit, or create the account and show its password once. */
async function createFromForm(req: Request, res: Response): Promise<void> {
  const values = typedPersonForm.parse(req.body ?? {});
  const actor = actorOf(req);
  try {
    const input = parseInput(newPersonForm, req.body);
    if (input.findUnit) {
      renderNewForm(res, 200, values, {}, await unitPicker(actor, input.unitCode, input.unitPick ?? '', true));
      return;
    }
    if (input.role === 'volunteer') throw new Invalid({ role: 'account.roleNotAllowed' });
    const { user, oneTimePassword } = await createAccount(actor, { username: input.username, fullName: input.fullName, role: input.role, unitCode: unitTyped(input) });
    renderOneTimePassword(res, user, oneTimePassword!, true);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const picker = await pickerAfterError(actor, Boolean(err.fields.unitCode), values.unitCode, values.unitPick);
    renderNewForm(res, 400, values, err.fields, picker);
  }
}

/** Handles the move form: find the unit, or move the person; the page again with its errors. */
async function moveFromForm(req: Request, res: Response): Promise<void> {
  const { id } = parseParams(personParams, req.params);
  const actor = actorOf(req);
  const typed = typedPersonForm.parse(req.body ?? {});
  try {
    const input = parseInput(moveForm, req.body);
    if (input.findUnit) {
      await renderPerson(res, await personInScope(actor, id), 200, {}, await unitPicker(actor, input.unitCode, input.unitPick ?? '', true));
      return;
    }
    await moveUser(actor, id, unitTyped(input));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const picker = await pickerAfterError(actor, Boolean(err.fields.unitCode), typed.unitCode, typed.unitPick);
    await renderPerson(res, await personInScope(actor, id), 400, err.fields, picker);
    return;
  }
  res.redirect(303, `/people/${id}?done=moved`);
}
