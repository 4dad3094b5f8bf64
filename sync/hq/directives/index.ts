/**
 * Head-office directives to kiosks (slice D of issue #7): card blocks, point adjustments and
 * member merges, delivered in the pull, applied by the kiosk exactly once (commit id
 * `hq:<directiveId>`) and settled when its journal record comes back; plus the fleet status
 * kiosks report with every pull. The dashboard's routes call these; nothing else writes the
 * `directives_*` tables.
 */
export { blockCard, queueAdjustment, queueLotteryDirective, queueMerge } from './queue.js';
export type { AdjustmentRequest, DirectiveKind, DirectiveState, LotteryDirectiveRequest, MergeRequest } from './queue.js';
export { listDirectives, survivorOf } from './list.js';
export type { DirectiveFilter, DirectiveView } from './list.js';
export { listDeviceStatus, recordDeviceStatus } from './fleet.js';
export type { DeviceStatusView } from './fleet.js';
export { deliverDirectives, settleDirectives, settlementsOf, bookMerge, recordMemberHomes } from './delivery.js';
export { DIRECTIVES_MIGRATIONS } from './migrations.js';
