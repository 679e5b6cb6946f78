import type { NextFunction, Request, Response } from 'express';
import type { Role } from './actor';
import { can, type Ability } from './permissions';

/** A link shows to whoever has one of its abilities (see the permission table). */
type NavItem = { href: string; key: string; abilities: Ability[]; more?: Role[] };

/**
 * Navigation shows only what exists for this person (My account is the name in the user bar).
 * On a phone, nine links would take four lines: for the roles listed in `more`, a link goes
 * under a "More" menu (a <details>, so it opens without JavaScript) and the few links used
 * every day stay in view, on one or two lines at 360 px.
 */
const ITEMS: NavItem[] = [
  { href: '/', key: 'nav.home', abilities: ['readHome'] },
  { href: '/courses', key: 'nav.courses', abilities: ['readCourses'], more: ['staff', 'admin'] },
  { href: '/certificates', key: 'nav.certificates', abilities: ['readOwnCertificates'], more: ['trainer', 'staff', 'admin'] },
  { href: '/cohorts', key: 'nav.cohorts', abilities: ['manageCohorts'], more: ['staff', 'admin'] },
  { href: '/cascade', key: 'nav.cascade', abilities: ['readCascade'], more: ['trainer', 'staff', 'admin'] },
  { href: '/reports', key: 'nav.reports', abilities: ['readReports'] },
  // Team leaders file the weekly report; staff read the summaries.
  { href: '/field-reports', key: 'nav.fieldReports', abilities: ['fileFieldReport', 'readFieldSummaries'] },
  { href: '/org', key: 'nav.org', abilities: ['manageOrg'], more: ['staff', 'admin'] },
  { href: '/people', key: 'nav.people', abilities: ['readPeopleInSubtree'], more: ['staff', 'admin'] },
  { href: '/admin/audit', key: 'nav.audit', abilities: ['readAudit'], more: ['admin'] },
];

/** This person's links: those always in view (`nav`) and those under "More" (`navMore`). */
export function navigationFor(user: Express.User | undefined): { nav: NavItem[]; navMore: NavItem[] } {
  const mine = user && !user.mustChangePassword ? ITEMS.filter((i) => i.abilities.some((a) => can(user, a))) : [];
  const under = (i: NavItem) => Boolean(user && i.more?.includes(user.role));
  const navMore = mine.filter(under);
  // A menu of one link is only a longer way to it.
  if (navMore.length < 2) return { nav: mine, navMore: [] };
  return { nav: mine.filter((i) => !under(i)), navMore };
}

export function navigation() {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.user;
    res.locals.currentUser = user ?? null;
    Object.assign(res.locals, navigationFor(user));
    next();
  };
}
