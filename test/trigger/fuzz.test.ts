import type { IDataObject } from 'n8n-workflow';

import { EVENT_TYPES } from '../../nodes/FormantAiTrigger/event';
import { callWebhook } from './context';
import { MemoryDedupe } from './dedupeStore';
import { completedEvent, outcomeEvent, prng, SECRET, sign } from './fixtures';

const RUNS = 3000;

/** Random bodies and headers from a seeded PRNG: the same cases on every run. */
function makeCase(random: () => number, i: number) {
	const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
	const valid = JSON.stringify(
		random() < 0.5
			? completedEvent({ event_id: `evt_f${i}` })
			: outcomeEvent(pick([...EVENT_TYPES]), `evt_f${i}`),
	);
	const randomBytes = Buffer.from(
		Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
	);
	const bodies: Array<() => Buffer | string | undefined> = [
		() => valid,
		() => valid.slice(0, Math.floor(random() * valid.length)),
		() => randomBytes,
		() => '',
		() => undefined,
		() =>
			JSON.stringify(
				pick<unknown>([
					null,
					1,
					'x',
					[],
					{},
					true,
					{ event_id: {} },
					{ event_id: 'a', event_type: 7 },
				]),
			),
		() =>
			JSON.stringify({
				event_id: `evt_f${i}`,
				event_type: pick(['call.completed', 'call.nope', '', 'CALL.BUSY']),
				data: pick<unknown>([null, 1, 'x', [], {}, { call: 5, results: [], retry: 'x' }]),
			}),
		() => valid.replace(/"/g, pick(["'", '', '\\"'])),
		() => `${valid}${pick(['', ' ', '\n', 'x', '}', '\u0000'])}`,
		() =>
			JSON.stringify({
				event_id: '__proto__',
				event_type: 'call.busy',
				data: {
					call: { call_parameters: { __proto__: { polluted: 1 } } },
					results: { constructor: 1 },
				},
			}),
	];
	const body = pick(bodies)();
	const raw =
		body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	const signatureKinds: Array<() => string | string[] | undefined> = [
		() => (raw ? sign(raw) : undefined),
		() => (raw ? sign(raw, 'attacker') : undefined),
		() => undefined,
		() => '',
		() => `sha256=${randomBytes.toString('hex').slice(0, 64)}`,
		() => randomBytes.toString('latin1'),
		() => (raw ? sign(raw).toUpperCase() : 'x'),
		() => (raw ? [sign(raw, 'attacker'), sign(raw)] : []),
		() => (raw ? sign(raw).slice(0, 30) : 'sha256='),
	];
	const signature = pick(signatureKinds)();
	const headers: Record<string, string | string[] | undefined> = {
		'content-type': pick(['application/json', 'text/plain', undefined]),
	};
	if (signature !== undefined) headers['x-formantai-signature'] = signature;
	if (random() < 0.3) headers['x-formantai-event-id'] = pick(['evt_other', '', 'x'.repeat(500)]);
	if (random() < 0.3)
		headers['x-formantai-timestamp'] = pick(['0', '-1', 'tomorrow', '99999999999999']);
	const validSignature =
		raw !== undefined &&
		typeof signature === 'string' &&
		signature.trim().toLowerCase() === sign(raw).toLowerCase();
	return { raw, headers, validSignature };
}

describe('fuzz: thousands of random bodies and headers (seeded)', () => {
	it('never throws, never answers 5xx, never starts without a valid signature when a secret is set', async () => {
		const random = prng(0xf0a2a1);
		const seen = new MemoryDedupe();
		let startedCount = 0;
		for (let i = 0; i < RUNS; i++) {
			const c = makeCase(random, i);
			const withSecret = random() < 0.8;
			const options =
				random() < 0.3 ? { simplify: false, filters: { finalAttemptOnly: true } } : {};
			const parameters = withSecret ? options : { ...options, authentication: 'none' };
			const out = await callWebhook(
				{ raw: c.raw, headers: c.headers },
				{ secret: withSecret ? SECRET : undefined, seen, parameters },
			);
			expect(out.status).toBeLessThan(500);
			expect([200, 400, 401, 413]).toContain(out.status);
			if (withSecret && !c.validSignature) expect(out.started).toBe(false);
			if (out.started) {
				startedCount++;
				expect(JSON.stringify(out.result)).not.toContain(SECRET);
			}
		}
		expect(startedCount).toBeGreaterThan(0);
		expect(({} as IDataObject).polluted).toBeUndefined();
	});
});
