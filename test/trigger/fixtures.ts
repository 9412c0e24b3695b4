import { createHmac } from 'node:crypto';

export const SECRET = 'whsec_trigger_test_secret';

/** The published `call.completed` example, with a full recording URL. */
export function completedEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		event_id: 'evt_1c58c5d8c55a',
		event_type: 'call.completed',
		timestamp: '2026-03-18T20:53:41.766Z',
		data: {
			call: {
				agent_id: 497,
				call_parameters: { customer_name: 'Rahul', loan_id: 'LN-12345' },
				conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
				duration_seconds: 142,
				ended_at: '2026-03-18T20:55:41.766Z',
				failure_reason: null,
				from_phone: '+918065177389',
				recording_url:
					'https://api.voice.formantai.com/v1/conversations/e36853de-9cbb-441e-ad75-d3c8ac82abfb_1/recording',
				started_at: '2026-03-18T20:53:41.766Z',
				status: 'completed',
				to_phone: '+917014675791',
				trace_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
			},
			results: { intent: 'payment_confirmed', sentiment: 'positive' },
			retry: { attempt_number: 1, is_final_attempt: true, max_attempts: 3, next_retry_at: null },
			retry_context: {
				collected_data: { customer_name: 'Rahul', intent: 'payment_confirmed' },
				retry_initial_message: 'Hi Rahul, we spoke earlier about your payment.',
				retry_language: 'hi-IN',
				retry_stage_id: 'stage_follow_up',
			},
			transcript: 'BOT: Hello Rahul...\nHUMAN: Yes, I can talk.',
		},
		...overrides,
	};
}

/** A non-completed outcome shaped like the visible part of the `call.no_answer` example. */
export function outcomeEvent(
	eventType: string,
	eventId: string,
	extra: { agentId?: number; final?: boolean; results?: Record<string, unknown> } = {},
): Record<string, unknown> {
	const status = eventType.replace(/^call\./, '');
	return {
		event_id: eventId,
		event_type: eventType,
		timestamp: '2026-03-18T20:53:41.766Z',
		data: {
			call: {
				agent_id: extra.agentId ?? 497,
				call_parameters: { customer_name: 'Rahul' },
				conversation_id: `conv-${eventId}_1`,
				duration_seconds: null,
				ended_at: '2026-03-18T20:54:11.766Z',
				failure_reason: null,
				from_phone: '+918065177389',
				recording_url: null,
				started_at: '2026-03-18T20:53:41.766Z',
				status,
				to_phone: '+917014675791',
			},
			results: extra.results ?? {},
			retry: {
				attempt_number: extra.final === false ? 1 : 3,
				is_final_attempt: extra.final ?? true,
				max_attempts: 3,
				next_retry_at: extra.final === false ? '2026-03-18T21:24:11.766Z' : null,
			},
		},
	};
}

export function sign(raw: string | Buffer, secret = SECRET): string {
	return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** A delivery as FormantAI sends it: exact bytes, its headers, signed when a secret is given. */
export function delivery(
	event: Record<string, unknown>,
	secret: string | null = SECRET,
): { raw: Buffer; headers: Record<string, string> } {
	const raw = Buffer.from(JSON.stringify(event));
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'x-formantai-event-id': String(event.event_id),
		'x-formantai-event-type': String(event.event_type),
		'x-formantai-timestamp': '1773867221',
	};
	if (secret !== null) headers['x-formantai-signature'] = sign(raw, secret);
	return { raw, headers };
}

/** Seeded PRNG (mulberry32): the fuzz test is the same on every run. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
