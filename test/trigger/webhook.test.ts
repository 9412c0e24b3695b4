/* eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test: prints key objects to check they hide the secret */
import { inspect } from 'node:util';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EVENT_TYPES, MAX_REPLAY_WINDOW_SECONDS } from '../../nodes/FormantAiTrigger/event';
import { SEEN_CAPACITY } from '../../nodes/FormantAiTrigger/dedupe';
import { forgetSecrets, SECRET_REUSE_MS } from '../../nodes/FormantAiTrigger/secret';
import { signingKeys } from '../../nodes/FormantAiTrigger/signature';
import { callWebhook, FIXTURE_NOW, N8N_STARTED_BODY, trigger } from './context';
import { MemoryDedupe } from './dedupeStore';
import { completedEvent, delivery, outcomeEvent, SECRET, sign } from './fixtures';

const UNSIGNED = { authentication: 'none' };
const FIXTURE_TIME = completedEvent().timestamp;

function firstItem(outcome: Awaited<ReturnType<typeof callWebhook>>): IDataObject {
	return outcome.items[0].json;
}

describe('FormantAI Trigger webhook (mocked context)', () => {
	describe('signature', () => {
		it('starts the workflow for a correctly signed delivery', async () => {
			const out = await callWebhook(delivery(completedEvent()), { secret: SECRET });
			expect(out.started).toBe(true);
			expect(out.status).toBe(200);
			// Answered by n8n once the execution exists, never by the node before it.
			expect(out.result.noWebhookResponse).toBeUndefined();
			expect(out.body).toEqual(N8N_STARTED_BODY);
			expect(firstItem(out)).toMatchObject({
				event_id: 'evt_1c58c5d8c55a',
				signature_verified: true,
			});
		});

		it('accepts the signature in upper-case hex and with a secret pasted with a trailing newline', async () => {
			const d = delivery(completedEvent());
			d.headers['x-formantai-signature'] =
				`sha256=${d.headers['x-formantai-signature'].slice(7).toUpperCase()}`;
			expect((await callWebhook(d, { secret: SECRET })).started).toBe(true);
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: `${SECRET}\n` })).started,
			).toBe(true);
		});

		const forged: Array<
			[string, (d: { raw: Buffer; headers: Record<string, string> }) => void, string]
		> = [
			['missing', (d) => delete d.headers['x-formantai-signature'], 'no X-FormantAI-Signature'],
			['empty', (d) => (d.headers['x-formantai-signature'] = ''), 'no X-FormantAI-Signature'],
			[
				'without the sha256= prefix',
				(d) => (d.headers['x-formantai-signature'] = d.headers['x-formantai-signature'].slice(7)),
				'followed by 64 hex digits',
			],
			[
				'truncated',
				(d) =>
					(d.headers['x-formantai-signature'] = d.headers['x-formantai-signature'].slice(0, 40)),
				'followed by 64 hex digits',
			],
			[
				'signed with another secret',
				(d) => (d.headers['x-formantai-signature'] = sign(d.raw, 'wrong-secret')),
				'does not match',
			],
			[
				'for another body',
				(d) =>
					(d.headers['x-formantai-signature'] = sign(
						'{"event_id":"evt_other","event_type":"call.completed"}',
					)),
				'does not match',
			],
			[
				'sha1 instead of sha256',
				(d) => (d.headers['x-formantai-signature'] = `sha1=${'a'.repeat(40)}`),
				'followed by 64 hex digits',
			],
			[
				'one flipped hex digit',
				(d) => {
					const s = d.headers['x-formantai-signature'];
					d.headers['x-formantai-signature'] = s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');
				},
				'does not match',
			],
			[
				'a body changed after signing',
				(d) =>
					(d.raw = Buffer.from(d.raw.toString().replace('payment_confirmed', 'payment_refused'))),
				'does not match',
			],
			[
				're-serialised JSON (whitespace added)',
				(d) => (d.raw = Buffer.from(JSON.stringify(JSON.parse(d.raw.toString()), null, 2))),
				'does not match',
			],
		];
		it.each(forged)(
			'refuses a signature that is %s with 401 and starts nothing',
			async (_name, change, problem) => {
				const d = delivery(completedEvent());
				change(d);
				const out = await callWebhook(d, { secret: SECRET });
				expect(out.status).toBe(401);
				expect(out.started).toBe(false);
				expect(out.result).toEqual({ noWebhookResponse: true });
				expect(JSON.stringify(out.body)).toContain(problem);
				expect(JSON.stringify(out.body)).not.toContain(SECRET);
			},
		);

		it('refuses everything with 401 when the credential holds an empty secret', async () => {
			const out = await callWebhook(delivery(completedEvent(), ''), { secret: '' });
			expect(out.status).toBe(401);
			expect(JSON.stringify(out.body)).toContain('empty secret');
		});

		it('refuses when the raw body is unavailable, since it cannot be verified', async () => {
			const d = delivery(completedEvent());
			const out = await callWebhook(
				{ headers: d.headers, body: completedEvent() as IDataObject },
				{ secret: SECRET },
			);
			expect(out.status).toBe(401);
		});

		it('refuses an unsigned delivery with 401 by default when no credential is selected', async () => {
			for (const d of [delivery(completedEvent(), null), delivery(completedEvent())]) {
				const out = await callWebhook(d);
				expect(out.status).toBe(401);
				expect(out.started).toBe(false);
				expect(JSON.stringify(out.body)).toContain(
					'no usable FormantAI Webhook Secret API credential',
				);
			}
		});

		it('refuses with 401 when the selected credential cannot be loaded', async () => {
			const out = await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				credentialFails: true,
			});
			expect(out.status).toBe(401);
			expect(out.started).toBe(false);
		});

		it('verifies a node saved before the Authentication parameter existed (secret credential set)', async () => {
			const legacy = { legacyWithoutAuthentication: true };
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: SECRET, ...legacy })).started,
			).toBe(true);
			const forged = delivery(completedEvent(), 'attacker');
			expect((await callWebhook(forged, { secret: SECRET, ...legacy })).status).toBe(401);
		});

		it('treats an unknown Authentication value as Signature, never as None', async () => {
			const out = await callWebhook(delivery(completedEvent(), null), {
				parameters: { authentication: 'somethingElse' },
			});
			expect(out.status).toBe(401);
		});

		it('accepts unsigned deliveries with Authentication None and says they were not verified', async () => {
			const out = await callWebhook(delivery(completedEvent(), null), { parameters: UNSIGNED });
			expect(out.started).toBe(true);
			expect(firstItem(out).signature_verified).toBe(false);
			// A signature that happens to be there is not checked.
			const withGarbage = delivery(completedEvent({ event_id: 'evt_2' }), null);
			withGarbage.headers['x-formantai-signature'] = 'sha256=nonsense';
			expect((await callWebhook(withGarbage, { parameters: UNSIGNED })).started).toBe(true);
		});

		it('falls back on the parsed body when n8n gives no raw body and deliveries are unsigned', async () => {
			const out = await callWebhook(
				{ body: completedEvent() as IDataObject },
				{ parameters: UNSIGNED },
			);
			expect(out.started).toBe(true);
		});
	});

	describe('Webhook Secret, read once per period in a process', () => {
		const NEW_SECRET = 'whsec_rotated_secret';
		const at = (ms: number, secret: string, reads: { count: number }, more = {}) => ({
			secret,
			now: FIXTURE_NOW + ms,
			keepSecrets: true,
			credentialReads: reads,
			...more,
		});
		beforeEach(() => forgetSecrets());

		it(`reads the credential once per ${SECRET_REUSE_MS / 1000} s, not once per delivery`, async () => {
			const reads = { count: 0 };
			for (let i = 0; i < 20; i++) {
				const out = await callWebhook(delivery(completedEvent()), at(i * 100, SECRET, reads));
				expect(out.started).toBe(true);
			}
			expect(reads.count).toBe(1);
			await callWebhook(delivery(completedEvent()), at(SECRET_REUSE_MS, SECRET, reads));
			expect(reads.count).toBe(2);
		});

		it('a new secret verifies at once; the old one verifies for at most the reuse period', async () => {
			const reads = { count: 0 };
			await callWebhook(delivery(completedEvent()), at(0, SECRET, reads));
			// The credential now holds the new secret; FormantAI may still send with the old one.
			const old = await callWebhook(delivery(completedEvent()), at(5_000, NEW_SECRET, reads));
			expect([old.status, reads.count]).toEqual([200, 1]);
			const fresh = await callWebhook(
				delivery(completedEvent(), NEW_SECRET),
				at(6_000, NEW_SECRET, reads),
			);
			expect([fresh.status, fresh.started, reads.count]).toEqual([200, true, 2]);
			const late = await callWebhook(delivery(completedEvent()), at(6_001, NEW_SECRET, reads));
			expect(late.status).toBe(401);
			expect(JSON.stringify(late.body)).toContain('does not match');
		});

		it('an old secret is refused once the period is over, even with no new delivery between', async () => {
			const reads = { count: 0 };
			await callWebhook(delivery(completedEvent()), at(0, SECRET, reads));
			const out = await callWebhook(
				delivery(completedEvent()),
				at(SECRET_REUSE_MS, NEW_SECRET, reads),
			);
			expect([out.status, out.started, reads.count]).toEqual([401, false, 2]);
		});

		it('a credential deleted or emptied stops verifying within the period', async () => {
			const reads = { count: 0 };
			await callWebhook(delivery(completedEvent()), at(0, SECRET, reads));
			const deleted = await callWebhook(
				delivery(completedEvent()),
				at(SECRET_REUSE_MS, SECRET, reads, { credentialFails: true }),
			);
			expect(deleted.status).toBe(401);
			expect(JSON.stringify(deleted.body)).toContain('no usable FormantAI Webhook Secret');
			const emptied = await callWebhook(delivery(completedEvent()), at(SECRET_REUSE_MS, '', reads));
			expect(emptied.status).toBe(401);
			expect(JSON.stringify(emptied.body)).toContain('empty secret');
		});

		it('checks every delivery that does not verify against a fresh read', async () => {
			const reads = { count: 0 };
			await callWebhook(delivery(completedEvent()), at(0, SECRET, reads));
			for (let i = 1; i <= 3; i++) {
				const out = await callWebhook(delivery(completedEvent(), 'forged'), at(i, SECRET, reads));
				expect(out.status).toBe(401);
			}
			expect(reads.count).toBe(4);
		});

		it('keeps key objects, which print and serialise without the secret', () => {
			const keys = signingKeys(`${SECRET}\n`);
			expect(keys).toHaveLength(2);
			expect(inspect(keys, { showHidden: true, depth: 5 })).not.toContain(SECRET);
			expect(JSON.stringify(keys)).not.toContain(SECRET);
		});
	});

	describe('events', () => {
		it.each(EVENT_TYPES)(
			'starts for %s when all events are selected (the default)',
			async (eventType) => {
				const out = await callWebhook(delivery(outcomeEvent(eventType, `evt_${eventType}`)), {
					secret: SECRET,
				});
				expect(out.started).toBe(true);
				expect(firstItem(out)).toMatchObject({ event_type: eventType, status: eventType.slice(5) });
			},
		);

		it('acknowledges unselected events with 200 and starts nothing', async () => {
			const out = await callWebhook(delivery(outcomeEvent('call.busy', 'evt_b')), {
				secret: SECRET,
				parameters: { events: ['call.completed'] },
			});
			expect(out).toMatchObject({
				status: 200,
				started: false,
				body: { reason: 'event_not_selected' },
			});
		});

		it('acknowledges an unknown (future) event type and starts nothing', async () => {
			const out = await callWebhook(delivery(outcomeEvent('call.transferred', 'evt_t')), {
				secret: SECRET,
			});
			expect(out).toMatchObject({
				status: 200,
				started: false,
				body: { reason: 'unknown_event_type' },
			});
		});
	});

	describe('malformed requests', () => {
		const bodies: Array<[string, string]> = [
			['empty', ''],
			['not JSON', 'hello'],
			['truncated JSON', JSON.stringify(completedEvent()).slice(0, 120)],
			['a JSON array', '[1,2,3]'],
			['JSON null', 'null'],
			['a JSON string', '"call.completed"'],
			['an envelope without event_id', JSON.stringify({ event_type: 'call.completed', data: {} })],
			['an envelope without event_type', JSON.stringify({ event_id: 'evt_1', data: {} })],
			['a numeric event_id', JSON.stringify({ event_id: 5, event_type: 'call.completed' })],
			[
				'an event_id of 300 characters',
				JSON.stringify({ event_id: 'e'.repeat(300), event_type: 'call.completed' }),
			],
			[
				'data that is a string',
				JSON.stringify({ event_id: 'evt_1', event_type: 'call.completed', data: 'x' }),
			],
		];
		it.each(bodies)('answers 400 for a (correctly signed) body that is %s', async (_name, body) => {
			const out = await callWebhook(
				{ raw: body, headers: { 'x-formantai-signature': sign(body) } },
				{ secret: SECRET },
			);
			expect(out.status).toBe(400);
			expect(out.started).toBe(false);
			expect(out.result).toEqual({ noWebhookResponse: true });
		});

		it('answers 413 for a body over 16 MiB, before any parsing', async () => {
			const raw = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
			const out = await callWebhook({ raw, headers: {} }, { secret: SECRET });
			expect(out.status).toBe(413);
		});

		it('tolerates events whose data, results and retry are missing or null', async () => {
			const out = await callWebhook(
				delivery({ event_id: 'evt_bare', event_type: 'call.failed', timestamp: FIXTURE_TIME }),
				{
					secret: SECRET,
				},
			);
			expect(out.started).toBe(true);
			expect(firstItem(out)).toMatchObject({
				event_id: 'evt_bare',
				status: null,
				transcript: null,
				transcript_turns: [],
			});
			const nulls = await callWebhook(
				delivery({
					event_id: 'evt_nulls',
					timestamp: FIXTURE_TIME,
					event_type: 'call.failed',
					data: { call: null, results: null, retry: null },
				}),
				{ secret: SECRET },
			);
			expect(nulls.started).toBe(true);
		});
	});

	describe("dedupe (inside the execution, in n8n's database-backed store)", () => {
		const busy = (id: string) => delivery(outcomeEvent('call.busy', id), null);

		it('a copy of an accepted event is answered as any delivery, and nothing after the trigger runs', async () => {
			const seen = new MemoryDedupe();
			const d = delivery(completedEvent());
			const first = await callWebhook(d, { secret: SECRET, seen });
			const second = await callWebhook(d, { secret: SECRET, seen });
			expect(first).toMatchObject({ status: 200, executed: true, started: true });
			expect(first.body).toEqual(N8N_STARTED_BODY);
			// The webhook half keeps no memory: n8n answers once the execution exists, and the
			// execution's trigger step outputs no items for the copy.
			expect(second).toMatchObject({ status: 200, executed: true, started: false, items: [] });
			expect(first.result.noWebhookResponse).toBeUndefined();
		});

		it('writes nothing to the workflow static data', async () => {
			const out = await callWebhook(delivery(completedEvent()), { secret: SECRET });
			expect(out.result.workflowData).toEqual([[{ json: completedEvent() }]]);
		});

		it('does not remember forged, malformed, unselected, stale or filtered-out deliveries', async () => {
			const seen = new MemoryDedupe();
			const forged = delivery(completedEvent());
			forged.headers['x-formantai-signature'] = sign(forged.raw, 'attacker');
			await callWebhook(forged, { secret: SECRET, seen });
			await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				seen,
				parameters: { filters: { agentIds: '1' } },
			});
			await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				seen,
				parameters: { events: ['call.busy'] },
			});
			await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				seen,
				now: FIXTURE_NOW + 3_600_000,
			});
			expect(seen.lists.size).toBe(0);
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: SECRET, seen })).started,
			).toBe(true);
		});

		it('a forged copy of an accepted event_id is refused (401), not acknowledged', async () => {
			const seen = new MemoryDedupe();
			await callWebhook(delivery(completedEvent()), { secret: SECRET, seen });
			const forged = delivery(completedEvent());
			forged.headers['x-formantai-signature'] = sign(forged.raw, 'attacker');
			expect((await callWebhook(forged, { secret: SECRET, seen })).status).toBe(401);
		});

		it('remembers at most SEEN_CAPACITY events, forgetting the oldest first', async () => {
			const seen = new MemoryDedupe();
			const total = SEEN_CAPACITY + 50;
			for (let i = 0; i < total; i++) {
				await callWebhook(busy(`evt_${i}`), { seen, parameters: UNSIGNED });
			}
			expect([...seen.lists.values()][0]).toHaveLength(SEEN_CAPACITY);
			expect(
				(await callWebhook(busy(`evt_${total - 1}`), { seen, parameters: UNSIGNED })).started,
			).toBe(false);
			expect((await callWebhook(busy('evt_0'), { seen, parameters: UNSIGNED })).started).toBe(true);
		});

		it('treats odd IDs (__proto__, numbers-as-text) as ordinary IDs', async () => {
			const seen = new MemoryDedupe();
			for (const id of ['__proto__', 'constructor', '123', 'hasOwnProperty']) {
				expect((await callWebhook(busy(id), { seen, parameters: UNSIGNED })).started).toBe(true);
				expect((await callWebhook(busy(id), { seen, parameters: UNSIGNED })).started).toBe(false);
			}
			expect(({} as IDataObject).polluted).toBeUndefined();
		});

		it('in one process, claims take turns: 50 concurrent copies and originals run each event once', async () => {
			const seen = new MemoryDedupe();
			// Every claim yields between its read and its write, as a database round trip does.
			seen.pause = async () => {
				for (let i = 0; i < 5; i++) await Promise.resolve();
			};
			const ids = Array.from({ length: 25 }, (_, i) => `evt_c${i}`);
			const outs = await Promise.all(
				[...ids, ...ids].map(
					async (id) => await callWebhook(busy(id), { seen, parameters: UNSIGNED }),
				),
			);
			expect(outs.filter((o) => o.started)).toHaveLength(25);
			expect(new Set(outs.filter((o) => o.started).map((o) => o.items[0].json.event_id)).size).toBe(
				25,
			);
		});

		it('in manual mode ("Listen for test event") always shows the event, and remembers nothing', async () => {
			const seen = new MemoryDedupe();
			const d = delivery(completedEvent());
			await callWebhook(d, { secret: SECRET, seen });
			const test = await callWebhook(d, { secret: SECRET, seen, mode: 'manual' });
			expect(test.started).toBe(true);
			expect(test.items[0].json.event_id).toBe('evt_1c58c5d8c55a');
			const fresh = new MemoryDedupe();
			await callWebhook(d, { secret: SECRET, seen: fresh, mode: 'manual' });
			expect(fresh.lists.size).toBe(0);
		});
	});

	describe('replay window', () => {
		it('refuses a correctly signed delivery whose timestamp is older than the window (400), starting nothing', async () => {
			const out = await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				now: FIXTURE_NOW + 601_000,
			});
			expect(out).toMatchObject({ status: 400, executed: false });
			expect(out.body).toMatchObject({ error: 'outside_replay_window' });
			expect(JSON.stringify(out.body)).toContain('606 s old, outside the 600 s replay window');
		});

		it("accepts FormantAI's last retry (about 340 s after the event) with the default window", async () => {
			const out = await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				now: FIXTURE_NOW + 340_000,
			});
			expect(out.started).toBe(true);
		});

		it('refuses a timestamp too far in the future, and one that is missing or invalid', async () => {
			const future = await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				now: FIXTURE_NOW - 700_000,
			});
			expect(JSON.stringify(future.body)).toContain('in the future');
			for (const timestamp of [undefined, 'yesterday', 12]) {
				const out = await callWebhook(delivery(completedEvent({ timestamp })), { secret: SECRET });
				expect(out.status).toBe(400);
				expect(JSON.stringify(out.body)).toContain('no valid timestamp');
			}
		});

		it('is configurable, and 0 turns it off', async () => {
			const late = { secret: SECRET, now: FIXTURE_NOW + 700_000 };
			expect(
				(
					await callWebhook(delivery(completedEvent()), {
						...late,
						parameters: { replayWindow: 800 },
					})
				).started,
			).toBe(true);
			expect(
				(
					await callWebhook(delivery(completedEvent({ timestamp: undefined })), {
						...late,
						parameters: { replayWindow: 0 },
					})
				).started,
			).toBe(true);
		});

		it(`is at most ${MAX_REPLAY_WINDOW_SECONDS} s, what the remembered IDs cover: a larger setting counts as that`, async () => {
			const event = completedEvent();
			const at = Date.parse(String(event.timestamp));
			const aged = async (seconds: number, replayWindow: number) =>
				await callWebhook(delivery(event), {
					secret: SECRET,
					now: at + seconds * 1000,
					parameters: { replayWindow },
				});
			expect((await aged(MAX_REPLAY_WINDOW_SECONDS, 7200)).started).toBe(true);
			const refused = await aged(MAX_REPLAY_WINDOW_SECONDS + 1, 7200);
			expect(refused).toMatchObject({ status: 400, executed: false });
			expect(JSON.stringify(refused.body)).toContain(
				`${MAX_REPLAY_WINDOW_SECONDS + 1} s old, outside the ${MAX_REPLAY_WINDOW_SECONDS} s replay window`,
			);
			// 10,000 IDs spread over the longest window: 11 events/s sustained.
			expect(SEEN_CAPACITY / MAX_REPLAY_WINDOW_SECONDS).toBeGreaterThanOrEqual(11);
			const field = trigger.description.properties.find((p) => p.name === 'replayWindow');
			expect(field?.typeOptions?.maxValue).toBe(MAX_REPLAY_WINDOW_SECONDS);
			expect(field?.description).toContain('900 s');
		});
	});

	describe('filters', () => {
		const run = async (event: Record<string, unknown>, filters: INodeParameters) =>
			await callWebhook(delivery(event), { secret: SECRET, parameters: { filters } });

		it('agent IDs: starts only for the listed agents', async () => {
			expect(
				(await run(outcomeEvent('call.busy', 'a1', { agentId: 497 }), { agentIds: '12, 497' }))
					.started,
			).toBe(true);
			const out = await run(outcomeEvent('call.busy', 'a2', { agentId: 5 }), {
				agentIds: '12, 497',
			});
			expect(out).toMatchObject({ status: 200, started: false, body: { reason: 'filtered_out' } });
		});

		it('final attempt only: skips attempts FormantAI will retry; missing retry info counts as final', async () => {
			expect(
				(
					await run(outcomeEvent('call.no_answer', 'f1', { final: false }), {
						finalAttemptOnly: true,
					})
				).started,
			).toBe(false);
			expect(
				(
					await run(outcomeEvent('call.no_answer', 'f2', { final: true }), {
						finalAttemptOnly: true,
					})
				).started,
			).toBe(true);
			expect(
				(
					await run(
						{
							event_id: 'f3',
							event_type: 'call.busy',
							timestamp: FIXTURE_TIME,
							data: { call: {} },
						},
						{ finalAttemptOnly: true },
					)
				).started,
			).toBe(true);
		});

		it('result equals: every condition must match the results (compared as text)', async () => {
			const conditions = (c: Array<{ key: string; value: string }>) => ({
				results: { conditions: c },
			});
			const event = completedEvent();
			expect(
				(await run(event, conditions([{ key: 'intent', value: 'payment_confirmed' }]))).started,
			).toBe(true);
			expect(
				(await run(event, conditions([{ key: 'intent', value: 'callback_requested' }]))).started,
			).toBe(false);
			expect((await run(event, conditions([{ key: 'missing', value: '' }]))).started).toBe(false);
			expect(
				(
					await run(
						event,
						conditions([
							{ key: 'intent', value: 'payment_confirmed' },
							{ key: 'sentiment', value: 'negative' },
						]),
					)
				).started,
			).toBe(false);
			const numeric = outcomeEvent('call.completed', 'n1', {
				results: { score: 7, qualified: true },
			});
			expect(
				(
					await run(
						numeric,
						conditions([
							{ key: 'score', value: '7' },
							{ key: 'qualified', value: 'true' },
						]),
					)
				).started,
			).toBe(true);
		});

		it('a filtered-out event starts the workflow if redelivered after the filter was widened', async () => {
			const seen = new MemoryDedupe();
			const d = delivery(outcomeEvent('call.busy', 'w1', { agentId: 5 }));
			expect(
				(
					await callWebhook(d, {
						secret: SECRET,
						seen,
						parameters: { filters: { agentIds: '497' } },
					})
				).started,
			).toBe(false);
			expect(
				(
					await callWebhook(d, {
						secret: SECRET,
						seen,
						parameters: { filters: { agentIds: '497, 5' } },
					})
				).started,
			).toBe(true);
		});
	});

	describe('output', () => {
		it('simplify (default): one flat item with results, parameters, retry info and transcript turns', async () => {
			const out = await callWebhook(delivery(completedEvent()), { secret: SECRET });
			expect(out.items).toHaveLength(1);
			expect(firstItem(out)).toEqual({
				event_id: 'evt_1c58c5d8c55a',
				event_type: 'call.completed',
				event_timestamp: '2026-03-18T20:53:41.766Z',
				status: 'completed',
				conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
				agent_id: 497,
				trace_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
				from_phone: '+918065177389',
				to_phone: '+917014675791',
				duration_seconds: 142,
				started_at: '2026-03-18T20:53:41.766Z',
				ended_at: '2026-03-18T20:55:41.766Z',
				failure_reason: null,
				recording_url:
					'https://api.voice.formantai.com/v1/conversations/e36853de-9cbb-441e-ad75-d3c8ac82abfb_1/recording',
				retry_attempt_number: 1,
				retry_max_attempts: 3,
				retry_is_final_attempt: true,
				retry_next_retry_at: null,
				result_intent: 'payment_confirmed',
				result_sentiment: 'positive',
				param_customer_name: 'Rahul',
				param_loan_id: 'LN-12345',
				transcript: 'BOT: Hello Rahul...\nHUMAN: Yes, I can talk.',
				transcript_turns: [
					{ role: 'agent', message: 'Hello Rahul...' },
					{ role: 'human', message: 'Yes, I can talk.' },
				],
				signature_verified: true,
			});
		});

		it('simplify off: the event exactly as FormantAI sent it', async () => {
			const event = completedEvent();
			const out = await callWebhook(delivery(event), {
				secret: SECRET,
				parameters: { simplify: false },
			});
			expect(firstItem(out)).toEqual(event);
		});

		it('never puts the secret in any output or answer', async () => {
			const outs = [
				await callWebhook(delivery(completedEvent()), { secret: SECRET }),
				await callWebhook(delivery(completedEvent(), 'wrong'), { secret: SECRET }),
				await callWebhook(
					{ raw: '{', headers: { 'x-formantai-signature': sign('{') } },
					{ secret: SECRET },
				),
			];
			for (const out of outs) expect(JSON.stringify(out)).not.toContain(SECRET);
		});
	});
});
