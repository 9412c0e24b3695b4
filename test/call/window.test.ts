import type { INodeParameters } from 'n8n-workflow';

import type { Engine } from '../harness';
import { callRequests, startEngine } from '../harness';
import type { SimulatorOptions } from '../simulator';

/**
 * The Calling Window is decided when each call is sent, on the node's clock (the simulator's
 * virtual clock here: every wait of the node moves it). The engine starts on Wednesday
 * 2026-03-18 at 10:00 UTC; the windows below close at 10:01 UTC, so any wait longer than a
 * minute crosses the window's end.
 */

const closesAt1001 = (outside: string) => ({
	callingWindow: {
		window: { days: [], start: '09:00', end: '10:01', timeZone: 'UTC', outside },
	},
});

const call = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '={{ $json.phone }}',
	...extra,
});

const phones = (...numbers: string[]) => numbers.map((phone) => ({ json: { phone } }));

describe('Calling Window: decided when each call is sent', () => {
	let engine: Engine;
	const boot = async (options: SimulatorOptions = {}) => {
		engine = await startEngine(options);
	};
	afterEach(async () => {
		await engine.close();
	});

	describe('Wait for Free Slot across the end of the window', () => {
		// One live call holds the only slot until 10:02.
		const busy = async () => {
			await boot({ maxConcurrentCalls: 1, callDurationMs: 120_000 });
			await engine.run(call(), { input: phones('+14155552671') });
			engine.sim.clearLog();
		};
		const waiting = (outside: string) =>
			call({
				safety: closesAt1001(outside),
				options: { waitForFreeSlot: true, maxWaitSeconds: 600 },
			});

		it('fail: the slot frees after 10:01, so the call is refused and never rings', async () => {
			await busy();
			const result = await engine.run(waiting('fail'), { input: phones('+919876543210') });
			expect(result.error?.message).toMatch(
				/^Calling Window: Now \(2026-03-18T10:0[1-9]:\d\dZ\) is outside the calling window every day 09:00–10:01 \(UTC\); no call was placed \[item 0\]$/,
			);
			expect(engine.sim.callsPlaced()).toHaveLength(1);
			// It did try while the window was open: the slot was full then.
			expect(callRequests(engine.sim).length).toBeGreaterThan(0);
		});

		it('schedule: the call is sent for the next opening, not dialled at once', async () => {
			await busy();
			const result = await engine.run(waiting('schedule'), { input: phones('+919876543210') });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({
				status: 'scheduled',
				scheduled_for: '2026-03-19T09:00:00Z',
			});
			const last = callRequests(engine.sim).at(-1);
			expect(last?.body).toMatchObject({ scheduled_for: '2026-03-19T09:00:00Z' });
		});
	});

	it('Wait for Outcome on several items: the item sent after 10:01 is skipped', async () => {
		await boot({ ringMs: 5_000, callDurationMs: 30_000 });
		const result = await engine.run(
			call({ safety: closesAt1001('skip'), waitForOutcome: true, outcomePollInterval: 10 }),
			{ input: phones('+919876543210', '+919876543211', '+919876543212') },
		);
		expect(result.error).toBeUndefined();
		// Each outcome takes 47.5 s: item 1 is sent at 10:00:47, item 2 at 10:01:35.
		expect(result.items.map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'skipped',
		]);
		expect(result.items[2].json).toMatchObject({
			customer_phone: '+919876543212',
			next_window_opens_at: '2026-03-19T09:00:00Z',
			reason: expect.stringMatching(/^Now \(2026-03-18T10:01:35Z\) is outside the calling window/),
		});
		expect(engine.sim.callsPlaced().map((c) => c.phone)).toEqual([
			'+919876543210',
			'+919876543211',
		]);
	});

	it('a schedule computed before a wait is not sent stale: inside the window by then, the call is placed now', async () => {
		await boot({ ringMs: 5_000, callDurationMs: 120_000 });
		// Item 0 is always inside its window and waits for its outcome (about 2.5 minutes);
		// item 1's window opens at 10:01, so at 10:00 it would have been scheduled for 10:01.
		const result = await engine.run(
			call({
				waitForOutcome: '={{ $itemIndex === 0 }}',
				outcomePollInterval: 10,
				safety: {
					callingWindow: {
						window: {
							days: [],
							start: '={{ $itemIndex === 0 ? "00:00" : "10:01" }}',
							end: '={{ $itemIndex === 0 ? "24:00" : "12:00" }}',
							timeZone: 'UTC',
							outside: 'schedule',
						},
					},
				},
			}),
			{ input: phones('+919876543210', '+919876543211') },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(result.items[1].json).toMatchObject({ status: 'initiated', scheduled_for: null });
		expect(callRequests(engine.sim)[1].body).not.toHaveProperty('scheduled_for');
	});

	it('a Scheduled For that has passed while the node waited is refused, not sent', async () => {
		await boot({ ringMs: 5_000, callDurationMs: 120_000 });
		const result = await engine.run(
			call({
				waitForOutcome: '={{ $itemIndex === 0 }}',
				schedule: '={{ $itemIndex === 0 ? "immediate" : "at" }}',
				scheduledFor: '2026-03-18T10:01:00Z',
			}),
			{ input: phones('+919876543210', '+919876543211') },
		);
		expect(result.error?.message).toMatch(
			/^Scheduled For: 2026-03-18T10:01:00Z is not in the future \(now is 2026-03-18T10:0[2-9]:[\d.]+Z\) when the call was about to be sent; no call was placed \[item 1\]$/,
		);
		expect(callRequests(engine.sim)).toHaveLength(1);
	});

	it('an item already outside its window (fail) still fails the run before the first call', async () => {
		await boot();
		const result = await engine.run(
			call({
				safety: {
					callingWindow: {
						window: {
							days: [],
							start: '={{ $itemIndex === 2 ? "11:00" : "09:00" }}',
							end: '12:00',
							timeZone: 'UTC',
							outside: 'fail',
						},
					},
				},
			}),
			{ input: phones('+919876543210', '+919876543211', '+919876543212') },
		);
		expect(result.error?.message).toMatch(/^Calling Window: Now .*\[item 2\]$/);
		expect(engine.sim.log).toHaveLength(0);
	});

	it('with a window, a lost answer is still sent again with the same key (one call)', async () => {
		await boot();
		engine.sim.faults.add({ path: '/v1/call', kind: 'error500', after: true });
		const result = await engine.run(call({ safety: closesAt1001('fail') }), {
			input: phones('+919876543210'),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.duplicate).toBe(true);
		expect(callRequests(engine.sim)).toHaveLength(2);
		expect(engine.sim.callsPlaced()).toHaveLength(1);
	});
});
