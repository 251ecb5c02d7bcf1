/**
 * mingo's own equality, ordering and cloning, so the fast paths decide
 * exactly as the mingo code they stand in for. Published only under the
 * `mingo/util` subpath export, which the repo's classic `moduleResolution:
 * node` cannot see; types come from the shipped .d.ts, the value from the
 * runtime export.
 */
import type * as MingoUtil from 'mingo/types/util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const util = require('mingo/util') as typeof MingoUtil;

export const { isEqual, compare, cloneDeep } = util;
