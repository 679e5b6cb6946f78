import path from 'node:path';

/** The project's top folder, the same whether running from src/ (tests) or dist/. */
export const projectRoot = path.resolve(__dirname, '..', '..');
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
