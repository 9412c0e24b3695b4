import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * How many accepted event IDs are remembered (n8n keeps them hashed, ~24 bytes each, in its
 * `processed_data` table: about 240 KB per trigger node). FormantAI sends an event at most 3 times:
 * at once, 30 s and 300 s later, each attempt allowed 10 s. A copy is caught as long as fewer than
 * this many other events were accepted since the original, i.e. up to 10,000 / 600 s ≈ 16 events
 * per second sustained over the default replay window, after which the replay window refuses it.
 */
export const SEEN_CAPACITY = 10_000;

/**
 * n8n's dedupe store reads the whole list, adds to it and writes it back. Two executions in one
 * process that did this at the same moment would each write a list without the other's ID, so the
 * claims of one process take turns (a few milliseconds each). Across processes (queue-mode workers)
 * the store gives no such guarantee: see README, "Queue mode".
 */
let turn: Promise<unknown> = Promise.resolve();

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
	const result = turn.then(work, work);
	turn = result.catch(() => undefined);
	return await result;
}

/**
 * Records the event ID in n8n's database-backed dedupe store (the one behind the Remove Duplicates
 * node) and says whether this execution is the first to claim it.
 */
export async function claimEvent(this: IExecuteFunctions, eventId: string): Promise<boolean> {
	const claim = async () =>
		await this.helpers.checkProcessedAndRecord([eventId], 'node', {
			mode: 'entries',
			maxEntries: SEEN_CAPACITY,
		});
	return await inTurn(async () => {
		// The store creates its row on the first claim; two workers doing that at once make one
		// insert fail on the row's key. The row exists then, so a second try goes through.
		const outcome = await claim().catch(claim);
		return outcome.new.length > 0;
	});
}
