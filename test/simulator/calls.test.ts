import { outcomeForNumber, simClient, start } from './index';
import { useSimulator } from './useSimulator';

const T0 = Date.parse('2026-03-18T20:53:41.766Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const phoneParams = (phone: string, extra: Record<string, string> = {}) => [
	{ name: 'customer_phone', value: phone },
	...Object.entries(extra).map(([name, value]) => ({ name, value })),
];

describe('simulator: POST /v1/call', () => {
	const env = useSimulator({ now: T0 });

	it('answers the documented immediate-call example', async () => {
		const res = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: phoneParams('+919876543210', { customer_name: 'Rahul' }),
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		expect(res.data).toEqual({
			data: {
				agent_id: 123,
				conversation_id: null,
				scheduled_for: null,
				status: 'initiated',
				trace_id: expect.stringMatching(UUID),
			},
		});
		const placed = env.sim.callsPlaced();
		expect(placed).toHaveLength(1);
		expect(placed[0]).toMatchObject({
			phone: '+919876543210',
			agent_id: 123,
			trace_id: res.data.data.trace_id,
			idempotency_key: null,
			source: 'immediate',
		});
		expect(placed[0].conversation_id).toMatch(/^[0-9a-f-]{36}_1$/);
	});

	it('answers the documented scheduled-call example and echoes retry_context', async () => {
		const retry_context = {
			collected_data: {},
			retry_initial_message: 'We missed you on the last call, would you like to reschedule?',
			retry_language: 'en-US',
			retry_stage_id: 'stage_02',
		};
		const res = await env.api.post('/v1/call', {
			agent_id: 456,
			parameters: phoneParams('+14155552671'),
			scheduled_for: '2026-03-19T14:00:00Z',
			retry_context,
		});
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			data: {
				agent_id: 456,
				conversation_id: expect.stringMatching(/^[0-9a-f-]{36}_1$/),
				retry_context,
				scheduled_for: '2026-03-19T14:00:00Z',
				status: 'scheduled',
				trace_id: expect.stringMatching(UUID),
			},
		});
		expect(env.sim.callsPlaced()).toHaveLength(0);
		const id = res.data.data.conversation_id as string;
		expect((await env.api.get(`/v1/conversations/${id}`)).data.data.status).toBe('scheduled');

		// Not dialled one ms early; dialled at the time, ended callDurationMs later.
		const due = Date.parse('2026-03-19T14:00:00Z');
		await env.sim.clock.advance(due - T0 - 1);
		expect(env.sim.callsPlaced()).toHaveLength(0);
		await env.sim.clock.advance(1);
		expect(env.sim.callsPlaced()).toMatchObject([
			{ conversation_id: id, source: 'scheduled', at: due },
		]);
		expect((await env.api.get(`/v1/conversations/${id}`)).data.data.status).toBe('in_progress');
		await env.sim.clock.advance(30_000);
		const detail = (await env.api.get(`/v1/conversations/${id}`)).data.data;
		expect(detail.status).toBe('completed');
		expect(detail.trace_id).toBe(res.data.data.trace_id);
	});

	it('accepts the follow-up retry_context fragment on an immediate call', async () => {
		const retry_context = {
			collected_data: { customer_name: 'Rahul', intent: 'payment_follow_up' },
			retry_initial_message: 'Hi Rahul, we spoke earlier about your payment.',
			retry_language: 'hi-IN',
			retry_stage_id: 'stage_follow_up',
		};
		const res = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: phoneParams('+919876543210'),
			retry_context,
		});
		expect(res.status).toBe(200);
		expect(res.data.data.status).toBe('initiated');
		expect(res.data.data.retry_context).toEqual(retry_context);
	});

	it('uses a supplied conversation_id and returns it', async () => {
		const res = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: phoneParams('+919876543210'),
			conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
		});
		expect(res.data.data.conversation_id).toBe('e36853de-9cbb-441e-ad75-d3c8ac82abfb_1');
		const again = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: phoneParams('+919876543211'),
			conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
		});
		// Same chain, next attempt number.
		expect(again.data.data.conversation_id).toBe('e36853de-9cbb-441e-ad75-d3c8ac82abfb_2');
	});

	it('rejects a missing or wrong key with the documented 401 body', async () => {
		for (const client of [
			simClient(env.sim, { apiKey: null }),
			simClient(env.sim, { apiKey: 'wrong' }),
		]) {
			const res = await client.post('/v1/call', {
				agent_id: 123,
				parameters: phoneParams('+919876543210'),
			});
			expect(res.status).toBe(401);
			expect(res.data).toEqual({
				error: { message: 'invalid or missing api key', type: 'authentication_error' },
			});
		}
		expect(env.sim.callsPlaced()).toHaveLength(0);
	});

	it.each([
		[{ parameters: phoneParams('+919876543210') }, 'agent_id is required'],
		[{ agent_id: '123', parameters: phoneParams('+919876543210') }, 'agent_id must be an integer'],
		[{ agent_id: 1.5, parameters: phoneParams('+919876543210') }, 'agent_id must be an integer'],
		[{ agent_id: 123 }, 'parameters is required'],
		[
			{ agent_id: 123, parameters: { customer_phone: '+91' } },
			'parameters must be an array of {name, value} objects',
		],
		[
			{ agent_id: 123, parameters: [{ name: 'customer_phone', value: 919876543210 }] },
			'parameters[0].value must be a string',
		],
		[
			{ agent_id: 123, parameters: [{ name: 'customer_name', value: 'Rahul' }] },
			'customer_phone parameter is required',
		],
		[{ agent_id: 123, parameters: [] }, 'customer_phone parameter is required'],
		[
			{ agent_id: 123, parameters: phoneParams('+919876543210'), scheduled_for: 'tomorrow' },
			'scheduled_for must be an ISO 8601 date-time',
		],
		[
			{
				agent_id: 123,
				parameters: phoneParams('+919876543210'),
				scheduled_for: '2026-03-18T20:00:00Z',
			},
			'scheduled_for must be in the future',
		],
		[
			{
				agent_id: 123,
				parameters: phoneParams('+919876543210'),
				scheduled_for: '2026-04-18T21:00:00Z',
			},
			'scheduled_for must be within the next 30 days',
		],
	])('400 invalid_request for %j', async (body, message) => {
		const res = await env.api.post('/v1/call', body);
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error: { message, type: 'invalid_request' } });
	});

	it('400 for a body that is not JSON', async () => {
		const res = await env.api.post('/v1/call', '{"agent_id": 12', {
			headers: { 'Content-Type': 'application/json' },
			transformRequest: [(d: unknown) => d],
		});
		expect(res.status).toBe(400);
		expect(res.data.error).toEqual({
			message: 'request body must be valid JSON',
			type: 'invalid_request',
		});
	});

	it('404 agent not found for an unknown agent', async () => {
		const res = await env.api.post('/v1/call', {
			agent_id: 999,
			parameters: phoneParams('+919876543210'),
		});
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: { message: 'agent not found', type: 'not_found' } });
	});

	it('409 duplicate_request when an idempotency key is reused within 24 h for the same agent', async () => {
		const body = {
			agent_id: 123,
			parameters: phoneParams('+919876543210'),
			idempotency_key: 'key-1',
		};
		expect((await env.api.post('/v1/call', body)).status).toBe(200);
		const dup = await env.api.post('/v1/call', {
			...body,
			parameters: phoneParams('+919876543211'),
		});
		expect(dup.status).toBe(409);
		expect(dup.data).toEqual({
			error: { message: 'idempotency key already used', type: 'duplicate_request' },
		});
		// Scope is per agent.
		expect((await env.api.post('/v1/call', { ...body, agent_id: 456 })).status).toBe(200);
		// After 24 h the key is free again.
		await env.sim.clock.advance(24 * 3600_000);
		expect(
			(await env.api.post('/v1/call', { ...body, parameters: phoneParams('+919876543212') }))
				.status,
		).toBe(200);
		expect(env.sim.callsPlaced().map((c) => c.idempotency_key)).toEqual([
			'key-1',
			'key-1',
			'key-1',
		]);
	});

	it('429 rate_limit_exceeded per number with Retry-After', async () => {
		const body = { agent_id: 123, parameters: phoneParams('+919876543210') };
		for (let i = 0; i < 3; i++) {
			expect((await env.api.post('/v1/call', body)).status).toBe(200);
			await env.sim.clock.advance(60_000);
		}
		const res = await env.api.post('/v1/call', body);
		expect(res.status).toBe(429);
		expect(res.data).toEqual({
			error: { message: 'rate limit exceeded for this number', type: 'rate_limit_exceeded' },
		});
		// The first call leaves the 10-minute window 600 - 180 = 420 s from now.
		expect(res.headers['retry-after']).toBe('420');
		// Another number is fine.
		expect(
			(await env.api.post('/v1/call', { agent_id: 123, parameters: phoneParams('+919876543211') }))
				.status,
		).toBe(200);
		await env.sim.clock.advance(420_000);
		expect((await env.api.post('/v1/call', body)).status).toBe(200);
	});

	it('429 concurrent_call_limit_exceeded with current_calls/max_calls above the cap', async () => {
		await env.restart({ now: T0, maxConcurrentCalls: 2, perNumberLimit: false });
		const body = { agent_id: 123, parameters: phoneParams('+919876543210') };
		expect((await env.api.post('/v1/call', body)).status).toBe(200);
		await env.sim.clock.advance(10_000);
		expect((await env.api.post('/v1/call', body)).status).toBe(200);
		const res = await env.api.post('/v1/call', body);
		expect(res.status).toBe(429);
		expect(res.data).toEqual({
			error: {
				message: 'concurrent call limit reached. 2 simultaneous calls allowed.',
				type: 'concurrent_call_limit_exceeded',
				current_calls: 2,
				max_calls: 2,
			},
		});
		// First call ends at 30 s; we are at 10 s.
		expect(res.headers['retry-after']).toBe('20');
		// Scheduled calls are accepted above the cap.
		const sched = await env.api.post('/v1/call', {
			...body,
			scheduled_for: new Date(T0 + 3600_000).toISOString(),
		});
		expect(sched.status).toBe(200);
		await env.sim.clock.advance(20_000);
		expect((await env.api.post('/v1/call', body)).status).toBe(200);
		expect(env.sim.callsPlaced()).toHaveLength(3);
	});

	it('uses the documented default cap message with 10 calls', async () => {
		await env.restart({ now: T0, perNumberLimit: false });
		for (let i = 0; i < 10; i++) {
			expect(
				(
					await env.api.post('/v1/call', {
						agent_id: 123,
						parameters: phoneParams(`+9198765432${i}0`),
					})
				).status,
			).toBe(200);
		}
		const res = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: phoneParams('+919876543210'),
		});
		expect(res.data.error.message).toBe(
			'concurrent call limit reached. 10 simultaneous calls allowed.',
		);
	});

	it('sends X-RateLimit-* headers on every response and 429s when the API limit is spent', async () => {
		await env.restart({
			now: Date.parse('2026-03-18T20:53:10Z'),
			apiRateLimit: { limit: 3, windowMs: 60_000 },
		});
		const remaining: string[] = [];
		for (let i = 0; i < 3; i++) {
			const r = await env.api.get('/v1/conversations');
			expect(r.status).toBe(200);
			expect(r.headers['x-ratelimit-limit']).toBe('3');
			expect(r.headers['x-ratelimit-reset']).toBe('2026-03-18T20:54:00+00:00');
			remaining.push(r.headers['x-ratelimit-remaining'] as string);
		}
		expect(remaining).toEqual(['2', '1', '0']);
		const limited = await env.api.get('/v1/conversations');
		expect(limited.status).toBe(429);
		expect(limited.data.error.type).toBe('rate_limit_exceeded');
		expect(limited.headers['retry-after']).toBe('50');
		expect(limited.headers['x-ratelimit-remaining']).toBe('0');
		// Error responses carry them too.
		const unauth = await simClient(env.sim, { apiKey: null }).get('/v1/conversations');
		expect(unauth.headers['x-ratelimit-limit']).toBe('3');
		await env.sim.clock.advance(50_000);
		expect((await env.api.get('/v1/conversations')).status).toBe(200);
	});

	it('404 not_found envelope for unknown routes', async () => {
		const res = await env.api.get('/v1/agents');
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: { message: 'not found', type: 'not_found' } });
	});
});

describe('simulator: call outcome rule', () => {
	it.each([
		['+919876543210', 'completed'],
		['+919876543214', 'completed'],
		['+919876543215', 'no_answer'],
		['+919876543216', 'busy'],
		['+919876543217', 'failed'],
		['+919876543218', 'unreachable'],
		['+919876543209', 'socket_failure'],
		['+919876543219', 'telephony_failed'],
	])('%s ends as %s', async (phone, status) => {
		expect(outcomeForNumber(phone)).toBe(status);
		const sim = await start({ now: T0 });
		try {
			const api = simClient(sim);
			await api.post('/v1/call', {
				agent_id: 123,
				parameters: phoneParams(phone, { customer_name: 'Rahul' }),
			});
			const id = sim.callsPlaced()[0].conversation_id;
			const live = (await api.get(`/v1/conversations/${id}`)).data.data;
			expect(live).toMatchObject({
				status: 'in_progress',
				start_timestamp: T0,
				end_timestamp: null,
				duration_seconds: null,
			});
			await sim.clock.advance(29_999);
			expect((await api.get(`/v1/conversations/${id}`)).data.data.status).toBe('in_progress');
			await sim.clock.advance(1);
			const d = (await api.get(`/v1/conversations/${id}`)).data.data;
			expect(d.status).toBe(status);
			expect(d.end_timestamp).toBe(T0 + 30_000);
			if (status === 'completed') {
				expect(d.duration_seconds).toBe(30);
				expect(d.failure_reason).toBeNull();
				expect(d.results).toEqual({ intent: expect.any(String), sentiment: expect.any(String) });
				expect(d.transcript[0]).toEqual({
					role: 'agent',
					message: expect.stringContaining('Rahul'),
				});
				expect(d.transcript[1]).toEqual({ role: 'human', message: expect.any(String) });
			} else {
				expect(d.duration_seconds).toBeNull();
				expect(d.transcript).toEqual([]);
			}
		} finally {
			await sim.close();
		}
	});

	it('endCall forces an outcome now', async () => {
		const sim = await start({ now: T0 });
		try {
			const api = simClient(sim);
			await api.post('/v1/call', { agent_id: 123, parameters: phoneParams('+919876543210') });
			const id = sim.callsPlaced()[0].conversation_id;
			await sim.clock.advance(5_000);
			await sim.endCall(id, 'busy');
			const d = (await api.get(`/v1/conversations/${id}`)).data.data;
			expect(d).toMatchObject({ status: 'busy', end_timestamp: T0 + 5_000 });
			// The original end event does nothing now.
			await sim.clock.advance(60_000);
			expect((await api.get(`/v1/conversations/${id}`)).data.data.status).toBe('busy');
			await expect(sim.endCall(id)).rejects.toThrow('call already ended');
		} finally {
			await sim.close();
		}
	});
});
