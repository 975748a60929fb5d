/** @parley/sdk — the Parley client. Exports are listed by name as they land. */
export { ERROR_CODES } from './protocol/index.js';
