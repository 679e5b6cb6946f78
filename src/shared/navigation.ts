import type { NextFunction, Request, Response } from 'express';
import type { Role } from './actor';
import { can, type Ability } from './permissions';

/** A link shows to whoever has one of its abilities (see the permission table); `order` places it in the menu. */
export type NavItem = { href: string; key: string; abilities: Ability[]; order: number; more?: Role[] };

/**
 * Navigation shows only what exists for this person (My account is the name in the user bar).
 * On a phone, nine links would take four lines: for the roles listed in `more`, a link goes
 * under a "More" menu (a <details>, so it opens without JavaScript) and the few links used
 * every day stay in view, on one or two lines at 360 px. The links are the features' own
 * (`nav` of each feature, src/wiring.ts). This person's links: those always in view (`nav`)
 * and those under "More" (`navMore`).
 */
export function navigationFor(user: Express.User | undefined, items: NavItem[]): { nav: NavItem[]; navMore: NavItem[] } {
  const ordered = [...items].sort((a, b) => a.order - b.order);
  const mine = user && !user.mustChangePassword ? ordered.filter((i) => i.abilities.some((a) => can(user, a))) : [];
  const under = (i: NavItem) => Boolean(user && i.more?.includes(user.role));
  const navMore = mine.filter(under);
  // A menu of one link is only a longer way to it.
  if (navMore.length < 2) return { nav: mine, navMore: [] };
  return { nav: mine.filter((i) => !under(i)), navMore };
}

export function navigation(items: NavItem[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.user;
    res.locals.currentUser = user ?? null;
    Object.assign(res.locals, navigationFor(user, items));
    next();
  };
}
