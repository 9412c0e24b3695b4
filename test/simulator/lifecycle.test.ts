import type { AxiosInstance } from 'axios';

import { simClient, start, type Simulator, type SimulatorOptions } from './index';

/**
 * A conversation's progress over the virtual clock, as a poller of
 * `GET /v1/conversations/{id}` sees it (e.g. Call → Create waiting for the outcome): ringing
 * (`initiated`), answered (`in_progress`), then the outcome; and a conversation that only
 * appears some time after the call was accepted. No real sleeps: the tests move the clock.
 */

const T0 = Date.parse('2026-03-18T20:53:41.766Z');
const SUPPLIED_ID = 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1';

const callBody = (phone: string, extra: Record<string, unknown> = {}) => ({
	agent_id: 123,
	parameters: [{ name: 'customer_phone', value: phone }],
	...extra,
});

describe('simulator: conversation lifecycle over the clock', () => {
	let sim: Simulator;
	let api: AxiosInstance;

	const boot = async (options: SimulatorOptions): Promise<void> => {
		sim = await start({ now: T0, ...options });
		api = simClient(sim);
	};
	afterEach(async () => {
		await sim?.close();
		sim = undefined as unknown as Simulator;
	});

	/** Status that a poll at T0 + each offset sees (moves the clock forward to each offset). */
	const pollAt = async (id: string, offsets: number[]): Promise<Array<string | number>> => {
		const seen: Array<string | number> = [];
		for (const at of offsets) {
			await sim.clock.advance(T0 + at - sim.clock.now());
			const res = await api.get(`/v1/conversations/${id}`);
			seen.push(res.status === 200 ? (res.data.data.status as string) : res.status);
		}
		return seen;
	};

	it('an answered call rings (initiated), turns in_progress after ringMs, ends with its outcome', async () => {
		await boot({ ringMs: 5_000 });
		const res = await api.post(
			'/v1/call',
			callBody('+919876543210', { conversation_id: SUPPLIED_ID }),
		);
		// The create response is unchanged (documented): initiated.
		expect(res.data.data).toMatchObject({ status: 'initiated', conversation_id: SUPPLIED_ID });
		expect(await pollAt(SUPPLIED_ID, [0, 4_999, 5_000, 29_999, 30_000])).toEqual([
			'initiated',
			'initiated',
			'in_progress',
			'in_progress',
			'completed',
		]);
		const done = (await api.get(`/v1/conversations/${SUPPLIED_ID}`)).data.data;
		expect(done).toMatchObject({
			start_timestamp: T0,
			end_timestamp: T0 + 30_000,
			duration_seconds: 30,
			results: { intent: expect.any(String) },
		});
		// The list shows the same progression.
		const listed = (await api.get('/v1/conversations')).data.data[0];
		expect(listed).toMatchObject({ conversation_id: SUPPLIED_ID, status: 'completed' });
	});

	it.each([
		['+919876543215', 'no_answer'],
		['+919876543216', 'busy'],
		['+919876543217', 'failed'],
		['+919876543218', 'unreachable'],
		['+919876543219', 'telephony_failed'],
	])(
		'an unanswered call (%s) rings until it ends as %s, never in_progress',
		async (phone, outcome) => {
			await boot({ ringMs: 5_000 });
			await api.post('/v1/call', callBody(phone));
			const id = sim.callsPlaced()[0].conversation_id;
			expect(await pollAt(id, [0, 5_000, 29_999, 30_000])).toEqual([
				'initiated',
				'initiated',
				'initiated',
				outcome,
			]);
		},
	);

	it('socket_failure is answered first (the voice stream fails after pick-up)', async () => {
		await boot({ ringMs: 5_000 });
		await api.post('/v1/call', callBody('+919876543209'));
		const id = sim.callsPlaced()[0].conversation_id;
		expect(await pollAt(id, [0, 5_000, 30_000])).toEqual([
			'initiated',
			'in_progress',
			'socket_failure',
		]);
	});

	it('without ringMs (default) a call is in_progress from the start, as before', async () => {
		await boot({});
		await api.post('/v1/call', callBody('+919876543210', { conversation_id: SUPPLIED_ID }));
		expect(await pollAt(SUPPLIED_ID, [0, 29_999, 30_000])).toEqual([
			'in_progress',
			'in_progress',
			'completed',
		]);
	});

	it('a ringing call counts against the concurrency cap and can be ended by endCall', async () => {
		await boot({ ringMs: 5_000, maxConcurrentCalls: 1 });
		await api.post('/v1/call', callBody('+919876543210'));
		const busy = await api.post('/v1/call', callBody('+919876543211'));
		expect(busy.status).toBe(429);
		expect(busy.data.error).toMatchObject({
			type: 'concurrent_call_limit_exceeded',
			current_calls: 1,
		});

		const id = sim.callsPlaced()[0].conversation_id;
		await sim.clock.advance(1_000);
		await sim.endCall(id, 'no_answer');
		expect((await api.get(`/v1/conversations/${id}`)).data.data).toMatchObject({
			status: 'no_answer',
			end_timestamp: T0 + 1_000,
		});
		// The answer event that was due later changes nothing.
		await sim.clock.advance(10_000);
		expect((await api.get(`/v1/conversations/${id}`)).data.data.status).toBe('no_answer');
		expect((await api.post('/v1/call', callBody('+919876543211'))).status).toBe(200);
	});

	it('a forced outcome decides whether a ringing call is answered', async () => {
		await boot({ ringMs: 5_000 });
		// …5 would not answer; forcing completed before the answer time makes it pick up.
		await api.post('/v1/call', callBody('+919876543215'));
		const c = [...sim.state.conversations.values()][0];
		c.forced_status = 'completed';
		expect(await pollAt(c.conversation_id, [0, 5_000, 30_000])).toEqual([
			'initiated',
			'in_progress',
			'completed',
		]);
	});

	it('a scheduled call: scheduled → initiated at its time → in_progress → outcome', async () => {
		await boot({ ringMs: 2_000 });
		const due = T0 + 60_000;
		const res = await api.post(
			'/v1/call',
			callBody('+919876543210', { scheduled_for: new Date(due).toISOString() }),
		);
		const id = res.data.data.conversation_id as string;
		expect(await pollAt(id, [0, 59_999, 60_000, 62_000, 90_000])).toEqual([
			'scheduled',
			'scheduled',
			'initiated',
			'in_progress',
			'completed',
		]);
	});

	it('batch metrics count ringing calls as in progress', async () => {
		await boot({ ringMs: 5_000 });
		const batch = sim.seedBatch({ rows: 3 });
		await sim.clock.advance(1_000);
		const metrics = (await api.get(`/v1/batch-calls/${batch.id}/metrics`)).data.data;
		expect(metrics).toMatchObject({ in_progress_count: 3, total_processed: 0 });
	});

	it('conversationDelayMs: a new conversation is 404 and unlisted until it appears, then progresses', async () => {
		await boot({ conversationDelayMs: 2_000, ringMs: 1_000 });
		await api.post('/v1/call', callBody('+919876543210', { conversation_id: SUPPLIED_ID }));
		const early = await api.get(`/v1/conversations/${SUPPLIED_ID}`);
		expect(early.status).toBe(404);
		expect(early.data).toEqual({ error: { message: 'conversation not found', type: 'not_found' } });
		expect((await api.get('/v1/conversations')).data).toMatchObject({ data: [], total: 0 });
		expect((await api.get(`/v1/conversations/${SUPPLIED_ID}/recording`)).status).toBe(404);
		// It is a real call all along: placed and counted at once.
		expect(sim.callsPlaced()).toHaveLength(1);

		expect(await pollAt(SUPPLIED_ID, [1_999, 2_000, 30_000])).toEqual([
			404,
			'in_progress',
			'completed',
		]);
		expect((await api.get('/v1/conversations', { params: { agent_id: 123 } })).data.total).toBe(1);
	});

	it('seeded (already ended) conversations are visible at once even with conversationDelayMs', async () => {
		await boot({ conversationDelayMs: 60_000 });
		const [c] = sim.seedConversations(1);
		expect((await api.get(`/v1/conversations/${c.conversation_id}`)).status).toBe(200);
	});

	it('refuses negative timings', async () => {
		await expect(start({ ringMs: -1 })).rejects.toThrow('ringMs must be a number >= 0');
		await expect(start({ conversationDelayMs: Number.NaN })).rejects.toThrow(
			'conversationDelayMs must be a number >= 0',
		);
	});
});
