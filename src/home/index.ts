export { homeRoutes } from './home.routes';
export { homeFeature } from './feature';
