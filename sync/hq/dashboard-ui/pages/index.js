// Every page of the dashboard, in navigation order: one import and one list entry per page.

import members from './members.js';
import member from './member.js';
import overview from './overview.js';
import analysis from './analysis.js';
import fraud from './fraud.js';
import fleet from './fleet.js';
import messages from './messages.js';
import rules from './rules.js';
import lottery from './lottery.js';
import audit from './audit.js';

/** @type {import('../page.js').Page[]} */
export const pages = [
  members,
  member,
  overview,
  analysis,
  fraud,
  fleet,
  messages,
  rules,
  lottery,
  audit,
];
