import type { Feature } from '../feature';
import { homeRoutes } from './home.routes';

export const homeFeature: Feature = {
  name: 'home',
  routes: ({ config, catalog }) => [homeRoutes(config, catalog)],
  nav: [{ href: '/', key: 'nav.home', abilities: ['readHome'], order: 10 }],
};
