import type { IDataObject } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { runtime } from '../../nodes/FormantAi/transport';
import { registerNodeType, callRequests, startEngine, T0 } from '../harness';
import type { Engine } from '../harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const call = (extra: IDataObject = {}) => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '+91 98765-43210',
	...extra,
});

describe('Call → Create', () => {
	let engine: Engine;
	beforeEach(async () => {
		engine = await startEngine();
	});
	afterEach(async () => {
		await engine.close();
	});

	it('places one call with a normalised phone and outputs the response, phone and key', async () => {
		const result = await engine.run(call());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json;
		expect(json).toMatchObject({
			status: 'initiated',
			agent_id: 123,
			conversation_id: null,
			scheduled_for: null,
			customer_phone: '+919876543210',
		});
		expect(json.trace_id).toEqual(expect.stringMatching(UUID));
		expect(json.idempotency_key).toEqual(expect.stringMatching(UUID));
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const [request] = callRequests(engine.sim);
		expect(request.body).toEqual({
			agent_id: 123,
			parameters: [{ name: 'customer_phone', value: '+919876543210' }],
			idempotency_key: json.idempotency_key,
		});
		expect(engine.sim.callsPlaced()).toHaveLength(1);
	});

	it('uses the default country code for national numbers', async () => {
		const result = await engine.run(
			call({ customerPhone: '(415) 555-2671', options: { defaultCountryCode: '+1' } }),
		);
		expect(result.items[0].json.customer_phone).toBe('+14155552671');
		expect(engine.sim.callsPlaced()[0].phone).toBe('+14155552671');
	});

	it('sends rows and an object as string parameters, customer_phone once and always the phone', async () => {
		await engine.run(
			call({
				callParameters: {
					parameter: [
						{ name: 'customer_name', value: 'Rahul' },
						{ name: 'customer_phone', value: '+15550000000' },
						{ name: 'loan_id', value: 'LN-1' },
					],
				},
				options: {
					parametersObject:
						'={{ { loan_id: "from-object", due: 29000, vip: true, tags: ["a"], address: { city: "Pune" }, customer_phone: "+4400" } }}',
				},
			}),
		);
		const body = callRequests(engine.sim)[0].body as IDataObject;
		expect(body.parameters).toEqual([
			{ name: 'customer_phone', value: '+919876543210' },
			{ name: 'loan_id', value: 'LN-1' },
			{ name: 'due', value: '29000' },
			{ name: 'vip', value: 'true' },
			{ name: 'tags', value: '["a"]' },
			{ name: 'address', value: '{"city":"Pune"}' },
			{ name: 'customer_name', value: 'Rahul' },
		]);
	});

	it('evaluates expressions per item, one call and one linked output per item', async () => {
		const input = [
			{ json: { phone: '+919876543210', name: 'A' } },
			{ json: { phone: '+14155552671', name: 'B' } },
			{ json: { phone: '+447911123456', name: 'C' } },
		];
		const result = await engine.run(
			call({
				customerPhone: '={{ $json.phone }}',
				callParameters: { parameter: [{ name: 'customer_name', value: '={{ $json.name }}' }] },
			}),
			{ input },
		);
		expect(result.items.map((i) => i.json.customer_phone)).toEqual(input.map((i) => i.json.phone));
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const placed = engine.sim.callsPlaced();
		expect(placed.map((p) => p.parameters.customer_name)).toEqual(['A', 'B', 'C']);
		expect(new Set(placed.map((p) => p.idempotency_key)).size).toBe(3);
	});

	it('schedules a call at a local time, sent as UTC', async () => {
		const result = await engine.run(
			call({ schedule: 'at', scheduledFor: '2026-03-20T09:30:00', timeZone: 'Asia/Kolkata' }),
		);
		expect(result.error).toBeUndefined();
		expect((callRequests(engine.sim)[0].body as IDataObject).scheduled_for).toBe(
			'2026-03-20T04:00:00Z',
		);
		expect(result.items[0].json).toMatchObject({
			status: 'scheduled',
			scheduled_for: '2026-03-20T04:00:00Z',
		});
		expect(engine.sim.callsPlaced()).toHaveLength(0);
	});

	it('accepts a schedule with its own offset and a Luxon value from an expression', async () => {
		await engine.run(call({ schedule: 'at', scheduledFor: '2026-03-19T08:00:00+02:00' }));
		await engine.run(
			call({
				customerPhone: '+14155552671',
				schedule: 'at',
				scheduledFor: `={{ DateTime.fromMillis(${T0}).plus({ hours: 2 }) }}`,
			}),
		);
		const sent = callRequests(engine.sim).map((r) => (r.body as IDataObject).scheduled_for);
		expect(sent).toEqual(['2026-03-19T06:00:00Z', '2026-03-18T12:00:00Z']);
	});

	it('sends conversation ID, metadata (objects as JSON) and retry context', async () => {
		const conversationId = 'a3f47b9e-8c2d-4f1a-9b7e-2d5f3c6a7b8e';
		const result = await engine.run(
			call({
				options: {
					conversationId,
					metadata: '={{ { crm: "lead-1", score: 7 } }}',
					retryCollectedData: '{"customer_name":"Rahul","intent":"payment_follow_up"}',
					retryInitialMessage: 'Hi Rahul, we spoke earlier about your payment.',
					retryLanguage: 'hi-IN',
					retryStageId: 'stage_follow_up',
				},
			}),
		);
		const body = callRequests(engine.sim)[0].body as IDataObject;
		expect(body).toMatchObject({
			conversation_id: conversationId,
			metadata: '{"crm":"lead-1","score":7}',
			retry_context: {
				collected_data: { customer_name: 'Rahul', intent: 'payment_follow_up' },
				retry_initial_message: 'Hi Rahul, we spoke earlier about your payment.',
				retry_language: 'hi-IN',
				retry_stage_id: 'stage_follow_up',
			},
		});
		expect(result.items[0].json.conversation_id).toBe(conversationId);
	});

	describe('idempotency', () => {
		it('Automatic: a new execution gets a new key and calls again', async () => {
			const first = await engine.run(call());
			const second = await engine.run(call());
			expect(first.items[0].json.idempotency_key).not.toBe(second.items[0].json.idempotency_key);
			expect(engine.sim.callsPlaced()).toHaveLength(2);
		});

		it('Custom: a key already used yields duplicate: true and no second call', async () => {
			const params = call({ idempotencyKeyMode: 'custom', idempotencyKey: '={{ $json.invoice }}' });
			const first = await engine.run(params, { input: [{ json: { invoice: 'INV-42' } }] });
			const second = await engine.run(params, { input: [{ json: { invoice: 'INV-42' } }] });
			expect(first.items[0].json.idempotency_key).toBe('INV-42');
			expect(second.error).toBeUndefined();
			expect(second.items[0].json).toMatchObject({
				duplicate: true,
				status: 'duplicate',
				idempotency_key: 'INV-42',
				customer_phone: '+919876543210',
			});
			expect(second.items[0].pairedItem).toEqual({ item: 0 });
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});

		it('None: no key is sent and nothing is retried', async () => {
			engine.sim.faults.add({ path: '/v1/call', kind: 'error500' });
			const result = await engine.run(call({ idempotencyKeyMode: 'none' }));
			expect(result.error?.message).toBe('internal server error');
			expect(callRequests(engine.sim)).toHaveLength(1);
			expect((callRequests(engine.sim)[0].body as IDataObject).idempotency_key).toBeUndefined();
			const retry = await engine.run(call({ idempotencyKeyMode: 'none' }));
			expect(retry.items[0].json.idempotency_key).toBeNull();
		});

		it("n8n's Retry On Fail never dials twice with the Automatic key", async () => {
			// Every attempt of the first try reaches FormantAI, then its answer is replaced by a 500.
			engine.sim.faults.add({ path: '/v1/call', kind: 'error500', after: true, count: 4 });
			const result = await engine.run(call(), { retryOnFail: { maxTries: 3 } });
			expect(result.error).toBeUndefined();
			expect(callRequests(engine.sim).length).toBeGreaterThan(4);
			expect(engine.sim.callsPlaced()).toHaveLength(1);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.duplicate).toBe(true);
			const keys = new Set(
				callRequests(engine.sim).map((r) => (r.body as IDataObject).idempotency_key),
			);
			expect(keys.size).toBe(1);
		});
	});

	describe('fault matrix: no retry ever places a second call', () => {
		const kinds = [
			'error500',
			'html502',
			'truncatedJson',
			'reset',
			'hang',
			'rateLimit429',
			'concurrent429',
		] as const;
		for (const kind of kinds) {
			for (const after of [false, true]) {
				it(`${kind}${after ? ' after processing (answer lost)' : ''}: exactly one call`, async () => {
					if (kind === 'hang') {
						runtime.requestTimeoutMs = 250;
						engine.sim.faults.add({ path: '/v1/call', kind, after });
					} else engine.sim.faults.add({ path: '/v1/call', kind, after, retryAfter: 1 });
					// A full workspace is only waited out when the user asks (Wait for Free Slot).
					const result = await engine.run(
						kind === 'concurrent429'
							? call({ options: { waitForFreeSlot: true, maxWaitSeconds: 60 } })
							: call(),
					);
					expect(result.error).toBeUndefined();
					expect(engine.sim.callsPlaced()).toHaveLength(1);
					expect(callRequests(engine.sim)).toHaveLength(2);
					const json = result.items[0].json;
					if (after) {
						expect(json).toMatchObject({ duplicate: true, customer_phone: '+919876543210' });
					} else {
						expect(json).toMatchObject({ status: 'initiated', customer_phone: '+919876543210' });
					}
				});
			}
		}

		it('a fault that never clears fails clearly after bounded retries, one call at most', async () => {
			engine.sim.faults.add({ path: '/v1/call', kind: 'html502', after: true, count: 100 });
			const result = await engine.run(call());
			expect(result.error?.message).toContain('HTML page');
			expect(result.error?.description).toContain('Gave up after 4 attempts');
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});

		it('a hang times out (small request timeout) and the retry does not dial twice', async () => {
			runtime.requestTimeoutMs = 250;
			engine.sim.faults.add({ path: '/v1/call', kind: 'hang', after: true, count: 100 });
			const result = await engine.run(call());
			expect(result.error?.message).toMatch(/no answer arrived within/);
			expect(result.error?.context?.formantAi).toMatchObject({ attempts: 4 });
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});
	});

	describe('concurrent call limit', () => {
		let busy: Engine;
		beforeEach(async () => {
			await engine.close();
			busy = await startEngine({ maxConcurrentCalls: 1, callDurationMs: 120_000 });
			engine = busy;
			await engine.run(call({ customerPhone: '+14155552671' }));
			engine.sim.clearLog();
		});

		it('without waiting: a clear error saying how many calls are live, nothing placed', async () => {
			const result = await engine.run(call({ idempotencyKeyMode: 'none' }));
			expect(result.error?.message).toBe(
				'concurrent call limit reached. 1 simultaneous calls allowed.',
			);
			expect(result.error?.description).toContain('1 of 1 simultaneous calls are live now');
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});

		it('Wait for Free Slot waits (bounded) and then places the call once', async () => {
			const result = await engine.run(
				call({ options: { waitForFreeSlot: true, maxWaitSeconds: 300 } }),
			);
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('initiated');
			expect(engine.sim.callsPlaced()).toHaveLength(2);
			expect(engine.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300_000);
		});

		it('Wait for Free Slot gives up after Max Wait with the live-call count', async () => {
			const result = await engine.run(
				call({
					idempotencyKeyMode: 'none',
					options: { waitForFreeSlot: true, maxWaitSeconds: 30 },
				}),
			);
			expect(result.error?.description).toContain('1 of 1 simultaneous calls are live now');
			expect(result.error?.description).toContain('Max Wait for Free Slot is 30 s');
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});
	});

	describe('calling window', () => {
		const window = (outside: string, start = '18:00', end = '21:00') => ({
			callingWindow: {
				window: {
					days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
					start,
					end,
					timeZone: 'Asia/Kolkata',
					outside,
				},
			},
		});

		it('inside the window the call is placed', async () => {
			const result = await engine.run(call({ safety: window('fail', '09:00', '18:00') }));
			expect(result.items[0].json.status).toBe('initiated');
		});

		it('fail: an error naming the window, nothing sent', async () => {
			const result = await engine.run(call({ safety: window('fail') }));
			expect(result.error?.message).toMatch(
				/^Calling Window: .*outside the calling window .*\[item 0\]$/,
			);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('skip: an item saying it was skipped and why, nothing sent', async () => {
			const result = await engine.run(call({ safety: window('skip') }));
			expect(result.items[0].json).toMatchObject({
				status: 'skipped',
				skipped: true,
				customer_phone: '+919876543210',
				next_window_opens_at: '2026-03-18T12:30:00Z',
			});
			expect(result.items[0].json.reason).toContain('outside the calling window');
			expect(engine.sim.log).toHaveLength(0);
		});

		it('schedule: scheduled for the next opening', async () => {
			const result = await engine.run(call({ safety: window('schedule') }));
			expect(result.items[0].json).toMatchObject({
				status: 'scheduled',
				scheduled_for: '2026-03-18T12:30:00Z',
			});
		});

		it('a scheduled time is checked against the window too', async () => {
			const result = await engine.run(
				call({
					schedule: 'at',
					scheduledFor: '2026-03-21T10:00:00',
					timeZone: 'Asia/Kolkata',
					safety: window('schedule', '09:00', '18:00'),
				}),
			);
			// Saturday → Monday 09:00 IST.
			expect(result.items[0].json.scheduled_for).toBe('2026-03-23T03:30:00Z');
		});
	});

	describe('as an AI agent tool', () => {
		beforeAll(() => {
			registerNodeType('formantAiTool', new FormantAi());
		});

		it('refuses to dial without Allowed Destinations', async () => {
			const result = await engine.run(call(), { type: 'formantAiTool' });
			expect(result.error?.message).toMatch(/^Allowed Destinations: .*AI agent.*\[item 0\]$/);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('recognises $fromAI parameters and a toolCallId in the input as tool mode too', async () => {
			const viaFromAi = await engine.run(
				call({ customerPhone: "={{ $fromAI('phone', 'Number to call', 'string') }}" }),
				{ input: [{ json: { phone: '+919876543210' } }] },
			);
			expect(viaFromAi.error?.message).toMatch(/^Allowed Destinations:/);
			const viaInput = await engine.run(call(), {
				input: [{ json: { toolCallId: 'call_abc' } }],
			});
			expect(viaInput.error?.message).toMatch(/^Allowed Destinations:/);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('dials allowed destinations only, and keeps the output small', async () => {
			const safety = { allowedDestinations: '+91, +1415*' };
			const ok = await engine.run(call({ safety, options: { retryLanguage: 'hi-IN' } }), {
				type: 'formantAiTool',
			});
			expect(ok.items[0].json.status).toBe('initiated');
			expect(ok.items[0].json.retry_context).toBeUndefined();
			const refused = await engine.run(call({ customerPhone: '+447911123456', safety }), {
				type: 'formantAiTool',
			});
			expect(refused.error?.message).toContain('+447911123456 is not in Allowed Destinations');
			expect(engine.sim.callsPlaced()).toHaveLength(1);
		});

		it('Allowed Destinations also applies outside tool mode', async () => {
			const result = await engine.run(
				call({ customerPhone: '+447911123456', safety: { allowedDestinations: '91' } }),
			);
			expect(result.error?.message).toMatch(
				/^Customer Phone: .*not in Allowed Destinations.*\[item 0\]$/,
			);
			expect(engine.sim.log).toHaveLength(0);
		});
	});

	describe('Continue On Fail', () => {
		it('a failed item becomes a linked error item; the others go on', async () => {
			const input = [
				{ json: { phone: '+919876543210', agent: 123 } },
				{ json: { phone: '+919876543211', agent: 999 } },
				{ json: { phone: 'call me maybe', agent: 123 } },
				{ json: { phone: '+14155552671', agent: 456 } },
			];
			const result = await engine.run(
				call({ customerPhone: '={{ $json.phone }}', agentId: '={{ $json.agent }}' }),
				{ input, continueOnFail: true },
			);
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
				{ item: 3 },
			]);
			expect(result.items[0].json.status).toBe('initiated');
			expect(result.items[1].json).toMatchObject({
				error: 'agent not found',
				httpCode: '404',
				type: 'not_found',
			});
			expect(String(result.items[2].json.error)).toMatch(/^Customer Phone: .*\[item 2\]$/);
			expect(result.items[3].json.status).toBe('initiated');
			expect(engine.sim.callsPlaced()).toHaveLength(2);
		});
	});

	it('never shows the API key, in outputs or errors', async () => {
		engine.sim.faults.add({ path: '/v1/call', kind: 'truncatedJson', count: 100 });
		const failed = await engine.run(call());
		engine.sim.faults.clear();
		const ok = await engine.run(call(), {
			continueOnFail: true,
			input: [{ json: {} }, { json: {} }],
		});
		const text = JSON.stringify([failed.run, failed.error, ok.run, ok.items]);
		expect(text).not.toContain(engine.sim.apiKey);
		expect(failed.error).toBeDefined();
	});
});
