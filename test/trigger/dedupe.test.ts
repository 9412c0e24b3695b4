import { mock } from 'jest-mock-extended';
import type { IDataObject, IExecuteFunctions, NodeTypeAndVersion } from 'n8n-workflow';

import {
	claimEvent,
	type Claims,
	GATHER_MS,
	LOCK_STALE_MS,
	OVERLAP_WITHIN_MS,
} from '../../nodes/FormantAiTrigger/dedupe';
import { dedupeHelpers, nodeWithDefaults } from './context';
import { MemoryDedupe } from './dedupeStore';
import { VirtualTime } from './virtualTime';

const node = nodeWithDefaults();
const contextData = { node, workflow: { id: 'w', active: true } };

let time: VirtualTime;

type Phase = 'send' | 'answer';

interface ExecutionOptions {
	/**
	 * Awaited before each call reaches the store and before its answer reaches the execution (a
	 * stuck connection, a process that stalls, one that died).
	 */
	transit?: (phase: Phase, name: string, args: unknown[]) => Promise<void>;
	/** The nodes after the trigger, as n8n's getChildNodes reports them. */
	children?: NodeTypeAndVersion[];
}

/** One execution's context, claiming in the given store. */
function execution(seen: MemoryDedupe, options: ExecutionOptions = {}): IExecuteFunctions {
	const ctx = mock<IExecuteFunctions>({
		getNode: () => node,
		getWorkflow: () => ({ id: 'w', active: true }),
		getChildNodes: () => options.children ?? [],
		logger: mock<IExecuteFunctions['logger']>(),
	});
	const helpers = dedupeHelpers(seen, node);
	const transit = options.transit;
	if (transit) {
		for (const [name, helper] of Object.entries(helpers)) {
			const call = helper as (...args: unknown[]) => Promise<unknown>;
			Object.assign(helpers, {
				[name]: async (...args: unknown[]) => {
					await transit('send', name, args);
					const answer = await call(...args);
					await transit('answer', name, args);
					return answer;
				},
			});
		}
	}
	Object.assign(ctx.helpers, helpers);
	return ctx;
}

/** A process: its own waiting claims, as each n8n worker has its own copy of the module. */
const worker = (): Claims => new Map();

/** A database round trip between every read and write: a few turns for other claims to run. */
const roundTrip = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

const claim = async (seen: MemoryDedupe, id: string, claims: Claims, options?: ExecutionOptions) =>
	await claimEvent.call(execution(seen, options), id, claims);

beforeEach(() => {
	time = new VirtualTime().install();
});
afterEach(() => time.uninstall());

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
		const won = await time.run(Promise.all(claims));
		const winners = [...ids, ...ids].filter((_, n) => won[n]);
		expect(winners.sort()).toEqual([...ids].sort());
		expect(seen.list(contextData)).toHaveLength(20);
		// The lock is released: the workflow slot is empty again.
		expect(seen.rows.has('w/')).toBe(false);
		// A later re-send of any of them is refused on either worker.
		expect(await time.run(claim(seen, 'evt_q7', workers[0]))).toBe(false);
		expect(await time.run(claim(seen, 'evt_q7', workers[1]))).toBe(false);
	});

	it('a burst in one process goes to the store together: 100 claims, 1 write of the ID list', async () => {
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
		const won = await time.run(
			Promise.all([...ids, ...ids].map(async (id) => await claim(seen, id, one))),
		);
		expect(won.filter(Boolean)).toHaveLength(50);
		expect(won.slice(0, 50).every(Boolean)).toBe(true);
		// The batch is taken once the lock is held: all 100 claims go as one, each ID once.
		expect(sizes).toEqual([50]);
		expect([...one.values()].map((slot) => [slot.waiting.length, slot.busy])).toEqual([[0, false]]);
	});

	it('claims that arrive while another process holds the lock go in one write', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		const sizes: number[] = [];
		const slowWrite: ExecutionOptions = {
			transit: async (phase, name, args) => {
				if (phase === 'send' && name === 'checkProcessedAndRecord' && args[1] === 'node') {
					sizes.push((args[0] as unknown[]).length);
					await time.sleep(1_000);
				}
			},
		};
		const [a, b] = [worker(), worker()];
		const first = claim(seen, 'evt_a0', a, slowWrite);
		// Worker B gets ten events, one after another, while A holds the lock.
		const later = Array.from({ length: 10 }, async (_, i) => {
			await time.sleep(10 + i * 50);
			return await claim(seen, `evt_b${i}`, b, slowWrite);
		});
		const won = await time.run(Promise.all([first, ...later]));
		expect(won.every(Boolean)).toBe(true);
		expect(sizes).toEqual([1, 10]);
		expect(seen.list(contextData)).toHaveLength(11);
	});

	it('overlapping executions on a worker (a claim every 100 ms, each store call 20 ms) wait for company: 20 claims, 7 writes (20 without the wait)', async () => {
		const seen = new MemoryDedupe();
		const sizes: number[] = [];
		const slowStore: ExecutionOptions = {
			transit: async (phase, name, args) => {
				if (phase !== 'send') return;
				if (name === 'checkProcessedAndRecord' && args[1] === 'node') {
					sizes.push((args[0] as unknown[]).length);
				}
				await time.sleep(20);
			},
		};
		const one = worker();
		const waited: number[] = [];
		const claims = Array.from({ length: 20 }, async (_, i) => {
			await time.sleep(i * 100);
			const arrived = time.now;
			const won = await claim(seen, `evt_o${i}`, one, slowStore);
			waited.push(time.now - arrived);
			return won;
		});
		const won = await time.run(Promise.all(claims));
		expect(won.every(Boolean)).toBe(true);
		expect(seen.list(contextData)).toHaveLength(20);
		// A batch takes 5 store calls (100 ms): without the wait, each claim finds the last written
		// and goes alone. With it, the first goes alone and then 2 to 4 go together.
		expect(sizes).toEqual([1, 3, 4, 3, 4, 3, 2]);
		// No claim waits more than the gathering wait plus the batch before it and its own.
		expect(Math.max(...waited)).toBeLessThanOrEqual(GATHER_MS + 2 * 5 * 20);
	});

	it('claims that come one at a time (each after the last was written) never wait', async () => {
		const seen = new MemoryDedupe();
		const one = worker();
		const won: boolean[] = [];
		await time.run(
			(async () => {
				for (let i = 0; i < 10; i++) won.push(await claim(seen, `evt_s${i}`, one));
			})(),
		);
		expect(won.every(Boolean)).toBe(true);
		expect(time.now).toBe(0);
	});

	it('a claim after executions stopped overlapping goes at once', async () => {
		const seen = new MemoryDedupe();
		const one = worker();
		await time.run(Promise.all([0, 1, 2].map(async (i) => await claim(seen, `evt_p${i}`, one))));
		await time.run(time.until(time.now + OVERLAP_WITHIN_MS));
		const before = time.now;
		await time.run(claim(seen, 'evt_later', one));
		expect(time.now).toBe(before);
	});

	it('the first claim ever, on two processes at once: one creates the lock row, the other waits and follows', async () => {
		const seen = new MemoryDedupe();
		seen.pause = roundTrip;
		const [a, b] = await time.run(
			Promise.all([claim(seen, 'evt_first', worker()), claim(seen, 'evt_other', worker())]),
		);
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
		await expect(time.run(claim(seen, 'evt_x', worker()))).rejects.toThrow(
			'connection terminated',
		);
		expect(seen.rows.has('w/')).toBe(false);
	});

});

/** An event accepted earlier: the ID list exists, so every claim reads it and writes it back. */
async function withHistory(seen: MemoryDedupe): Promise<MemoryDedupe> {
	await seen.checkProcessedAndRecord(['evt_0'], 'node', contextData, { mode: 'entries' });
	return seen;
}

const never = async () => await new Promise<void>(() => undefined);
const isListWrite = (name: string, args: unknown[]) =>
	name === 'checkProcessedAndRecord' && args[1] === 'node';

/** A process that dies holding the lock: everything from its ID list write on never arrives. */
function diesHoldingTheLock(): ExecutionOptions {
	let dead = false;
	return {
		transit: async (phase, name, args) => {
			if (phase === 'send' && isListWrite(name, args)) dead = true;
			if (dead) await never();
		},
	};
}

/** The IDs a re-send of which would be refused now, on a fresh process. */
async function refused(seen: MemoryDedupe, ids: string[]): Promise<string[]> {
	const out: string[] = [];
	for (const id of ids) if (!(await time.run(claim(seen, id, worker())))) out.push(id);
	return out;
}

describe('the lock under stalls (a holder judged dead only by its own silence)', () => {
	it(`a lock left by a process that died is broken after ${LOCK_STALE_MS / 1000} s`, async () => {
		const seen = new MemoryDedupe();
		void claim(seen, 'evt_dead', worker(), diesHoldingTheLock());
		const after = (async () => {
			await time.until(100);
			return await claim(seen, 'evt_after_crash', worker());
		})();
		expect(await time.run(after)).toBe(true);
		expect(time.now).toBeGreaterThanOrEqual(LOCK_STALE_MS);
		expect(time.now).toBeLessThan(LOCK_STALE_MS + 2_000);
		expect(seen.rows.has('w/')).toBe(false);
	});

	it('a live holder whose write is held 40 s keeps the lock: no ID is lost, no event runs twice', async () => {
		const seen = await withHistory(new MemoryDedupe());
		// Holder A's write of the ID list is held 40 s (a slow database round trip); A itself is alive.
		seen.pause = async (_scope, items) => {
			if (items.includes('evt_a')) await time.sleep(40_000);
			else await roundTrip();
		};
		const a = worker();
		const b = worker();
		const bIds = ['evt_b1', 'evt_b2', 'evt_b3', 'evt_b4', 'evt_b5'];
		const won = await time.run(
			Promise.all([
				claim(seen, 'evt_a', a),
				(async () => {
					await time.until(1_000);
					return await Promise.all(bIds.map(async (id) => await claim(seen, id, b)));
				})(),
			]),
		);
		expect(won).toEqual([true, [true, true, true, true, true]]);
		// B waited for A instead of taking the lock from it.
		expect(time.now).toBeGreaterThanOrEqual(40_000);
		expect(seen.list(contextData)).toHaveLength(7);
		seen.pause = roundTrip;
		expect(await refused(seen, ['evt_a', ...bIds])).toEqual(['evt_a', ...bIds]);
	});

	it('two processes breaking a dead lock at once: one claims at a time, no ID is lost', async () => {
		const seen = await withHistory(new MemoryDedupe());
		// Round trips take time: 2 ms for the lock, 20 ms for the ID list, 10 ms for a delete.
		seen.pause = async (scope) => await time.sleep(scope === 'node' ? 20 : 2);
		seen.beforeDelete = async () => await time.sleep(10);
		void claim(seen, 'evt_dead', worker(), diesHoldingTheLock());
		const won = await time.run(
			Promise.all([
				(async () => {
					await time.until(100);
					return await claim(seen, 'evt_1', worker());
				})(),
				(async () => {
					await time.until(105);
					return await claim(seen, 'evt_2', worker());
				})(),
			]),
		);
		expect(won).toEqual([true, true]);
		expect(seen.list(contextData)).toHaveLength(3);
		expect(await refused(seen, ['evt_1', 'evt_2'])).toEqual(['evt_1', 'evt_2']);
		expect(seen.rows.has('w/')).toBe(false);
	});

	it("a stalled holder's release after its lock was broken leaves the new holder's lock alone", async () => {
		const seen = await withHistory(new MemoryDedupe());
		// B's write of the ID list is slow (20 s); the others' take a round trip.
		seen.pause = async (_scope, items) => {
			if (items.includes('evt_b')) await time.sleep(20_000);
			else await roundTrip();
		};
		// D records its event, then its process stalls until +40 s, with its release on the way.
		let wrote = false;
		const stalled: ExecutionOptions = {
			transit: async (phase, name, args) => {
				if (phase === 'send' && wrote) await time.until(40_000);
				if (phase === 'answer' && isListWrite(name, args)) wrote = true;
			},
		};
		const won = await time.run(
			Promise.all([
				claim(seen, 'evt_d', worker(), stalled),
				(async () => {
					await time.until(100);
					return await claim(seen, 'evt_b', worker());
				})(),
				(async () => {
					await time.until(41_000);
					return await claim(seen, 'evt_c', worker());
				})(),
			]),
		);
		expect(won).toEqual([true, true, true]);
		seen.pause = roundTrip;
		expect(await refused(seen, ['evt_d', 'evt_b', 'evt_c'])).toEqual(['evt_d', 'evt_b', 'evt_c']);
	});

	it('a holder silent for longer than the limit does not write: its claim fails with a clear error', async () => {
		const seen = await withHistory(new MemoryDedupe());
		// B's write of the ID list is slow (20 s): B still holds the lock when D wakes up.
		seen.pause = async (_scope, items) => {
			if (items.includes('evt_b')) await time.sleep(20_000);
			else await roundTrip();
		};
		// The answer to D's taking of the lock reaches it only at +40 s (its process stalled).
		let answered = false;
		const stalled: ExecutionOptions = {
			transit: async (phase, name, args) => {
				if (phase !== 'answer' || answered || args[1] !== 'workflow') return;
				if (name !== 'checkProcessedAndRecord') return;
				answered = true;
				await time.until(40_000);
			},
		};
		const d = claim(seen, 'evt_d', worker(), stalled).then(
			(won) => ({ won }),
			(error: unknown) => ({ error }),
		);
		const b = (async () => {
			await time.until(100);
			return await claim(seen, 'evt_b', worker());
		})();
		const [dOutcome, bWon] = await time.run(Promise.all([d, b]));
		expect(bWon).toBe(true);
		expect(dOutcome).toMatchObject({
			error: {
				message: 'Could not record the event as processed',
				description: expect.stringContaining('without reaching n8n’s database'),
			},
		});
		// Only B's event is recorded; D's execution stopped (it is re-sent by FormantAI or shows as failed).
		expect(seen.list(contextData)).toHaveLength(2);
		expect(await refused(seen, ['evt_b'])).toEqual(['evt_b']);
	});

	it('a holder that stays alive but never finishes: the waiter gives up with a clear error', async () => {
		const seen = new MemoryDedupe();
		seen.pause = async (_scope, items) => {
			if (items.includes('evt_stuck')) await never();
			else await roundTrip();
		};
		void claim(seen, 'evt_stuck', worker());
		await expect(time.run(claim(seen, 'evt_waiting', worker()))).rejects.toMatchObject({
			message: 'Could not record the event as processed',
			description: expect.stringContaining('is still alive'),
		});
		expect(time.now).toBeGreaterThanOrEqual(2 * LOCK_STALE_MS);
	});

	it('a store that fails is reported as itself at once, not as a busy lock', async () => {
		const seen = new MemoryDedupe();
		const down = async () => {
			throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
		};
		seen.checkProcessedAndRecord = down;
		seen.getProcessedDataCount = down;
		await expect(time.run(claim(seen, 'evt_x', worker()))).rejects.toMatchObject({
			description: expect.stringContaining('connect ECONNREFUSED 127.0.0.1:5432'),
		});
		expect(time.now).toBeLessThan(1_000);
	});
});

/** A Remove Duplicates node after the trigger, as n8n's getChildNodes reports it. */
function removeDuplicates(parameters: IDataObject, name = 'Remove Duplicates'): NodeTypeAndVersion {
	return {
		name,
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		disabled: false,
		parameters: parameters as NodeTypeAndVersion['parameters'],
	};
}

describe("another node using the workflow's dedupe slot (Remove Duplicates, Scope “Workflow”)", () => {
	const stored = {
		'Value Is New': { mode: 'entries', data: ['crm-17', 'crm-18'] },
		'Value Is Higher': { mode: 'latestIncrementalKey', data: 1742292000 },
		'Date Is Later': { mode: 'latestDate', data: '2026-03-18T10:00:00.000Z' },
	} as const;

	it.each(Object.entries(stored))(
		'its “%s” history, found in the store: refused by name, never deleted or changed',
		async (_logic, row) => {
			const seen = new MemoryDedupe();
			const theirs = JSON.parse(JSON.stringify(row)) as { mode: string; data: string[] | number };
			seen.rows.set('w/', theirs);
			const failure = time.run(claim(seen, 'evt_y', worker()));
			await expect(failure).rejects.toThrow('Another node uses this workflow’s dedupe slot');
			await expect(failure).rejects.toMatchObject({
				description: expect.stringContaining('set that node’s Scope to “Node”'),
			});
			expect(seen.rows.get('w/')).toEqual(row);
			// Nothing recorded for the trigger either: the event is not silently marked.
			expect(seen.list(contextData)).toHaveLength(0);
		},
	);

	it('a history in the workflow slot other than a list is refused at once (no wait)', async () => {
		const seen = new MemoryDedupe();
		seen.rows.set('w/', { mode: 'latestIncrementalKey', data: 1742292000 });
		await expect(time.run(claim(seen, 'evt_y', worker()))).rejects.toThrow(
			'Another node uses this workflow’s dedupe slot',
		);
		expect(time.now).toBeLessThan(1_000);
	});

	const operations: Array<[string, IDataObject]> = [
		['Value Is New', { operation: 'removeItemsSeenInPreviousExecutions' }],
		[
			'Value Is Higher',
			{
				operation: 'removeItemsSeenInPreviousExecutions',
				logic: 'removeItemsUpToStoredIncrementalKey',
			},
		],
		[
			'Date Is Later',
			{ operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsUpToStoredDate' },
		],
		['Clear Deduplication History', { operation: 'clearDeduplicationHistory' }],
	];

	it.each(operations)(
		'one after the trigger (%s) is named before the store is touched',
		async (_what, parameters) => {
			const seen = new MemoryDedupe();
			const children = [
				removeDuplicates({ ...parameters, options: { scope: 'workflow' } }, 'Skip Known Leads'),
			];
			const failure = time.run(claim(seen, 'evt_y', worker(), { children }));
			await expect(failure).rejects.toThrow(
				'The node “Skip Known Leads” uses this workflow’s dedupe slot',
			);
			expect(seen.rows.size).toBe(0);
		},
	);

	it('one with Scope “Node” (the default), or disabled, is no conflict', async () => {
		const seen = new MemoryDedupe();
		const children = [
			removeDuplicates({ operation: 'removeItemsSeenInPreviousExecutions', options: {} }),
			{
				...removeDuplicates(
					{ operation: 'clearDeduplicationHistory', options: { scope: 'workflow' } },
					'Old Cleanup',
				),
				disabled: true,
			},
		];
		expect(await time.run(claim(seen, 'evt_y', worker(), { children }))).toBe(true);
	});
});
