import type { NextFunction, Request, Response } from 'express';
import { isTeamLeader, type Role } from './actor';

/** Navigation shows only what exists for this person (My account is the name in the user bar). */
const ITEMS: { href: string; key: string; roles: Role[]; only?: (user: Express.User) => boolean }[] = [
  { href: '/', key: 'nav.home', roles: ['volunteer', 'trainer', 'staff', 'admin'] },
  { href: '/courses', key: 'nav.courses', roles: ['volunteer', 'trainer', 'staff', 'admin'] },
  { href: '/certificates', key: 'nav.certificates', roles: ['volunteer', 'trainer', 'staff', 'admin'] },
  { href: '/cohorts', key: 'nav.cohorts', roles: ['trainer', 'staff', 'admin'] },
  { href: '/cascade', key: 'nav.cascade', roles: ['trainer', 'staff', 'admin'] },
  { href: '/reports', key: 'nav.reports', roles: ['staff', 'admin'] },
  // Team leaders file the weekly report; staff read the summaries.
  { href: '/field-reports', key: 'nav.fieldReports', roles: ['trainer', 'staff', 'admin'], only: (u) => u.role !== 'trainer' || isTeamLeader(u) },
  { href: '/org', key: 'nav.org', roles: ['staff', 'admin'] },
  { href: '/people', key: 'nav.people', roles: ['staff', 'admin'] },
  { href: '/admin/audit', key: 'nav.audit', roles: ['admin'] },
];

export function navigation() {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.user;
    res.locals.currentUser = user ?? null;
    res.locals.nav = user && !user.mustChangePassword ? ITEMS.filter((i) => i.roles.includes(user.role) && (i.only?.(user) ?? true)) : [];
    next();
  };
}
