import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runtime } from '../FormantAi/transport';

/**
 * How many accepted event IDs are remembered (n8n keeps them hashed, ~24 bytes each, in its
 * `processed_data` table: about 240 KB per trigger node). FormantAI sends an event at most 3 times:
 * at once, 30 s and 300 s later, each attempt allowed 10 s. A copy is caught as long as fewer than
 * this many other events were accepted since the original, i.e. up to 10,000 / 600 s ≈ 16 events
 * per second sustained over the default replay window, after which the replay window refuses it.
 */
export const SEEN_CAPACITY = 10_000;

/**
 * A lock nobody could take for this long is taken to be left by a process that died holding it
 * (a claim holds it for a few database round trips) and is broken.
 */
export const LOCK_STALE_MS = 30_000;

/** Waits between tries to take the lock: short, and spread so waiting processes don't collide. */
const LOCK_RETRY_MS = [5, 40] as const;

/**
 * n8n's dedupe store reads a node's whole list of IDs, adds to it and writes it back, with nothing
 * stopping two processes (queue-mode workers) from interleaving: each would write back a list
 * without the other's ID, and a re-send of the lost one would run again. The only atomic step it
 * has is creating a row, which fails when the row exists; so the workflow's own slot of the store
 * (scope "workflow") serves as a lock: whoever creates it claims, then deletes it.
 */
const LOCK_OPTIONS = { mode: 'latestIncrementalKey' } as const;

function isModeConflict(error: unknown): boolean {
	return error instanceof Error && /incompatible setting/i.test(error.message);
}

/** Creates the lock row; false while another execution holds it (or creates it this moment). */
async function tryLock(ctx: IExecuteFunctions): Promise<boolean> {
	try {
		const outcome = await ctx.helpers.checkProcessedAndRecord([1], 'workflow', LOCK_OPTIONS);
		return outcome.new.length > 0;
	} catch (error) {
		if (isModeConflict(error)) {
			throw new NodeOperationError(ctx.getNode(), 'Another node uses this workflow’s dedupe slot', {
				description:
					'FormantAI Trigger uses the workflow-scope slot of n8n’s dedupe store as a short lock so that two workers never run the same event. A Remove Duplicates node with Scope “Workflow” in this workflow uses the same slot: set its Scope to “Node”.',
			});
		}
		// Two processes creating the row at the same moment: one insert fails on the row's key.
		return false;
	}
}

async function lock(ctx: IExecuteFunctions): Promise<void> {
	let since = runtime.now();
	let broken = false;
	while (!(await tryLock(ctx))) {
		if (runtime.now() - since >= LOCK_STALE_MS) {
			if (broken) {
				throw new NodeOperationError(ctx.getNode(), 'Could not record the event as processed', {
					description: `n8n’s dedupe store stayed locked for ${(2 * LOCK_STALE_MS) / 1000} s, even after the lock was cleared once. Check n8n’s database; FormantAI re-sends events whose delivery failed.`,
				});
			}
			await ctx.helpers.clearAllProcessedItems('workflow', LOCK_OPTIONS);
			broken = true;
			since = runtime.now();
			continue;
		}
		const [min, max] = LOCK_RETRY_MS;
		await runtime.sleep(min + Math.round(runtime.random() * (max - min)));
	}
}

/** The most IDs one claim sends to the store (a burst beyond it is claimed in several). */
const MAX_BATCH = 500;

interface Waiting {
	ctx: IExecuteFunctions;
	eventId: string;
	settle(outcome: { won: boolean } | { error: unknown }): void;
}

/**
 * Claims waiting in one process, per trigger node. While a claim is in flight the next ones
 * gather, then go to the store together: one lock and one write for a whole burst, so the store's
 * speed (sqlite's single writer, a worker's round trips to Postgres) does not cap how many events
 * per second the trigger takes.
 */
export type Claims = Map<string, { waiting: Waiting[]; busy: boolean }>;
const processClaims: Claims = new Map();

async function claimBatch(batch: Waiting[]): Promise<void> {
	const ctx = batch[0].ctx;
	const ids = [...new Set(batch.map((waiting) => waiting.eventId))];
	try {
		await lock(ctx);
		let fresh: Set<string>;
		try {
			const outcome = await ctx.helpers.checkProcessedAndRecord(ids, 'node', {
				mode: 'entries',
				maxEntries: SEEN_CAPACITY,
			});
			fresh = new Set(outcome.new.map(String));
		} finally {
			// The IDs are recorded either way; a lock left behind is broken by the next claim.
			await ctx.helpers.clearAllProcessedItems('workflow', LOCK_OPTIONS).catch(() => undefined);
		}
		// The first delivery of an ID in the batch wins; its copies in the same batch do not.
		for (const waiting of batch) waiting.settle({ won: fresh.delete(waiting.eventId) });
	} catch (error) {
		for (const waiting of batch) waiting.settle({ error });
	}
}

async function drain(claims: Claims, key: string): Promise<void> {
	const slot = claims.get(key)!;
	slot.busy = true;
	while (slot.waiting.length > 0) await claimBatch(slot.waiting.splice(0, MAX_BATCH));
	claims.delete(key);
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
	const key = `${this.getWorkflow().id ?? ''}/${this.getNode().id}`;
	if (!claims.has(key)) claims.set(key, { waiting: [], busy: false });
	const slot = claims.get(key)!;
	const outcome = new Promise<{ won: boolean } | { error: unknown }>((settle) =>
		slot.waiting.push({ ctx: this, eventId, settle }),
	);
	if (!slot.busy) void drain(claims, key);
	const settled = await outcome;
	if ('error' in settled) throw settled.error;
	return settled.won;
}
