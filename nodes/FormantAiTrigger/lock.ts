import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runtime } from '../FormantAi/transport';

/**
 * A lock whose count did not change for this long (while the store answered promptly) is taken
 * to be left by a process that died holding it, and is broken.
 */
export const LOCK_STALE_MS = 30_000;

/** A holder adds an entry this often while it holds the lock: its sign of life. */
export const LOCK_RENEW_MS = 5_000;

/**
 * A holder whose last confirmed sign of life is older than this does not write: by the time its
 * write lands, a waiter may have judged the lock dead (one renewal period of margin).
 */
export const HOLD_LIMIT_MS = LOCK_STALE_MS - LOCK_RENEW_MS;

/** The longest a claim waits for a lock that stays alive (a holder stuck in a slow write). */
export const LOCK_WAIT_MS = 2 * LOCK_STALE_MS;

/** After breaking a lock, how long the breaker waits before trusting it (other breakers' deletes). */
export const BREAK_SETTLE_MS = 1_000;

/** Waits between looks at a held lock: short, and spread so waiting processes don't collide. */
const POLL_MS = [5, 40] as const;

/**
 * The lock lives in the workflow-scope slot of n8n's dedupe store, as a list ('entries' mode).
 * n8n's store has one atomic step, creating a row (it fails when the row exists), and one read that
 * writes nothing, the count of a list; every other call reads the row and writes it back whole.
 * So the lock is a list: the marker, the holder's token, and one entry per renewal. Waiters only
 * count it; a count that keeps changing is a live holder however long it holds.
 */
const SLOT = { mode: 'entries' } as const;
const MARK = 'formantai-trigger-lock';

export interface Held {
	token: string;
	/** When the last call that proved the lock ours was sent. */
	confirmedAt: number;
	/** Someone else holds the lock now (it was broken while this holder was silent). */
	lost: boolean;
	renewals: number;
	stop: AbortController;
}

type Ctx = IExecuteFunctions;

const FOREIGN = 'Another node uses this workflow’s dedupe slot';
const FOREIGN_HINT =
	'FormantAI Trigger keeps a short lock in the workflow-scope slot of n8n’s dedupe store so that two workers never run the same event. A Remove Duplicates node with Scope “Workflow” in this workflow keeps its history in the same slot: set that node’s Scope to “Node”. Its stored history was left as it is.';

export function foreignSlotError(ctx: Ctx, nodeName?: string): NodeOperationError {
	const who = nodeName ? `The node “${nodeName}” uses this workflow’s dedupe slot` : FOREIGN;
	return new NodeOperationError(ctx.getNode(), who, { description: FOREIGN_HINT });
}

const REMOVE_DUPLICATES = 'n8n-nodes-base.removeDuplicates';
const HISTORY_OPERATIONS = ['removeItemsSeenInPreviousExecutions', 'clearDeduplicationHistory'];

/**
 * A Remove Duplicates node after this trigger that keeps (or clears) its history in the
 * workflow-scope slot: found in the workflow itself, before the store is touched. (One reached
 * only from another trigger is caught in the store, by its data, and its data is left alone.)
 */
export function slotUserAfter(ctx: Ctx): string | undefined {
	const nodes = ctx.getChildNodes(ctx.getNode().name, { includeNodeParameters: true }) ?? [];
	for (const node of nodes) {
		if (node.type !== REMOVE_DUPLICATES || node.disabled) continue;
		const operation = node.parameters?.operation;
		const options = (node.parameters?.options ?? {}) as IDataObject;
		if (HISTORY_OPERATIONS.includes(String(operation)) && options.scope === 'workflow') {
			return node.name;
		}
	}
	return undefined;
}

function isModeConflict(error: unknown): boolean {
	return error instanceof Error && /incompatible setting/i.test(error.message);
}

/** Two processes creating the lock row at the same moment: the second insert fails on its key. */
function isInsertRace(error: unknown): boolean {
	return (
		error instanceof Error &&
		/duplicate key|unique constraint|SQLITE_CONSTRAINT/i.test(error.message)
	);
}

/** A store failure, reported as itself (a database that is down is not a lock that is busy). */
function storeError(ctx: Ctx, error: unknown): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	// The database's own words in the description: n8n swaps some of them for a generic message.
	return new NodeOperationError(ctx.getNode(), error as Error, {
		description: `n8n’s dedupe store (its database) failed while recording the event as processed: ${message}. Check n8n’s database. FormantAI had its answer and will not send this event again: retry this execution once the database answers, or let the catch-up (example 9) deliver the outcome.`,
	});
}

function newToken(): string {
	return `formantai-trigger:${runtime.now()}:${runtime.random().toString(36).slice(2)}`;
}

async function count(ctx: Ctx): Promise<number> {
	try {
		return await ctx.helpers.getProcessedDataCount('workflow', SLOT);
	} catch (error) {
		throw storeError(ctx, error);
	}
}

/** Adds entries to the lock's list; what the store already had comes back as processed. */
async function record(ctx: Ctx, entries: string[]): Promise<Set<string> | 'raced'> {
	try {
		const outcome = await ctx.helpers.checkProcessedAndRecord(entries, 'workflow', SLOT);
		return new Set(outcome.new.map(String));
	} catch (error) {
		if (isModeConflict(error)) throw foreignSlotError(ctx);
		if (isInsertRace(error)) return 'raced';
		throw storeError(ctx, error);
	}
}

function holding(token: string, sentAt: number): Held {
	return { token, confirmedAt: sentAt, lost: false, renewals: 0, stop: new AbortController() };
}

/** Creates the lock row; undefined when someone else's lock is there. */
async function take(ctx: Ctx): Promise<Held | undefined> {
	const token = newToken();
	const sentAt = runtime.now();
	const fresh = await record(ctx, [MARK, token]);
	// The marker was new: this call created the row (another's lock always holds the marker).
	return fresh !== 'raced' && fresh.has(MARK) ? holding(token, sentAt) : undefined;
}

/**
 * Proves the lock is still ours and shows the waiters a sign of life (the count grows). If the
 * row is gone, this creates it again, which makes it ours again (creation is atomic).
 */
export async function renew(ctx: Ctx, held: Held): Promise<void> {
	if (held.lost) return;
	const sentAt = runtime.now();
	held.renewals++;
	const fresh = await record(ctx, [MARK, held.token, `${held.token}#${held.renewals}`]);
	if (fresh === 'raced') return;
	if (fresh.has(MARK) || !fresh.has(held.token)) held.confirmedAt = sentAt;
	else held.lost = true;
}

/**
 * The renewal timer, on the runtime's clock. Tests that move that clock by hand on every sleep
 * (one sleeper at a time) replace it, so a timer running beside the execution does not move it.
 */
export const heartbeat = {
	sleep: async (ms: number, signal: AbortSignal) => await runtime.sleep(ms, signal),
};

/** Renews until stopped, so that a holder held up in a slow write is never taken for dead. */
function keepAlive(ctx: Ctx, held: Held): void {
	const loop = async () => {
		while (!held.stop.signal.aborted && !held.lost) {
			await heartbeat.sleep(LOCK_RENEW_MS, held.stop.signal);
			if (held.stop.signal.aborted) return;
			// A failed renewal leaves confirmedAt behind; the holder's own checks act on it.
			await renew(ctx, held).catch(() => undefined);
		}
	};
	void loop().catch(() => undefined);
}

/**
 * Breaks a lock judged dead: first makes sure it is a FormantAI Trigger lock (never another
 * node's data), then deletes it and takes it. A breaker waits a moment and checks it still holds
 * the lock before using it, in case another breaker's delete was still on its way.
 */
async function breakLock(ctx: Ctx): Promise<Held | undefined> {
	const probe = newToken();
	const fresh = await record(ctx, [MARK, probe]);
	if (fresh === 'raced') return undefined;
	if (fresh.has(MARK)) {
		// Either the row was gone and this call created it (a lock of ours now), or the slot holds
		// another node's list: take our two entries back out of it and refuse.
		if ((await count(ctx)) === 2) return holding(probe, runtime.now());
		await ctx.helpers
			.removeProcessed([MARK, probe], 'workflow', SLOT)
			.catch((error: unknown) => ctx.logger.warn(`FormantAI Trigger: ${String(error)}`));
		throw foreignSlotError(ctx);
	}
	ctx.logger.warn(
		`FormantAI Trigger: breaking a dedupe lock that showed no sign of life for ${LOCK_STALE_MS / 1000} s`,
	);
	try {
		await ctx.helpers.clearAllProcessedItems('workflow', SLOT);
	} catch (error) {
		throw storeError(ctx, error);
	}
	const held = await take(ctx);
	if (!held) return undefined;
	await runtime.sleep(BREAK_SETTLE_MS);
	await renew(ctx, held);
	return held.lost ? undefined : held;
}

/** Takes the lock, waiting while a live holder has it and breaking it if its holder died. */
export async function acquire(ctx: Ctx): Promise<Held> {
	const started = runtime.now();
	let seen = -1;
	let unchangedSince = started;
	for (;;) {
		const askedAt = runtime.now();
		const entries = await count(ctx);
		const answeredAt = runtime.now();
		let held: Held | undefined;
		if (entries === 0) {
			held = await take(ctx);
			seen = -1;
		} else if (entries !== seen || answeredAt - askedAt >= LOCK_RENEW_MS) {
			// A change is a sign of life. So is a store that took longer than a renewal period to
			// answer: while it stalled, the holder's renewals could not land either.
			seen = entries;
			unchangedSince = answeredAt;
		} else if (answeredAt - unchangedSince >= LOCK_STALE_MS) {
			held = await breakLock(ctx);
			seen = -1;
			unchangedSince = runtime.now();
		}
		if (held) {
			keepAlive(ctx, held);
			return held;
		}
		if (runtime.now() - started >= LOCK_WAIT_MS) {
			throw new NodeOperationError(ctx.getNode(), 'Could not record the event as processed', {
				description: `Another execution held the trigger’s dedupe lock for over ${LOCK_WAIT_MS / 1000} s and is still alive (its database writes are slow or stuck). Check n8n’s database. FormantAI had its answer and will not send this event again: retry this execution once the database answers, or let the catch-up (example 9) deliver the outcome.`,
			});
		}
		const [min, max] = POLL_MS;
		await runtime.sleep(min + Math.round(runtime.random() * (max - min)));
	}
}

/**
 * Called right before the holder writes: a holder silent for too long may have lost the lock to
 * a breaker, so it proves it still holds it, and fails the claim rather than write if it does not.
 */
export async function confirm(ctx: Ctx, held: Held): Promise<void> {
	if (!held.lost && runtime.now() - held.confirmedAt >= HOLD_LIMIT_MS) await renew(ctx, held);
	if (held.lost || runtime.now() - held.confirmedAt >= HOLD_LIMIT_MS) {
		throw new NodeOperationError(ctx.getNode(), 'Could not record the event as processed', {
			description: `This execution held the trigger’s dedupe lock for over ${HOLD_LIMIT_MS / 1000} s without reaching n8n’s database, so another may have taken it; the event was not recorded and this execution stops here. FormantAI had its answer and will not send this event again: retry this execution once the database answers, or let the catch-up (example 9) deliver the outcome.`,
		});
	}
}

/** Deletes the lock only if it is still ours (a broken and re-taken lock belongs to its new holder). */
export async function release(ctx: Ctx, held: Held): Promise<void> {
	held.stop.abort();
	await renew(ctx, held);
	if (held.lost) return;
	await ctx.helpers.clearAllProcessedItems('workflow', SLOT);
}
