import type { IDataObject } from 'n8n-workflow';

/**
 * Outcome counters of a campaign's metrics, by the conversation status they count. Each derived
 * share is `<status>_count / total_processed`.
 */
export const OUTCOME_COUNTERS = [
	'busy',
	'completed',
	'failed',
	'no_answer',
	'socket_failure',
	'unreachable',
] as const;

function count(metrics: IDataObject, field: string): number | undefined {
	const value = metrics[field];
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A percentage with two decimals, or null when the base is 0 or a counter is missing. */
export function percent(part: number | undefined, whole: number | undefined): number | null {
	if (part === undefined || whole === undefined || whole <= 0) return null;
	return Math.round((part / whole) * 10_000) / 100;
}

/**
 * Rates computed by the node from FormantAI's counters (not returned by FormantAI), all in
 * percent of `total_processed` (the calls that reached an outcome), null when nothing is processed:
 * - `connect_rate_percent` = completed_count / total_processed × 100
 * - `outcome_share_percent.<status>` = <status>_count / total_processed × 100
 * - `in_progress_count` and `pending_retry_count` are not outcomes yet, so they are not in the base.
 */
export function deriveBatchRates(metrics: IDataObject): IDataObject {
	const processed = count(metrics, 'total_processed');
	const shares: IDataObject = {};
	for (const outcome of OUTCOME_COUNTERS) {
		shares[outcome] = percent(count(metrics, `${outcome}_count`), processed);
	}
	return {
		connect_rate_percent: percent(count(metrics, 'completed_count'), processed),
		outcome_share_percent: shares,
	};
}
