import type { AxiosInstance } from 'axios';

import { simClient, start, startWebhookReceiver } from './index';
import { useSimulator } from './useSimulator';

const T0 = Date.parse('2026-03-18T20:53:41.766Z');
const callBody = {
	agent_id: 123,
	parameters: [{ name: 'customer_phone', value: '+919876543210' }],
};

describe('simulator: fault injection', () => {
	const env = useSimulator({ now: T0 });

	it('error500 answers the documented internal_error envelope and does not place the call', async () => {
		env.sim.faults.add({ path: '/v1/call', kind: 'error500' });
		const res = await env.api.post('/v1/call', callBody);
		expect(res.status).toBe(500);
		expect(res.data).toEqual({
			error: { message: 'internal server error', type: 'internal_error' },
		});
		expect(env.sim.callsPlaced()).toHaveLength(0);
		expect(env.sim.log[0]).toMatchObject({ path: '/v1/call', status: 500, fault: 'error500' });
		// count defaults to 1
		expect((await env.api.post('/v1/call', callBody)).status).toBe(200);
	});

	it('html502 answers text/html', async () => {
		env.sim.faults.add({ method: 'GET', path: /^\/v1\/conversations/, kind: 'html502', count: 2 });
		for (let i = 0; i < 2; i++) {
			const res = await env.api.get('/v1/conversations');
			expect(res.status).toBe(502);
			expect(res.headers['content-type']).toMatch(/^text\/html/);
			expect(String(res.data)).toContain('502 Bad Gateway');
		}
		expect((await env.api.get('/v1/conversations')).status).toBe(200);
	});

	it('truncatedJson answers 500 with a body that is not valid JSON', async () => {
		env.sim.faults.add({ path: '/v1/conversations', kind: 'truncatedJson' });
		const res = await env.api.get('/v1/conversations', {
			responseType: 'text',
			transformResponse: [(d: unknown) => d],
		});
		expect(res.status).toBe(500);
		expect(() => JSON.parse(res.data as string)).toThrow();
	});

	it('reset drops the connection', async () => {
		env.sim.faults.add({ path: '/v1/call', kind: 'reset' });
		await expect(env.api.post('/v1/call', callBody)).rejects.toMatchObject({
			code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|socket hang up/),
		});
		expect(env.sim.callsPlaced()).toHaveLength(0);
	});

	it('after: the call IS placed, but the response is lost', async () => {
		env.sim.faults.add({ path: '/v1/call', kind: 'reset', after: true });
		await expect(
			env.api.post('/v1/call', { ...callBody, idempotency_key: 'k1' }),
		).rejects.toBeTruthy();
		expect(env.sim.callsPlaced()).toHaveLength(1);
		// The client's retry with the same key must not dial twice.
		const retry = await env.api.post('/v1/call', { ...callBody, idempotency_key: 'k1' });
		expect(retry.status).toBe(409);
		expect(env.sim.callsPlaced()).toHaveLength(1);
	});

	it('after + error500 places the call and answers 500', async () => {
		env.sim.faults.add({ path: '/v1/call', kind: 'error500', after: true });
		expect((await env.api.post('/v1/call', callBody)).status).toBe(500);
		expect(env.sim.callsPlaced()).toHaveLength(1);
	});

	it('rateLimit429 and concurrent429 carry Retry-After (0 allowed)', async () => {
		env.sim.faults.add({ path: '/v1/call', kind: 'rateLimit429', retryAfter: 0 });
		env.sim.faults.add({ path: '/v1/call', kind: 'concurrent429', retryAfter: 7 });
		const a = await env.api.post('/v1/call', callBody);
		expect(a.status).toBe(429);
		expect(a.headers['retry-after']).toBe('0');
		expect(a.data.error.type).toBe('rate_limit_exceeded');
		const b = await env.api.post('/v1/call', callBody);
		expect(b.status).toBe(429);
		expect(b.headers['retry-after']).toBe('7');
		expect(b.data.error).toEqual({
			message: 'concurrent call limit reached. 10 simultaneous calls allowed.',
			type: 'concurrent_call_limit_exceeded',
			current_calls: 10,
			max_calls: 10,
		});
		expect(env.sim.callsPlaced()).toHaveLength(0);
	});

	it('every: fires on every Nth matching request', async () => {
		await env.restart({ now: T0, perNumberLimit: false, maxConcurrentCalls: 100 });
		env.sim.faults.add({ method: 'POST', path: '/v1/call', kind: 'rateLimit429', every: 10 });
		const statuses: number[] = [];
		for (let i = 0; i < 30; i++) statuses.push((await env.api.post('/v1/call', callBody)).status);
		expect(statuses.filter((s) => s === 429)).toHaveLength(3);
		expect(statuses[9]).toBe(429);
		expect(statuses[19]).toBe(429);
		expect(env.sim.callsPlaced()).toHaveLength(27);
		env.sim.faults.clear();
		expect((await env.api.post('/v1/call', callBody)).status).toBe(200);
	});

	it('skip: lets the first N matching requests through, then fires (here: the 2nd answer is lost)', async () => {
		env.sim.faults.add({ method: 'POST', path: '/v1/call', kind: 'reset', after: true, skip: 1 });
		const phone = (n: number) => [{ name: 'customer_phone', value: `+91987654321${n}` }];
		const first = await env.api.post('/v1/call', { agent_id: 123, parameters: phone(1) });
		expect(first.status).toBe(200);
		// A GET does not match the fault's method, so it is neither skipped nor counted.
		expect((await env.api.get('/v1/conversations')).status).toBe(200);
		await expect(
			env.api.post('/v1/call', { agent_id: 123, parameters: phone(2) }),
		).rejects.toBeTruthy();
		expect((await env.api.post('/v1/call', { agent_id: 123, parameters: phone(3) })).status).toBe(
			200,
		);
		// The second call was placed although its answer never arrived.
		expect(env.sim.callsPlaced().map((call) => call.phone)).toEqual([
			'+919876543211',
			'+919876543212',
			'+919876543213',
		]);
		expect(env.sim.log.map((entry) => entry.fault ?? null)).toEqual([null, null, 'reset', null]);
		expect(env.sim.faults.list()).toEqual([]);
	});

	it('skip with every: the requests let through do not count towards every', async () => {
		await env.restart({ now: T0, perNumberLimit: false, maxConcurrentCalls: 100 });
		env.sim.faults.add({ path: '/v1/call', kind: 'error500', skip: 2, every: 3 });
		const statuses: number[] = [];
		for (let i = 0; i < 8; i++) statuses.push((await env.api.post('/v1/call', callBody)).status);
		expect(statuses).toEqual([200, 200, 200, 200, 500, 200, 200, 500]);
		expect(() => env.sim.faults.add({ path: '/v1/call', kind: 'reset', skip: -1 })).toThrow(
			'skip must be an integer >= 0',
		);
	});

	it('hang never answers (until close)', async () => {
		env.sim.faults.add({ path: '/v1/conversations', kind: 'hang' });
		const pending = env.api.get('/v1/conversations').then(
			() => 'answered',
			() => 'dropped',
		);
		const race = await Promise.race([
			pending,
			env.sim.clock.advance(0).then(() => 'still waiting'),
		]);
		expect(race).toBe('still waiting');
		await env.sim.close();
		expect(await pending).toBe('dropped');
		env.sim = await start({ now: T0 }); // for afterEach
	});

	it('logs every API request with the Authorization value redacted', async () => {
		await env.api.post('/v1/call', { ...callBody, metadata: 'm' });
		await env.api.get('/v1/conversations', { params: { limit: 5 } });
		expect(env.sim.log).toEqual([
			expect.objectContaining({
				method: 'POST',
				path: '/v1/call',
				status: 200,
				at: T0,
				body: { ...callBody, metadata: 'm' },
			}),
			expect.objectContaining({
				method: 'GET',
				path: '/v1/conversations',
				query: { limit: '5' },
				status: 200,
			}),
		]);
		expect(env.sim.log[0].headers.authorization).toBe('Bearer [redacted]');
		expect(JSON.stringify(env.sim.log)).not.toContain(env.sim.apiKey);
		env.sim.clearLog();
		expect(env.sim.log).toHaveLength(0);
	});
});

describe('simulator: admin HTTP API', () => {
	const env = useSimulator({ now: T0 });
	let admin: AxiosInstance;

	beforeEach(async () => {
		// No key on admin routes.
		admin = simClient(env.sim, { apiKey: null });
	});

	it('drives a call end to end: target, call, clock, calls, deliveries, log, reset', async () => {
		const rx = await startWebhookReceiver();
		try {
			const t = await admin.post('/__admin/webhook-targets', {
				agent_id: 123,
				name: 'e2e',
				url: rx.url,
				include_transcript: true,
			});
			expect(t.status).toBe(200);
			expect(t.data.data).toMatchObject({
				name: 'e2e',
				secret: env.sim.webhookSecret,
				includeTranscript: true,
			});
			await env.api.post('/v1/call', callBody);
			const calls = await admin.get('/__admin/calls');
			expect(calls.data.data).toHaveLength(1);
			const adv = await admin.post('/__admin/clock/advance', { ms: 30_000 });
			expect(adv.data.now).toBe(T0 + 30_000);
			expect((await admin.get('/__admin/clock')).data.now).toBe(T0 + 30_000);
			const deliveries = await admin.get('/__admin/deliveries');
			expect(deliveries.data.data).toEqual([
				expect.objectContaining({ target: 'e2e', status: 204, attempt: 1 }),
			]);
			expect(rx.received).toHaveLength(1);
			expect(
				(await admin.get('/__admin/log')).data.data.map((l: { path: string }) => l.path),
			).toEqual(['/v1/call']);

			expect((await admin.post('/__admin/reset')).status).toBe(200);
			expect(env.sim.callsPlaced()).toHaveLength(0);
			expect(env.sim.log).toHaveLength(0);
			expect(env.sim.deliveries).toHaveLength(0);
			expect((await env.api.get('/v1/conversations')).data.total).toBe(0);
		} finally {
			await rx.close();
		}
	});

	it('ends a call with a forced status', async () => {
		await env.api.post('/v1/call', { ...callBody, conversation_id: 'conv-1_1' });
		const res = await admin.post('/__admin/calls/conv-1_1/end', { status: 'no_answer' });
		expect(res.data.data).toEqual({ conversation_id: 'conv-1_1', status: 'no_answer' });
		expect((await admin.post('/__admin/calls/conv-1_1/end', {})).status).toBe(409);
		expect((await admin.post('/__admin/calls/missing_1/end', {})).status).toBe(404);
		expect((await admin.post('/__admin/calls/conv-1_1/end', { status: 'weird' })).status).toBe(400);
	});

	it('seeds conversations and batches, and manages faults', async () => {
		expect(
			(await admin.post('/__admin/seed/conversations', { n: 30, agent_id: 456 })).data.data,
		).toEqual({ seeded: 30 });
		expect((await env.api.get('/v1/conversations', { params: { agent_id: 456 } })).data.total).toBe(
			30,
		);
		const b = await admin.post('/__admin/seed/batch', { rows: 3 });
		expect(b.data.data).toEqual({ id: expect.any(Number), total_recipients: 3 });

		expect(
			(
				await admin.post('/__admin/faults', {
					path: '/v1/conversations',
					kind: 'error500',
					count: 1,
				})
			).status,
		).toBe(200);
		expect(
			(
				await admin.post('/__admin/faults', {
					path_regex: '^/v1/batch',
					kind: 'html502',
					skip: 1,
				})
			).status,
		).toBe(200);
		expect((await admin.get('/__admin/faults')).data.data).toHaveLength(2);
		expect((await env.api.get('/v1/conversations')).status).toBe(500);
		expect((await env.api.get('/v1/batch-calls')).status).toBe(200);
		expect((await env.api.get('/v1/batch-calls')).status).toBe(502);
		expect((await admin.post('/__admin/faults', { path: '/', kind: 'nope' })).status).toBe(400);
		await admin.post('/__admin/faults', { path: '/v1', kind: 'error500' });
		expect((await admin.delete('/__admin/faults')).status).toBe(200);
		expect((await env.api.get('/v1/conversations')).status).toBe(200);
	});

	it('404s unknown admin routes and is not logged as API traffic', async () => {
		expect((await admin.get('/__admin/nope')).status).toBe(404);
		expect(env.sim.log).toHaveLength(0);
	});

	it('binds to 127.0.0.1', () => {
		expect(env.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});
});
