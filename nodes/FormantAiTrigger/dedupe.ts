import type { IExecuteFunctions } from 'n8n-workflow';

import { runtime } from '../FormantAi/transport';
import { acquire, confirm, foreignSlotError, release, slotUserAfter } from './lock';

export { LOCK_STALE_MS } from './lock';

/**
 * How many accepted event IDs are remembered (n8n keeps them hashed, ~24 bytes each, in its
 * `processed_data` table: about 240 KB per trigger node). FormantAI sends an event at most 3 times:
 * at once, 30 s and 300 s later, each attempt allowed 10 s. A copy is caught as long as fewer than
 * this many other events were accepted since the original, i.e. up to 10,000 / 600 s ≈ 16 events
 * per second sustained over the default replay window, after which the replay window refuses it.
 */
export const SEEN_CAPACITY = 10_000;

/** The most IDs one claim sends to the store (a burst beyond it is claimed in several). */
const MAX_BATCH = 500;

/**
 * While executions overlap, a batch waits this long for more claims before it takes the lock.
 * Every write rewrites the whole ID list, and a queue-mode worker runs only a few executions at
 * once, so without the wait most writes would carry one ID. Claims that come one at a time (each
 * after the last was written) never wait.
 */
export const GATHER_MS = 250;

/** Executions count as overlapping for this long after a claim found another one in progress. */
export const OVERLAP_WITHIN_MS = 2_000;

interface Waiting {
	ctx: IExecuteFunctions;
	eventId: string;
	settle(outcome: { won: boolean } | { error: unknown }): void;
}

/**
 * Claims waiting in one process, per trigger node. While a claim is in flight (or a batch waits
 * for company) the next ones gather, then go to the store together: one lock and one write for a
 * whole burst, so the store's speed (sqlite's single writer, a worker's round trips to Postgres)
 * does not cap how many events per second the trigger takes. `overlapAt` is when a claim last
 * found the slot busy.
 */
export type Claims = Map<string, { waiting: Waiting[]; busy: boolean; overlapAt: number }>;
const processClaims: Claims = new Map();

/**
 * One write for the claims waiting in this process. The batch is taken once the lock is held:
 * claims that arrived while another process held it go in the same write, which keeps the number
 * of rewrites of the ID list (its whole size in the database's log each time) low in queue mode.
 */
async function claimBatch(waiting: Waiting[]): Promise<void> {
	const ctx = waiting[0].ctx;
	let batch: Waiting[] = [];
	try {
		const held = await acquire(ctx);
		batch = waiting.splice(0, MAX_BATCH);
		const ids = [...new Set(batch.map((claim) => claim.eventId))];
		let fresh: Set<string>;
		try {
			await confirm(ctx, held);
			const outcome = await ctx.helpers.checkProcessedAndRecord(ids, 'node', {
				mode: 'entries',
				maxEntries: SEEN_CAPACITY,
			});
			fresh = new Set(outcome.new.map(String));
		} finally {
			// A lock left behind (this failing too) is broken by the next claim once it shows no life.
			await release(ctx, held).catch(() => undefined);
		}
		// The first delivery of an ID in the batch wins; its copies in the same batch do not.
		for (const claim of batch) claim.settle({ won: fresh.delete(claim.eventId) });
	} catch (error) {
		if (batch.length === 0) batch = waiting.splice(0, MAX_BATCH);
		for (const claim of batch) claim.settle({ error });
	}
}

async function drain(claims: Claims, key: string): Promise<void> {
	const slot = claims.get(key)!;
	slot.busy = true;
	try {
		while (slot.waiting.length > 0) {
			if (runtime.now() - slot.overlapAt < OVERLAP_WITHIN_MS) await runtime.sleep(GATHER_MS);
			await claimBatch(slot.waiting);
		}
	} finally {
		slot.busy = false;
	}
}

/**
 * Records the event ID in n8n's database-backed dedupe store (the one behind the Remove Duplicates
 * node) and says whether this execution is the first to claim it. `claims` is per process; tests
 * pass their own to play several processes.
 */
export async function claimEvent(
	this: IExecuteFunctions,
	eventId: string,
	claims: Claims = processClaims,
): Promise<boolean> {
	const user = slotUserAfter(this);
	if (user !== undefined) throw foreignSlotError(this, user);
	const key = `${this.getWorkflow().id ?? ''}/${this.getNode().id}`;
	if (!claims.has(key)) claims.set(key, { waiting: [], busy: false, overlapAt: -Infinity });
	const slot = claims.get(key)!;
	if (slot.busy) slot.overlapAt = runtime.now();
	const outcome = new Promise<{ won: boolean } | { error: unknown }>((settle) =>
		slot.waiting.push({ ctx: this, eventId, settle }),
	);
	if (!slot.busy) void drain(claims, key);
	const settled = await outcome;
	if ('error' in settled) throw settled.error;
	return settled.won;
}
