/**
 * Head-office lottery rounds: opened and drawn at the kiosks through directives
 * (`lottery.open`, `lottery.draw`), the seed kept secret at the head office until the draw.
 */
export { registerLotteryRoutes } from './routes.js';
export { LOTTERY_MIGRATIONS } from './migrations.js';
export { checkOpenRequest, drawRound, openRound, type DrawRequest, type LotteryPrize, type OpenedRound, type OpenRoundRequest } from './rounds.js';
export { listRounds, winnersOfResult, type KioskWinner, type RoundKioskView, type RoundView } from './view.js';
