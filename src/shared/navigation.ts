import type { NextFunction, Request, Response } from 'express';
import { isTeamLeader, type Role } from './actor';

type NavItem = { href: string; key: string; roles: Role[]; more?: Role[]; only?: (user: Express.User) => boolean };

/**
 * Navigation shows only what exists for this person (My account is the name in the user bar).
 * On a phone, nine links would take four lines: for the roles listed in `more`, a link goes
 * under a "More" menu (a <details>, so it opens without JavaScript) and the few links used
 * every day stay in view, on one or two lines at 360 px.
 */
const ITEMS: NavItem[] = [
  { href: '/', key: 'nav.home', roles: ['volunteer', 'trainer', 'staff', 'admin'] },
  { href: '/courses', key: 'nav.courses', roles: ['volunteer', 'trainer', 'staff', 'admin'], more: ['staff', 'admin'] },
  { href: '/certificates', key: 'nav.certificates', roles: ['volunteer', 'trainer', 'staff', 'admin'], more: ['trainer', 'staff', 'admin'] },
  { href: '/cohorts', key: 'nav.cohorts', roles: ['trainer', 'staff', 'admin'], more: ['staff', 'admin'] },
  { href: '/cascade', key: 'nav.cascade', roles: ['trainer', 'staff', 'admin'], more: ['trainer', 'staff', 'admin'] },
  { href: '/reports', key: 'nav.reports', roles: ['staff', 'admin'] },
  // Team leaders file the weekly report; staff read the summaries.
  { href: '/field-reports', key: 'nav.fieldReports', roles: ['trainer', 'staff', 'admin'], only: (u) => u.role !== 'trainer' || isTeamLeader(u) },
  { href: '/org', key: 'nav.org', roles: ['staff', 'admin'], more: ['staff', 'admin'] },
  { href: '/people', key: 'nav.people', roles: ['staff', 'admin'], more: ['staff', 'admin'] },
  { href: '/admin/audit', key: 'nav.audit', roles: ['admin'], more: ['admin'] },
];

/** This person's links: those always in view (`nav`) and those under "More" (`navMore`). */
export function navigationFor(user: Express.User | undefined): { nav: NavItem[]; navMore: NavItem[] } {
  const mine = user && !user.mustChangePassword ? ITEMS.filter((i) => i.roles.includes(user.role) && (i.only?.(user) ?? true)) : [];
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
