import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EVENT_TYPES } from '../../nodes/FormantAiTrigger/event';
import { SEEN_CAPACITY } from '../../nodes/FormantAiTrigger/dedupe';
import { callWebhook } from './context';
import { completedEvent, delivery, outcomeEvent, SECRET, sign } from './fixtures';

const UNSIGNED = { authentication: 'none' };

function firstItem(outcome: Awaited<ReturnType<typeof callWebhook>>): IDataObject {
	return outcome.result.workflowData![0][0].json;
}

describe('FormantAI Trigger webhook (mocked context)', () => {
	describe('signature', () => {
		it('starts the workflow for a correctly signed delivery', async () => {
			const out = await callWebhook(delivery(completedEvent()), { secret: SECRET });
			expect(out.started).toBe(true);
			expect(out.status).toBe(200);
			// Answered by the node itself, before the run starts (so n8n saves the seen ids).
			expect(out.result.noWebhookResponse).toBe(true);
			expect(out.body).toEqual({ received: true, started: true });
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
			const out = await callWebhook(delivery({ event_id: 'evt_bare', event_type: 'call.failed' }), {
				secret: SECRET,
			});
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
					event_type: 'call.failed',
					data: { call: null, results: null, retry: null },
				}),
				{ secret: SECRET },
			);
			expect(nulls.started).toBe(true);
		});
	});

	describe('dedupe', () => {
		it('starts once for the same event_id delivered again, answering the copy with 200', async () => {
			const staticData: IDataObject = {};
			const d = delivery(completedEvent());
			const first = await callWebhook(d, { secret: SECRET, staticData });
			const second = await callWebhook(d, { secret: SECRET, staticData });
			expect(first.started).toBe(true);
			expect(second).toMatchObject({ status: 200, started: false, body: { reason: 'duplicate' } });
		});

		it('keeps what it remembers in the static data as plain JSON (it survives a restart)', async () => {
			const staticData: IDataObject = {};
			await callWebhook(delivery(completedEvent()), { secret: SECRET, staticData });
			const restored = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const again = await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				staticData: restored,
			});
			expect(again.started).toBe(false);
		});

		it('does not remember forged, malformed, unselected or filtered-out deliveries', async () => {
			const staticData: IDataObject = {};
			const forged = delivery(completedEvent());
			forged.headers['x-formantai-signature'] = sign(forged.raw, 'attacker');
			await callWebhook(forged, { secret: SECRET, staticData });
			await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				staticData,
				parameters: { filters: { agentIds: '1' } },
			});
			await callWebhook(delivery(completedEvent()), {
				secret: SECRET,
				staticData,
				parameters: { events: ['call.busy'] },
			});
			expect(staticData.seenEvents).toBeUndefined();
			// So the genuine delivery still starts the workflow.
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: SECRET, staticData })).started,
			).toBe(true);
		});

		it('a forged copy of an accepted event_id is refused (401), not acknowledged', async () => {
			const staticData: IDataObject = {};
			await callWebhook(delivery(completedEvent()), { secret: SECRET, staticData });
			const forged = delivery(completedEvent());
			forged.headers['x-formantai-signature'] = sign(forged.raw, 'attacker');
			expect((await callWebhook(forged, { secret: SECRET, staticData })).status).toBe(401);
		});

		it('remembers at most the capacity (plus bulk-pruning slack), forgetting the oldest first', async () => {
			const staticData: IDataObject = {};
			const total = SEEN_CAPACITY + 600;
			for (let i = 0; i < total; i++) {
				await callWebhook(delivery(outcomeEvent('call.busy', `evt_${i}`), null), {
					staticData,
					parameters: UNSIGNED,
				});
			}
			const store = staticData.seenEvents as { ids: IDataObject; order: string[] };
			expect(store.order.length).toBeLessThanOrEqual(SEEN_CAPACITY + 500);
			expect(Object.keys(store.ids)).toHaveLength(store.order.length);
			expect(store.order[store.order.length - 1]).toBe(`evt_${total - 1}`);
			// The newest are still caught; the oldest were forgotten.
			expect(
				(
					await callWebhook(delivery(outcomeEvent('call.busy', `evt_${total - 1}`), null), {
						staticData,
						parameters: UNSIGNED,
					})
				).started,
			).toBe(false);
			expect(
				(
					await callWebhook(delivery(outcomeEvent('call.busy', 'evt_0'), null), {
						staticData,
						parameters: UNSIGNED,
					})
				).started,
			).toBe(true);
		});

		it('treats odd IDs (__proto__, numbers-as-text) as ordinary IDs', async () => {
			const staticData: IDataObject = {};
			for (const id of ['__proto__', 'constructor', '123', 'hasOwnProperty']) {
				const d = delivery(outcomeEvent('call.busy', id), null);
				expect((await callWebhook(d, { staticData, parameters: UNSIGNED })).started).toBe(true);
				expect((await callWebhook(d, { staticData, parameters: UNSIGNED })).started).toBe(false);
			}
			expect(({} as IDataObject).polluted).toBeUndefined();
		});

		it('repairs a static data store that is not in the expected shape', async () => {
			const staticData: IDataObject = { seenEvents: 'garbage' };
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: SECRET, staticData })).started,
			).toBe(true);
			expect(
				(await callWebhook(delivery(completedEvent()), { secret: SECRET, staticData })).started,
			).toBe(false);
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
						{ event_id: 'f3', event_type: 'call.busy', data: { call: {} } },
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
			const staticData: IDataObject = {};
			const d = delivery(outcomeEvent('call.busy', 'w1', { agentId: 5 }));
			expect(
				(
					await callWebhook(d, {
						secret: SECRET,
						staticData,
						parameters: { filters: { agentIds: '497' } },
					})
				).started,
			).toBe(false);
			expect(
				(
					await callWebhook(d, {
						secret: SECRET,
						staticData,
						parameters: { filters: { agentIds: '497, 5' } },
					})
				).started,
			).toBe(true);
		});
	});

	describe('output', () => {
		it('simplify (default): one flat item with results, parameters, retry info and transcript turns', async () => {
			const out = await callWebhook(delivery(completedEvent()), { secret: SECRET });
			expect(out.result.workflowData).toHaveLength(1);
			expect(out.result.workflowData![0]).toHaveLength(1);
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
