import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { scheduleProblem, toIsoUtc } from '../../helpers/schedule';
import { fieldError } from '../../helpers/validation';
import type { Call } from './prepare';
import { applyWindow } from './safety';

/** The request to send now, or the item to output instead when the Calling Window skips it. */
export type SendNow = { body: IDataObject; scheduledMs?: number } | { skipped: IDataObject };

/**
 * Decides, at the moment the call is sent, when it rings: the Scheduled For asked for (still in
 * the future after any wait), moved, skipped or refused by the Calling Window as it stands now.
 * Called before every request, so a wait for a free slot, for earlier items' outcomes or between
 * resends never lets a call ring outside the window.
 */
export function decideAtSend(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: Call,
	now: number,
): SendNow {
	let scheduledMs = call.scheduledMs;
	if (scheduledMs !== undefined) {
		const problem = scheduleProblem(scheduledMs, now);
		if (problem) {
			throw fieldError(
				ctx,
				itemIndex,
				'Scheduled For',
				`${problem} when the call was about to be sent; no call was placed`,
				'The node waited (for a free slot or for earlier calls) past the time asked for. Choose a later time, or Schedule → Immediately.',
			);
		}
	}
	if (call.window) {
		const applied = applyWindow(ctx, itemIndex, call.window, scheduledMs, now);
		if ('skipped' in applied) {
			return {
				skipped: {
					status: 'skipped',
					skipped: true,
					reason: applied.skipped.reason,
					customer_phone: call.e164,
					agent_id: call.agentId,
					next_window_opens_at: applied.skipped.next_window_opens_at,
				},
			};
		}
		scheduledMs = applied.scheduledMs;
	}
	const body: IDataObject = { ...call.body };
	if (scheduledMs !== undefined) body.scheduled_for = toIsoUtc(scheduledMs);
	return { body, scheduledMs };
}
