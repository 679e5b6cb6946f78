export { demoAccountsSummary, seedDemo } from './demo';
export { SCALE_DEFAULTS, SCALE_PASSWORD, seedScale, type ScaleOptions } from './scale';
