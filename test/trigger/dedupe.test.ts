import { mock } from 'jest-mock-extended';
import type { IExecuteFunctions } from 'n8n-workflow';

import { claimEvent, type Claims, LOCK_STALE_MS } from '../../nodes/FormantAiTrigger/dedupe';
import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import { dedupeHelpers, nodeWithDefaults } from './context';
import { MemoryDedupe } from './dedupeStore';

const node = nodeWithDefaults();
const contextData = { node, workflow: { id: 'w', active: true } };

/** One execution's context, claiming in the given store. */
function execution(seen: MemoryDedupe): IExecuteFunctions {
	const ctx = mock<IExecuteFunctions>({
		getNode: () => node,
		getWorkflow: () => ({ id: 'w', active: true }),
	});
	Object.assign(ctx.helpers, dedupeHelpers(seen, node));
	return ctx;
}

/** A process: its own waiting claims, as each n8n worker has its own copy of the module. */
const worker = (): Claims => new Map();

/** A database round trip between every read and write: a few turns for other claims to run. */
const roundTrip = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

let clock = 0;
beforeEach(() => {
	clock = 0;
	runtime.now = () => clock;
	// Waiting for the lock moves the virtual clock and lets the other claims run.
	runtime.sleep = async (ms) => {
		clock += ms;
		await Promise.resolve();
	};
});
afterEach(() => resetRuntime());

describe("claiming an event across processes (n8n's dedupe store, queue-mode workers)", () => {
	it('control: the store alone loses IDs when two processes claim at once', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		await seen.checkProcessedAndRecord(['evt_0'], 'node', contextData, { mode: 'entries' });
		await Promise.all(
			['evt_a', 'evt_b'].map(
				async (id) =>
					await seen.checkProcessedAndRecord([id], 'node', contextData, { mode: 'entries' }),
			),
		);
		// Both read [evt_0] and wrote back their own list: one ID is gone, and its re-send would run.
		expect(seen.list(contextData)).toHaveLength(2);
	});

	it('with the lock, 2 processes × 40 claims at once (20 events, each delivered twice) run each event once and lose no ID', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		const workers = [worker(), worker()];
		const ids = Array.from({ length: 20 }, (_, i) => `evt_q${i}`);
		// The original on one worker, its copy on the other, all at the same moment.
		const claims = [...ids, ...ids].map(
			async (id, n) => await claimEvent.call(execution(seen), id, workers[n % 2]),
		);
		const won = await Promise.all(claims);
		const winners = [...ids, ...ids].filter((_, n) => won[n]);
		expect(winners.sort()).toEqual([...ids].sort());
		expect(seen.list(contextData)).toHaveLength(20);
		// The lock is released: the workflow slot is empty again.
		expect(seen.rows.has('w/')).toBe(false);
		// A later re-send of any of them is refused on either worker.
		expect(await claimEvent.call(execution(seen), 'evt_q7', workers[0])).toBe(false);
		expect(await claimEvent.call(execution(seen), 'evt_q7', workers[1])).toBe(false);
	});

	it('a burst in one process goes to the store together: 100 claims, 2 writes of the ID list', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		const record = seen.checkProcessedAndRecord.bind(seen);
		const sizes: number[] = [];
		seen.checkProcessedAndRecord = async (items, scope, ...rest) => {
			if (scope === 'node') sizes.push(items.length);
			return await record(items, scope, ...rest);
		};
		const one = worker();
		const ids = Array.from({ length: 50 }, (_, i) => `evt_b${i}`);
		// Each event twice: the copy lands in the same batch as its original.
		const won = await Promise.all(
			[...ids, ...ids].map(async (id) => await claimEvent.call(execution(seen), id, one)),
		);
		expect(won.filter(Boolean)).toHaveLength(50);
		expect(won.slice(0, 50).every(Boolean)).toBe(true);
		// The first claim goes alone; the 99 that arrived while it was in flight go as one, each ID
		// once (the first one's copy included, refused by the store).
		expect(sizes).toEqual([1, 50]);
		expect(one.size).toBe(0);
	});

	it('the first claim ever, on two processes at once: one creates the lock row, the other waits and follows', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		const [a, b] = await Promise.all([
			claimEvent.call(execution(seen), 'evt_first', worker()),
			claimEvent.call(execution(seen), 'evt_other', worker()),
		]);
		expect([a, b]).toEqual([true, true]);
		expect(seen.list(contextData)).toHaveLength(2);
	});

	it('releases the lock when the claim fails, and the error reaches the execution', async () => {
		const seen = new MemoryDedupe();
		const record = seen.checkProcessedAndRecord.bind(seen);
		seen.checkProcessedAndRecord = async (items, scope, ...rest) => {
			if (scope === 'node') throw new Error('connection terminated');
			return await record(items, scope, ...rest);
		};
		await expect(claimEvent.call(execution(seen), 'evt_x', worker())).rejects.toThrow(
			'connection terminated',
		);
		expect(seen.rows.has('w/')).toBe(false);
	});

	it(`a lock left by a process that died is broken after ${LOCK_STALE_MS / 1000} s, once`, async () => {
		const seen = new MemoryDedupe();
		// A worker created the lock and died before deleting it.
		await seen.checkProcessedAndRecord([1], 'workflow', contextData, {
			mode: 'latestIncrementalKey',
		});
		expect(await claimEvent.call(execution(seen), 'evt_after_crash', worker())).toBe(true);
		expect(clock).toBeGreaterThanOrEqual(LOCK_STALE_MS);
		expect(clock).toBeLessThan(LOCK_STALE_MS + 1_000);
		expect(seen.rows.has('w/')).toBe(false);
	});

	it('a lock that cannot be taken even after breaking it fails the execution with a clear error', async () => {
		const seen = new MemoryDedupe();
		const lockRow = { mode: 'latestIncrementalKey', data: 1 };
		seen.rows.set('w/', lockRow);
		// Whatever deletes it, it is back at once (a stuck database, or a process looping).
		seen.clearAllProcessedItems = async () => {
			seen.rows.set('w/', lockRow);
		};
		await expect(claimEvent.call(execution(seen), 'evt_stuck', worker())).rejects.toThrow(
			'Could not record the event as processed',
		);
		expect(clock).toBeGreaterThanOrEqual(2 * LOCK_STALE_MS);
		expect(seen.list(contextData)).toHaveLength(0);
	});

	it("names the conflict when a Remove Duplicates node uses the workflow's dedupe slot", async () => {
		const seen = new MemoryDedupe();
		// Remove Duplicates with Scope "Workflow" and the default "Value Is New" keeps a list there.
		await seen.checkProcessedAndRecord(['crm-17'], 'workflow', contextData, { mode: 'entries' });
		const failure = claimEvent.call(execution(seen), 'evt_y', worker());
		await expect(failure).rejects.toThrow('Another node uses this workflow’s dedupe slot');
		await expect(failure).rejects.toMatchObject({
			description: expect.stringContaining('set its Scope to “Node”'),
		});
		// Their list is left as it was.
		expect(seen.rows.get('w/')?.data).toHaveLength(1);
		expect(clock).toBe(0);
	});
});
