import type { IDataObject } from 'n8n-workflow';

import { pollDelay } from '../../nodes/FormantAi/actions/call/waitForOutcome';
import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { runtime } from '../../nodes/FormantAi/transport';
import type { Engine } from '../harness';
import { callRequests, registerNodeType, startEngine } from '../harness';
import type { SimulatorOptions } from '../simulator';

/**
 * Call → Create with Wait for Outcome, through n8n's engine and the simulator: calls ring
 * (`initiated`), are answered (`in_progress`) and end over the simulator's virtual clock; every
 * wait of the node moves that clock (no real sleeps).
 */

const call = (extra: IDataObject = {}) => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '+91 98765-43210',
	waitForOutcome: true,
	...extra,
});

const requests = (engine: Engine) => engine.sim.log.map((e) => `${e.method} ${e.path}`);

describe('Call → Create: Wait for Outcome', () => {
	let engine: Engine;
	const boot = async (options: SimulatorOptions = {}) => {
		engine = await startEngine({ ringMs: 5_000, callDurationMs: 30_000, ...options });
	};
	afterEach(async () => {
		await engine?.close();
	});

	it('outputs the ended conversation like Conversation → Get with Simplify, linked to its item', async () => {
		await boot();
		const result = await engine.run(call({ outcomePollInterval: 10 }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [placed] = engine.sim.callsPlaced();
		const json = result.items[0].json;
		expect(json).toMatchObject({
			conversation_id: placed.conversation_id,
			trace_id: placed.trace_id,
			status: 'completed',
			duration_seconds: 30,
			failure_reason: null,
			result_intent: expect.any(String),
			result_sentiment: expect.any(String),
			transcript: expect.stringMatching(/^Agent: Hello there.*\nCustomer: Yes, I can talk\./),
			customer_phone: '+919876543210',
			idempotency_key: expect.any(String),
			timed_out: false,
		});
		expect(json.started_at).toBe(new Date(placed.at).toISOString().replace('.000Z', 'Z'));
		expect(json.transcript_turns).toHaveLength(4);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		// Polls at 10 s (found by trace_id, answered), 25 s (live) and 47.5 s (ended).
		expect(engine.sleeps).toEqual([10_000, 15_000, 22_500]);
		expect(callRequests(engine.sim)).toHaveLength(1);
		expect(requests(engine).filter((r) => r === 'POST /v1/call')).toHaveLength(1);
	});

	it('outputs the raw record with Simplify off', async () => {
		await boot();
		const result = await engine.run(call({ simplify: false }));
		expect(result.items[0].json).toMatchObject({
			status: 'completed',
			results: { intent: expect.any(String) },
			transcript: expect.arrayContaining([{ role: 'human', message: 'Yes, I can talk.' }]),
			timed_out: false,
		});
	});

	it('backs off: Poll Interval, then ×1.5 each time up to 60 s; the last wait stops at Max Wait', () => {
		expect([0, 1, 2, 3, 4, 5, 6].map((n) => pollDelay(10_000, n))).toEqual([
			10_000, 15_000, 22_500, 33_750, 50_625, 60_000, 60_000,
		]);
		expect(pollDelay(90_000, 3)).toBe(90_000);
	});

	it('on timeout outputs the call with timed_out: true and its last known status, never failing', async () => {
		await boot({ callDurationMs: 3_600_000 });
		const result = await engine.run(call({ outcomeMaxWait: 120 }));
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({
			status: 'in_progress',
			timed_out: true,
			waited_seconds: 120,
			trace_id: engine.sim.callsPlaced()[0].trace_id,
			conversation_id: engine.sim.callsPlaced()[0].conversation_id,
			message: expect.stringContaining('Conversation → Get'),
		});
		expect(engine.sleeps).toEqual([10_000, 15_000, 22_500, 33_750, 38_750]);
		expect(callRequests(engine.sim)).toHaveLength(1);
	});

	it('treats a status it does not know as still running, until the deadline', async () => {
		await boot({ callDurationMs: 3_600_000 });
		const sleep = runtime.sleep;
		runtime.sleep = async (ms, signal) => {
			await sleep(ms, signal);
			const [placed] = engine.sim.callsPlaced();
			const live = engine.sim.state.conversations.get(placed.conversation_id);
			if (live) (live as { status: string }).status = 'post_processing';
		};
		const result = await engine.run(call({ outcomeMaxWait: 60 }));
		expect(result.items[0].json).toMatchObject({ status: 'post_processing', timed_out: true });
		const detailReads = requests(engine).filter((r) => /^GET \/v1\/conversations\/.+/.test(r));
		expect(detailReads.length).toBeGreaterThanOrEqual(3);
	});

	it('finds a conversation that FormantAI shows only some time after the call', async () => {
		await boot({ conversationDelayMs: 12_000 });
		const result = await engine.run(call());
		expect(result.items[0].json).toMatchObject({ status: 'completed', timed_out: false });
		// At 10 s the list does not show it yet; at 25 s it does.
		expect(requests(engine).slice(0, 3)).toEqual([
			'POST /v1/call',
			'GET /v1/conversations',
			'GET /v1/conversations',
		]);
	});

	it('with a Conversation ID the answer names, reads that conversation directly', async () => {
		await boot();
		const id = 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1';
		const result = await engine.run(call({ options: { conversationId: id } }));
		expect(result.items[0].json).toMatchObject({ conversation_id: id, status: 'completed' });
		expect(requests(engine)).not.toContain('GET /v1/conversations');
	});

	it('keeps each outcome linked to its input item, one call per item', async () => {
		await boot();
		const input = ['+919876543210', '+919876543215', '+14155552676'].map((phone) => ({
			json: { phone },
		}));
		const result = await engine.run(call({ customerPhone: '={{ $json.phone }}' }), { input });
		expect(result.items.map((i) => [i.pairedItem, i.json.contact_number, i.json.status])).toEqual([
			[{ item: 0 }, '+919876543210', 'completed'],
			[{ item: 1 }, '+919876543215', 'no_answer'],
			[{ item: 2 }, '+14155552676', 'busy'],
		]);
		expect(engine.sim.callsPlaced()).toHaveLength(3);
	});

	it.each([
		[
			'a scheduled call',
			{ schedule: 'at', scheduledFor: '2026-03-19T10:00:00Z' },
			/^Wait for Outcome: cannot wait for a scheduled call \(it rings at 2026-03-19T10:00:00Z.*no call was placed \[item 0\]$/,
		],
		[
			'a call the Calling Window moves to its next opening',
			{
				safety: {
					callingWindow: {
						window: {
							days: [],
							start: '01:00',
							end: '02:00',
							outside: 'schedule',
							timeZone: 'UTC',
						},
					},
				},
			},
			/^Wait for Outcome: cannot wait for a scheduled call \(it rings at 2026-03-19T01:00:00Z.*\[item 0\]$/,
		],
		[
			'Poll Interval 0',
			{ outcomePollInterval: 0 },
			/^Poll Interval \(Seconds\): must be .*\[item 0\]$/,
		],
		[
			'Max Wait over an hour',
			{ outcomeMaxWait: 7200 },
			/^Max Wait for Outcome \(Seconds\): must be a number of seconds from 1 to 3600/,
		],
	])('refuses %s before anything is sent', async (_, extra, message) => {
		await boot();
		const result = await engine.run(call(extra));
		expect(result.error?.message).toMatch(message);
		expect(engine.sim.log).toHaveLength(0);
	});

	it('names the item when a later item is refused, and calls none', async () => {
		await boot();
		const input = [{ json: { when: 'immediate' } }, { json: { when: 'at' } }];
		const result = await engine.run(
			call({ schedule: '={{ $json.when }}', scheduledFor: '2026-03-19T10:00:00Z' }),
			{ input },
		);
		expect(result.error?.message).toMatch(/^Wait for Outcome: .*\[item 1\]$/);
		expect(engine.sim.log).toHaveLength(0);
	});

	it('says clearly that it was cancelled while waiting, and that the call was placed', async () => {
		await boot();
		let cancel: () => void = () => {};
		runtime.sleep = async (ms, signal) => {
			cancel();
			await engine.sim.clock.advance(ms);
			if (signal?.aborted) throw new Error('aborted');
		};
		const result = await engine.run(call(), {
			onStarted: (fn) => {
				cancel = fn;
			},
		});
		expect(result.error?.message).toMatch(
			/^The execution was cancelled while waiting for the outcome of call [0-9a-f-]{36}$/,
		);
		expect((result.error as { description?: string }).description).toContain('The call was placed');
		expect(requests(engine)).toEqual(['POST /v1/call']);
	});

	it('a failing poll outputs the placed call with the error and never dials again', async () => {
		await boot();
		engine.sim.faults.add({
			method: 'GET',
			path: '/v1/conversations',
			kind: 'error500',
			count: 1000,
		});
		const result = await engine.run(call(), { retryOnFail: { maxTries: 3 } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			status: 'initiated',
			trace_id: engine.sim.callsPlaced()[0].trace_id,
			timed_out: false,
			wait_error: expect.stringContaining('internal server error'),
			message: expect.stringContaining('do not run this item again'),
		});
		expect(callRequests(engine.sim)).toHaveLength(1);
		expect(engine.sim.callsPlaced()).toHaveLength(1);
	});

	it('is off by default: the accepted call is output at once', async () => {
		await boot();
		const result = await engine.run(call({ waitForOutcome: undefined }));
		expect(result.items[0].json).toMatchObject({ status: 'initiated', conversation_id: null });
		expect(result.items[0].json).not.toHaveProperty('timed_out');
		expect(requests(engine)).toEqual(['POST /v1/call']);
	});

	describe('as an AI agent tool', () => {
		beforeAll(() => {
			registerNodeType('formantAiTool', new FormantAi());
		});

		it('gives the agent the compact outcome of the call in the same run', async () => {
			await boot();
			const result = await engine.run(call({ safety: { allowedDestinations: '+91' } }), {
				type: 'formantAiTool',
			});
			expect(result.error).toBeUndefined();
			const json = result.items[0].json;
			expect(json).toMatchObject({
				status: 'completed',
				result_intent: expect.any(String),
				transcript: expect.stringContaining('Customer:'),
				timed_out: false,
			});
			expect(json).not.toHaveProperty('transcript_turns');
			expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThan(2048);
		});
	});
});
