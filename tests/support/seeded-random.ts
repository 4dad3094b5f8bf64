/** The one seeded generator (mulberry32) lives with the history generators; tests share it. */
export { seededRandom } from '../../sync/hq/analysis/generate.js';

export type Random = () => number;
