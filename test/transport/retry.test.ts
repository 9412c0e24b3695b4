import { sleep } from 'n8n-workflow';

import { runtime } from '../../nodes/FormantAi/transport';
import { apiCredential, runNode } from '../harness';
import { errorEnvelope, useProbe } from './probe';
import type { Reply } from './scriptedServer';

const env = useProbe();
const { probe } = env;

const rateLimited = (headers: Record<string, string>): Reply => ({
	status: 429,
	headers,
	body: errorEnvelope('rate limit exceeded', 'rate_limit_exceeded'),
});

describe('retries', () => {
	test('GET: 5xx and resets are retried with growing backoff, then succeed', async () => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0
				? { status: 500, body: errorEnvelope('boom', 'internal_error') }
				: n === 1
					? { reset: true }
					: { body: { data: [] } },
		);
		const { items, error } = await probe({});
		expect(error).toBeUndefined();
		expect(items[0].json.attempts).toBe(3);
		expect(env.sleeps).toEqual([375, 750]);
	});

	test('GET: 429 waits what Retry-After says, plus a small random extra', async () => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0
				? {
						status: 429,
						headers: { 'Retry-After': '7' },
						body: errorEnvelope('rate limit exceeded', 'rate_limit_exceeded'),
					}
				: { body: { data: [] } },
		);
		const { error } = await probe({});
		expect(error).toBeUndefined();
		expect(env.sleeps).toEqual([7_000 + 350]);
	});

	test('a wait longer than the budget is not attempted: the error says how long', async () => {
		env.server.on('GET /v1/conversations', () => ({
			status: 429,
			headers: { 'Retry-After': '120' },
			body: errorEnvelope('rate limit exceeded', 'rate_limit_exceeded'),
		}));
		const { error } = await probe({});
		expect(env.sleeps).toEqual([]);
		expect(env.server.requests).toHaveLength(1);
		expect(error?.description).toContain('wait 120 s');
		expect(error?.description).toContain('longer than the 60 s allowed');
	});

	test('at most 3 retries by default, then the last error with the count', async () => {
		env.server.on('GET /v1/conversations', () => ({
			status: 502,
			headers: { 'Content-Type': 'text/html' },
			body: '<html>bad gateway</html>',
		}));
		const { error } = await probe({});
		expect(env.server.requests).toHaveLength(4);
		expect(error?.description).toContain('Gave up after 4 attempts');
	});

	test('callers can change the budget', async () => {
		env.server.on('GET /v1/conversations', () => ({
			status: 500,
			body: errorEnvelope('boom', 'internal_error'),
		}));
		await probe({ retry: '{"maxRetries":1}' });
		expect(env.server.requests).toHaveLength(2);
	});

	test.each([400, 401, 404, 409])('GET: %i is never retried', async (status) => {
		env.server.on('GET /v1/conversations', () => ({ status, body: errorEnvelope('nope', 'x') }));
		await probe({});
		expect(env.server.requests).toHaveLength(1);
	});

	test('POST /v1/call without an idempotency key is never retried, even on 429 or a reset', async () => {
		env.server.on('POST /v1/call', (_r, n) => (n === 0 ? { reset: true } : { body: { data: {} } }));
		const { error } = await probe({ method: 'POST', path: '/v1/call', body: '{"agent_id":1}' });
		expect(error).toBeDefined();
		expect(env.server.requests).toHaveLength(1);
	});

	test('POST /v1/call with an idempotency key is retried on a reset', async () => {
		env.server.on('POST /v1/call', (_r, n) =>
			n === 0 ? { reset: true } : { body: { data: { status: 'initiated' } } },
		);
		const { items } = await probe({
			method: 'POST',
			path: '/v1/call',
			body: '{"agent_id":1,"idempotency_key":"k-1"}',
		});
		expect(env.server.requests).toHaveLength(2);
		expect(env.server.requests.map((r) => JSON.parse(r.body.toString()).idempotency_key)).toEqual([
			'k-1',
			'k-1',
		]);
		expect(items[0].json.attempts).toBe(2);
	});

	test.each(['/v1/batch-call', '/v1/transcription/jobs'])(
		'POST %s is never retried',
		async (path) => {
			env.server.on(`POST ${path}`, () => ({
				status: 429,
				headers: { 'Retry-After': '0' },
				body: errorEnvelope('rate limit exceeded', 'rate_limit_exceeded'),
			}));
			await probe({ method: 'POST', path, body: '{"x":1}' });
			expect(env.server.requests).toHaveLength(1);
		},
	);
});

test('a full workspace (concurrent-call cap) is reported at once, even for a keyed call', async () => {
	env.server.on('POST /v1/call', () => ({
		status: 429,
		headers: { 'Retry-After': '5' },
		body: errorEnvelope(
			'concurrent call limit reached. 10 simultaneous calls allowed.',
			'concurrent_call_limit_exceeded',
			{
				current_calls: 10,
				max_calls: 10,
			},
		),
	}));
	const { error } = await probe({
		method: 'POST',
		path: '/v1/call',
		body: '{"agent_id":1,"idempotency_key":"k"}',
	});
	expect(error?.context?.formantAi).toMatchObject({
		type: 'concurrent_call_limit_exceeded',
		attempts: 1,
	});
	expect(env.server.requests).toHaveLength(1);
	expect(env.sleeps).toEqual([]);
});

describe('X-RateLimit-Reset: seconds to wait, epoch seconds, epoch milliseconds or ISO 8601', () => {
	beforeEach(() => {
		runtime.random = () => 0; // no jitter: the waits below are exactly what the header says
	});

	test.each([
		['seconds to wait (a small number)', () => '60', 60_000],
		['epoch seconds', () => String(env.now / 1000 + 30), 30_000],
		['epoch milliseconds', () => String(env.now + 45_000), 45_000],
		['ISO 8601 with an offset (the documented form)', () => '2026-03-18T20:54:00+00:00', 60_000],
		['ISO 8601 in UTC with a fraction', () => '2026-03-18T20:53:20.500Z', 20_500],
		['a reset already past', () => String(env.now / 1000 - 5), 0],
	])('%s', async (_name, value, wait) => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0
				? rateLimited({ 'X-RateLimit-Reset': value(), 'X-RateLimit-Remaining': '0' })
				: { body: { data: [] } },
		);
		const { error } = await probe({});
		expect(error).toBeUndefined();
		expect(env.sleeps).toEqual([wait]);
	});

	test('Retry-After wins over X-RateLimit-Reset', async () => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0
				? rateLimited({ 'Retry-After': '3', 'X-RateLimit-Reset': '60' })
				: { body: { data: [] } },
		);
		await probe({});
		expect(env.sleeps).toEqual([3_000]);
	});

	test('on a server error the rate-limit window is no reason to wait: normal backoff', async () => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0
				? {
						status: 500,
						headers: { 'X-RateLimit-Reset': '50', 'X-RateLimit-Remaining': '48' },
						body: errorEnvelope('boom', 'internal_error'),
					}
				: { body: { data: [] } },
		);
		await probe({});
		expect(env.sleeps).toEqual([250]);
	});
});

describe('jitter', () => {
	test('parallel pages told the same Retry-After retry at different instants, never before it', async () => {
		const draws = [0.1, 0.4, 0.7, 0.95];
		runtime.random = () => draws.shift() ?? 0.5;
		const limited = new Set<string>();
		env.server.on('GET /v1/conversations', (request) => {
			const offset = Number(request.query.offset);
			const limit = Number(request.query.limit);
			if (offset > 0 && !limited.has(request.query.offset)) {
				limited.add(request.query.offset);
				return rateLimited({ 'Retry-After': '2' });
			}
			const data = Array.from({ length: Math.min(limit, 500 - offset) }, (_, i) => ({
				id: `c${offset + i}`,
			}));
			return { body: { data, has_more: offset + data.length < 500, total: 500 } };
		});
		const { items, error } = await probe({ mode: 'paginate' });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(500);
		expect(env.sleeps).toHaveLength(4);
		expect(new Set(env.sleeps).size).toBe(4);
		for (const wait of env.sleeps) {
			expect(wait).toBeGreaterThanOrEqual(2_000);
			expect(wait).toBeLessThanOrEqual(2_250);
		}
	});

	test('a wait as long as the budget still fits: the extra never pushes it over', async () => {
		env.server.on('GET /v1/conversations', (_r, n) =>
			n === 0 ? rateLimited({ 'Retry-After': '60' }) : { body: { data: [] } },
		);
		const { error } = await probe({});
		expect(error).toBeUndefined();
		expect(env.sleeps).toEqual([60_000]);
	});
});

describe('the whole request is bounded, attempts and waits together', () => {
	test('retries stop when the next wait would pass the deadline, and the error says so', async () => {
		runtime.requestDeadlineMs = 2_000;
		env.server.on('GET /v1/conversations', () => {
			env.now += 600; // each answer takes 0.6 s
			return { status: 500, body: errorEnvelope('boom', 'internal_error') };
		});
		const { error } = await probe({});
		// 0.6 s + 0.375 s wait + 0.6 s = 1.575 s; another 0.75 s wait would pass 2 s.
		expect(env.server.requests).toHaveLength(2);
		expect(env.sleeps).toEqual([375]);
		expect(error?.message).toBe('boom');
		expect(error?.description).toContain('at most 2 s in all');
		expect(error?.description).toContain('Retry On Fail');
		expect(error?.context?.formantAi).toMatchObject({ attempts: 2 });
	});

	test('a later attempt gets only what is left of the deadline', async () => {
		runtime.requestDeadlineMs = 1_000;
		runtime.random = () => 0;
		env.server.on('GET /v1/conversations', (_r, n) => {
			if (n > 0) return { hang: true };
			env.now += 900;
			return { status: 503, headers: { 'Retry-After': '0' }, body: '' };
		});
		const { error } = await probe({});
		expect(env.server.requests).toHaveLength(2);
		expect(error?.message).toContain(
			'no answer arrived within the 1 s allowed for the whole request',
		);
		expect(error?.description).toContain('at most 1 s in all');
	});

	test('one slow attempt that uses the whole deadline is not retried', async () => {
		runtime.requestDeadlineMs = 1_000;
		env.server.on('GET /v1/conversations', () => {
			env.now += 1_000;
			return { status: 502, body: '' };
		});
		const { error } = await probe({});
		expect(env.server.requests).toHaveLength(1);
		expect(env.sleeps).toEqual([]);
		expect(error?.description).toContain('at most 1 s in all');
	});
});

describe('cancelling', () => {
	test('during a backoff: a clear "cancelled" error for the item, nothing more sent', async () => {
		let cancel = () => {};
		// n8n's own sleep: it rejects with the raw abort reason when the execution is cancelled.
		runtime.sleep = async (ms, signal) => {
			cancel();
			await sleep(ms, signal);
		};
		env.server.on('GET /v1/conversations', () => ({
			status: 500,
			body: errorEnvelope('boom', 'internal_error'),
		}));
		const result = await runNode({
			type: 'transportProbe',
			parameters: { mode: 'request', method: 'GET', path: '/v1/conversations' },
			credentials: { formantAiApi: apiCredential(env.server.url, 'k') },
			onStarted: (fn) => {
				cancel = fn;
			},
		});
		expect(result.error?.message).toBe(
			'The execution was cancelled while waiting to retry the FormantAI request',
		);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(env.server.requests).toHaveLength(1);
	});
});
