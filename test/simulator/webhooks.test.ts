import { createHmac } from 'crypto';

import {
	simClient,
	startWebhookReceiver,
	type WebhookEventPayload,
	type WebhookReceiver,
} from './index';
import { useSimulator } from './useSimulator';

const payload = (r: { body: unknown }): WebhookEventPayload => r.body as WebhookEventPayload;

const T0 = Date.parse('2026-03-18T20:53:41.766Z');

const hmac = (secret: string, raw: Buffer): string =>
	`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('simulator: webhooks', () => {
	const env = useSimulator({ now: T0, webhookSecret: 'whsec_test' });
	let rx: WebhookReceiver;

	beforeEach(async () => {
		rx = await startWebhookReceiver();
	});
	afterEach(async () => {
		await rx.close();
	});

	const call = async (
		phone: string,
		extra: Record<string, unknown> = {},
		agentId = 497,
	): Promise<string> => {
		const res = await env.api.post('/v1/call', {
			agent_id: agentId,
			parameters: [
				{ name: 'customer_phone', value: phone },
				{ name: 'customer_name', value: 'Rahul' },
				{ name: 'loan_id', value: 'LN-12345' },
			],
			...extra,
		});
		expect(res.status).toBe(200);
		return env.sim.callsPlaced().slice(-1)[0].conversation_id;
	};

	it('delivers call.completed with the documented envelope, headers and a valid signature', async () => {
		env.sim.addWebhookTarget(497, {
			name: 'crm-sync',
			url: rx.url,
			includeTranscript: true,
			includeRecordingUrl: true,
		});
		const retry_context = {
			collected_data: { customer_name: 'Rahul', intent: 'payment_confirmed' },
			retry_initial_message: 'Hi Rahul, we spoke earlier about your payment.',
			retry_language: 'hi-IN',
			retry_stage_id: 'stage_follow_up',
		};
		const id = await call('+917014675791', { retry_context });
		await env.sim.clock.advance(30_000);
		expect(rx.received).toHaveLength(1);
		const r = rx.received[0];
		const body = payload(r);

		expect(r.headers['content-type']).toBe('application/json');
		expect(r.headers['x-formantai-event-id']).toBe(body.event_id);
		expect(r.headers['x-formantai-event-type']).toBe('call.completed');
		expect(r.headers['x-formantai-timestamp']).toBe(String(Math.floor((T0 + 30_000) / 1000)));
		expect(r.headers['x-formantai-signature']).toBe(hmac('whsec_test', r.raw));

		expect(body).toEqual({
			event_id: expect.stringMatching(/^evt_[0-9a-f]{12}$/),
			event_type: 'call.completed',
			timestamp: new Date(T0 + 30_000).toISOString(),
			data: {
				call: {
					agent_id: 497,
					call_parameters: { customer_name: 'Rahul', loan_id: 'LN-12345' },
					conversation_id: id,
					duration_seconds: 30,
					ended_at: new Date(T0 + 30_000).toISOString(),
					failure_reason: null,
					from_phone: '+918065177389',
					recording_url: `${env.sim.url}/v1/conversations/${id}/recording`,
					started_at: new Date(T0).toISOString(),
					status: 'completed',
					to_phone: '+917014675791',
					trace_id: env.sim.callsPlaced()[0].trace_id,
				},
				results: { intent: expect.any(String), sentiment: expect.any(String) },
				retry: { attempt_number: 1, is_final_attempt: true, max_attempts: 1, next_retry_at: null },
				retry_context,
				transcript: expect.stringMatching(/^BOT: Hello Rahul.*\nHUMAN: /s),
			},
		});
		expect(env.sim.deliveries).toEqual([
			expect.objectContaining({
				event_id: body.event_id,
				attempt: 1,
				status: 204,
				ok: true,
				target: 'crm-sync',
				at: T0 + 30_000,
			}),
		]);
		// The recording URL works (with the key) once the recording is ready.
		await env.sim.clock.advance(10_000);
		expect(
			(await env.api.get(body.data.call.recording_url!.slice(env.sim.url.length))).status,
		).toBe(200);
	});

	it('sends failure events without transcript and with recording_url null', async () => {
		env.sim.addWebhookTarget(497, {
			name: 'ops',
			url: rx.url,
			includeTranscript: true,
			includeRecordingUrl: true,
		});
		await call('+917014675795');
		await env.sim.clock.advance(30_000);
		const body = payload(rx.received[0]);
		expect(body.event_type).toBe('call.no_answer');
		expect(body.data.call).toMatchObject({
			status: 'no_answer',
			duration_seconds: null,
			recording_url: null,
			failure_reason: null,
		});
		expect(body.data).not.toHaveProperty('transcript');
		expect(body.data.retry_context).toEqual({
			collected_data: null,
			retry_initial_message: null,
			retry_language: null,
			retry_stage_id: null,
		});
	});

	it('omits transcript and recording_url unless the target asks for them', async () => {
		env.sim.addWebhookTarget(497, { name: 'plain', url: rx.url });
		await call('+917014675791');
		await env.sim.clock.advance(30_000);
		const body = payload(rx.received[0]);
		expect(body.data.call.recording_url).toBeNull();
		expect(body.data).not.toHaveProperty('transcript');
	});

	it('only delivers to active targets subscribed to the event, of the call’s agent', async () => {
		env.sim.addWebhookTarget(497, {
			name: 'completed-only',
			url: `${rx.url}/a`,
			events: ['call.completed'],
		});
		env.sim.addWebhookTarget(497, { name: 'busy-only', url: `${rx.url}/b`, events: ['call.busy'] });
		env.sim.addWebhookTarget(497, { name: 'inactive', url: `${rx.url}/c`, active: false });
		env.sim.addWebhookTarget(123, { name: 'other-agent', url: `${rx.url}/d` });
		await call('+917014675796'); // busy
		await env.sim.clock.advance(30_000);
		expect(rx.received.map((r) => r.path)).toEqual(['/hook/b']);
	});

	it('enforces 5 targets per agent and unique names', () => {
		for (let i = 0; i < 5; i++) env.sim.addWebhookTarget(497, { name: `t${i}`, url: rx.url });
		expect(() => env.sim.addWebhookTarget(497, { name: 't5', url: rx.url })).toThrow(
			'already has 5 webhook targets',
		);
		expect(() => env.sim.addWebhookTarget(123, { name: 'a', url: rx.url })).not.toThrow();
		expect(() => env.sim.addWebhookTarget(123, { name: 'a', url: rx.url })).toThrow('already used');
	});

	it('omits the signature header when the target has no secret', async () => {
		env.sim.addWebhookTarget(497, { name: 'unsigned', url: rx.url, secret: null });
		await call('+917014675791');
		await env.sim.clock.advance(30_000);
		expect(rx.received[0].headers).not.toHaveProperty('x-formantai-signature');
	});

	it('uses the target’s own secret', async () => {
		env.sim.addWebhookTarget(497, { name: 'own', url: rx.url, secret: 'per-target-secret' });
		await call('+917014675791');
		await env.sim.clock.advance(30_000);
		expect(rx.received[0].headers['x-formantai-signature']).toBe(
			hmac('per-target-secret', rx.received[0].raw),
		);
	});

	it('retries on 5xx / 429 / network errors at +30 s and then +300 s with the same event and bytes', async () => {
		env.sim.addWebhookTarget(497, { name: 'flaky', url: rx.url });
		rx.respond((_, n) => (n === 1 ? 503 : n === 2 ? 'reset' : 429));
		await call('+917014675791');
		const end = T0 + 30_000;
		await env.sim.clock.advance(30_000);
		expect(rx.received).toHaveLength(1);
		await env.sim.clock.advance(29_999);
		expect(rx.received).toHaveLength(1);
		await env.sim.clock.advance(1);
		expect(rx.received).toHaveLength(2);
		await env.sim.clock.advance(300_000);
		expect(rx.received).toHaveLength(3);
		await env.sim.clock.advance(3_600_000);
		expect(rx.received).toHaveLength(3);

		const ids = new Set(rx.received.map((r) => r.headers['x-formantai-event-id']));
		expect(ids.size).toBe(1);
		expect(rx.received[1].raw.equals(rx.received[0].raw)).toBe(true);
		expect(rx.received[2].raw.equals(rx.received[0].raw)).toBe(true);
		for (const r of rx.received)
			expect(r.headers['x-formantai-signature']).toBe(hmac('whsec_test', r.raw));

		expect(
			env.sim.deliveries.map((d) => ({
				attempt: d.attempt,
				at: d.at,
				status: d.status,
				ok: d.ok,
				next: d.next_attempt_at,
			})),
		).toEqual([
			{ attempt: 1, at: end, status: 503, ok: false, next: end + 30_000 },
			{ attempt: 2, at: end + 30_000, status: undefined, ok: false, next: end + 330_000 },
			{ attempt: 3, at: end + 330_000, status: 429, ok: false, next: null },
		]);
		expect(env.sim.deliveries[1].error).toBeTruthy();
	});

	it('stops after a 2xx on a retry, and does not retry other 4xx', async () => {
		env.sim.addWebhookTarget(497, { name: 'recovering', url: `${rx.url}/ok` });
		env.sim.addWebhookTarget(497, { name: 'rejecting', url: `${rx.url}/reject` });
		let okCalls = 0;
		rx.respond((r) => {
			if (r.path.endsWith('/reject')) return 400;
			okCalls++;
			return okCalls === 1 ? 500 : 200;
		});
		await call('+917014675791');
		await env.sim.clock.advance(30_000 + 30_000 + 300_000);
		const byTarget = (t: string) =>
			env.sim.deliveries.filter((d) => d.target === t).map((d) => d.status);
		expect(byTarget('recovering')).toEqual([500, 200]);
		expect(byTarget('rejecting')).toEqual([400]);
	});

	it('endCall delivers the forced outcome immediately', async () => {
		env.sim.addWebhookTarget(497, { name: 'x', url: rx.url });
		const id = await call('+917014675791');
		await env.sim.endCall(id, 'telephony_failed');
		expect(rx.received).toHaveLength(1);
		expect(payload(rx.received[0]).event_type).toBe('call.telephony_failed');
		expect(payload(rx.received[0]).data.call.failure_reason).toBe('telephony_provider_error');
	});

	it('delivers for batch rows too', async () => {
		env.sim.addWebhookTarget(123, { name: 'batch', url: rx.url });
		env.sim.seedBatch({
			agentId: 123,
			rows: [{ customer_phone: '+919812345670', customer_name: 'Anita', loan_id: 'LN-67890' }],
		});
		await env.sim.clock.advance(31_000);
		expect(payload(rx.received[0]).data.call.call_parameters).toEqual({
			customer_name: 'Anita',
			loan_id: 'LN-67890',
		});
	});

	it('redelivers a past event byte for byte, once, over the admin API', async () => {
		env.sim.addWebhookTarget(497, { name: 'again', url: rx.url });
		const id = await call('+917014675791');
		await env.sim.endCall(id);
		const first = rx.received[0];
		const eventId = payload(first).event_id;
		await env.sim.clock.advance(45_000);

		const admin = simClient(env.sim, { apiKey: null });
		const res = await admin.post(`/__admin/deliveries/${eventId}/redeliver`);
		expect(res.status).toBe(200);
		expect(res.data.data).toMatchObject({
			event_id: eventId,
			attempt: 2,
			status: 204,
			redelivery: true,
		});
		expect(rx.received).toHaveLength(2);
		const second = rx.received[1];
		expect(second.raw.equals(first.raw)).toBe(true);
		expect(second.headers['x-formantai-signature']).toBe(hmac('whsec_test', first.raw));
		expect(second.headers['x-formantai-event-id']).toBe(eventId);
		expect(Number(second.headers['x-formantai-timestamp'])).toBe(
			Number(first.headers['x-formantai-timestamp']) + 45,
		);
		// Outside the retry schedule: nothing more follows.
		await env.sim.clock.advance(400_000);
		expect(rx.received).toHaveLength(2);
		expect((await admin.post('/__admin/deliveries/evt_unknown/redeliver')).status).toBe(404);
	});
});
