/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import axios from 'axios';
import { createHmac, randomBytes } from 'crypto';
import * as http from 'http';
import * as https from 'https';

import {
	TERMINAL_STATUSES,
	type Conversation,
	type DeliveryRecord,
	type RetryContext,
	type SimContext,
	type WebhookTarget,
} from './state';

export const ALL_EVENTS = TERMINAL_STATUSES.map((s) => `call.${s}`);
export const MAX_TARGETS_PER_AGENT = 5;
export const DELIVERY_TIMEOUT_MS = 10_000;
export const MAX_DELIVERY_ATTEMPTS = 3;
/** Delay before attempt 2 and 3, each counted from the previous attempt (simulator reading of "30 s / 300 s later"). */
export const RETRY_DELAYS_MS = [30_000, 300_000];

export interface WebhookTargetInput {
	name: string;
	url: string;
	/** undefined → the simulator's default webhookSecret; null or '' → no secret (no signature header). */
	secret?: string | null;
	events?: string[];
	includeTranscript?: boolean;
	includeRecordingUrl?: boolean;
	active?: boolean;
}

/** The JSON body a receiver gets (fields per the reference §8.5/8.6). */
export interface WebhookEventPayload {
	event_id: string;
	event_type: string;
	timestamp: string;
	data: {
		call: {
			agent_id: number;
			call_parameters: Record<string, string>;
			conversation_id: string;
			duration_seconds: number | null;
			ended_at: string | null;
			failure_reason: string | null;
			from_phone: string;
			recording_url: string | null;
			started_at: string | null;
			status: string;
			to_phone: string;
			trace_id: string;
		};
		results: Record<string, unknown>;
		retry: {
			attempt_number: number;
			is_final_attempt: boolean;
			max_attempts: number;
			next_retry_at: string | null;
		};
		retry_context: RetryContext;
		transcript?: string;
	};
}

interface PendingEvent {
	event_id: string;
	event_type: string;
	conversation_id: string;
	target: WebhookTarget;
	body: Buffer;
}

// No keep-alive: finished deliveries must not hold sockets open (jest open-handle detection).
const httpAgent = new http.Agent({ keepAlive: false });
const httpsAgent = new https.Agent({ keepAlive: false });

/** One delivery attempt: the body sent as it is, any status taken as an answer, no redirects. */
async function postDelivery(url: string, body: string | Buffer, headers: Record<string, string>) {
	return await axios.post(url, body, {
		headers,
		timeout: DELIVERY_TIMEOUT_MS,
		validateStatus: () => true,
		transformRequest: [(d: unknown) => d],
		responseType: 'text',
		maxRedirects: 0,
		proxy: false,
		httpAgent,
		httpsAgent,
	});
}

export function signature(body: Buffer | string, secret: string): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class Webhooks {
	private inFlight = new Set<Promise<void>>();
	private closed = false;

	constructor(private readonly ctx: SimContext) {}

	addTarget(agentId: number, t: WebhookTargetInput): WebhookTarget {
		if (!t || typeof t.name !== 'string' || t.name.trim() === '')
			throw new Error('webhook target needs a name');
		if (typeof t.url !== 'string' || !/^https?:\/\//i.test(t.url))
			throw new Error('webhook target needs an http(s) url');
		const list = this.ctx.state.targets.get(agentId) ?? [];
		if (list.some((x) => x.name === t.name))
			throw new Error(`webhook target name "${t.name}" already used for agent ${agentId}`);
		if (list.length >= MAX_TARGETS_PER_AGENT)
			throw new Error(`agent ${agentId} already has ${MAX_TARGETS_PER_AGENT} webhook targets`);
		const events = t.events ?? ALL_EVENTS;
		const unknown = events.filter((e) => !ALL_EVENTS.includes(e));
		if (unknown.length > 0) throw new Error(`unknown webhook event(s): ${unknown.join(', ')}`);
		const target: WebhookTarget = {
			agent_id: agentId,
			name: t.name,
			url: t.url,
			secret: t.secret === undefined ? this.ctx.opts.webhookSecret : t.secret || null,
			events: [...events],
			includeTranscript: t.includeTranscript ?? false,
			includeRecordingUrl: t.includeRecordingUrl ?? false,
			active: t.active ?? true,
		};
		list.push(target);
		this.ctx.state.targets.set(agentId, list);
		return target;
	}

	/** Builds one event per subscribed active target and queues attempt 1 at the current virtual time. */
	dispatch(c: Conversation): void {
		const eventType = `call.${c.status}`;
		for (const target of this.ctx.state.targets.get(c.agent_id) ?? []) {
			if (!target.active || !target.events.includes(eventType)) continue;
			const event_id = `evt_${randomBytes(6).toString('hex')}`;
			const payload = this.payload(c, target, event_id, c.end_timestamp ?? this.ctx.clock.now());
			// Serialised once: every attempt sends the same bytes (and so the same signature).
			const ev: PendingEvent = {
				event_id,
				event_type: eventType,
				conversation_id: c.conversation_id,
				target,
				body: Buffer.from(JSON.stringify(payload)),
			};
			this.scheduleAttempt(ev, 1, this.ctx.clock.now());
		}
	}

	/** The event a target gets for a conversation's outcome, stamped `at` (epoch ms). */
	payload(
		c: Conversation,
		target: Pick<WebhookTarget, 'includeRecordingUrl' | 'includeTranscript'>,
		eventId: string,
		at: number,
	): WebhookEventPayload {
		return {
			event_id: eventId,
			event_type: `call.${c.status}`,
			timestamp: new Date(at).toISOString(),
			data: this.eventData(c, target),
		};
	}

	private eventData(
		c: Conversation,
		target: Pick<WebhookTarget, 'includeRecordingUrl' | 'includeTranscript'>,
	): WebhookEventPayload['data'] {
		const completed = c.status === 'completed';
		// The docs' example map leaves the destination out (it is to_phone).
		const callParameters = { ...c.parameters };
		delete callParameters.customer_phone;
		const data: WebhookEventPayload['data'] = {
			call: {
				agent_id: c.agent_id,
				call_parameters: callParameters,
				conversation_id: c.conversation_id,
				duration_seconds: c.duration_seconds,
				ended_at: c.end_timestamp !== null ? new Date(c.end_timestamp).toISOString() : null,
				failure_reason: c.failure_reason,
				from_phone: this.ctx.opts.fromPhone,
				recording_url:
					completed && target.includeRecordingUrl
						? `${this.ctx.baseUrl()}/v1/conversations/${encodeURIComponent(c.conversation_id)}/recording`
						: null,
				started_at: c.start_timestamp !== null ? new Date(c.start_timestamp).toISOString() : null,
				status: c.status,
				to_phone: c.contact_number,
				trace_id: c.trace_id,
			},
			results: c.results,
			// The simulator has no agent retry policy: every call is its own final attempt.
			retry: { attempt_number: 1, is_final_attempt: true, max_attempts: 1, next_retry_at: null },
			retry_context: c.retry_context ?? {
				collected_data: null,
				retry_initial_message: null,
				retry_language: null,
				retry_stage_id: null,
			},
		};
		if (completed && target.includeTranscript) {
			data.transcript = c.transcript
				.map((t) => `${t.role === 'agent' ? 'BOT' : 'HUMAN'}: ${t.message}`)
				.join('\n');
		}
		return data;
	}

	private scheduleAttempt(ev: PendingEvent, attempt: number, at: number): void {
		this.ctx.clock.schedule(at, `webhook ${ev.event_id} #${attempt}`, () => {
			if (this.closed) return undefined;
			const p = this.attempt(ev, attempt);
			this.inFlight.add(p);
			void p.finally(() => this.inFlight.delete(p));
			// In realTime mode the ticker must not stall behind a slow receiver.
			return this.ctx.opts.realTime ? undefined : p;
		});
	}

	private async attempt(ev: PendingEvent, attempt: number): Promise<void> {
		const at = this.ctx.clock.now();
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			'X-FormantAI-Event-Id': ev.event_id,
			'X-FormantAI-Event-Type': ev.event_type,
			'X-FormantAI-Timestamp': String(Math.floor(at / 1000)),
		};
		if (ev.target.secret) headers['X-FormantAI-Signature'] = signature(ev.body, ev.target.secret);
		const record: DeliveryRecord = {
			event_id: ev.event_id,
			event_type: ev.event_type,
			conversation_id: ev.conversation_id,
			target: ev.target.name,
			url: ev.target.url,
			attempt,
			at,
			ok: false,
			next_attempt_at: null,
			body: ev.body.toString('utf8'),
			headers,
		};
		this.ctx.state.deliveries.push(record);
		let retryable: boolean;
		try {
			const res = await postDelivery(ev.target.url, ev.body, headers);
			record.status = res.status;
			record.ok = res.status >= 200 && res.status < 300;
			retryable = res.status === 429 || res.status >= 500;
		} catch (e) {
			const err = e as { code?: string; message?: string };
			record.error = err.code ?? err.message ?? 'network error';
			retryable = true;
		}
		if (!record.ok && retryable && attempt < MAX_DELIVERY_ATTEMPTS && !this.closed) {
			record.next_attempt_at = at + RETRY_DELAYS_MS[attempt - 1];
			this.scheduleAttempt(ev, attempt + 1, record.next_attempt_at);
		}
	}

	/**
	 * Sends an event again exactly as its last attempt did (same body bytes, event id and
	 * signature; only X-FormantAI-Timestamp is the current virtual time), once, outside the retry
	 * schedule: what a receiver sees when a delivery is repeated. Throws for an unknown event id.
	 */
	async redeliver(eventId: string): Promise<DeliveryRecord> {
		const previous = [...this.ctx.state.deliveries].reverse().find((d) => d.event_id === eventId);
		if (!previous) throw new Error(`no delivery with event_id ${eventId}`);
		const at = this.ctx.clock.now();
		const headers = { ...previous.headers, 'X-FormantAI-Timestamp': String(Math.floor(at / 1000)) };
		const record: DeliveryRecord = {
			...previous,
			attempt: previous.attempt + 1,
			at,
			ok: false,
			status: undefined,
			error: undefined,
			next_attempt_at: null,
			headers,
			redelivery: true,
		};
		this.ctx.state.deliveries.push(record);
		try {
			const res = await postDelivery(previous.url, Buffer.from(previous.body, 'utf8'), headers);
			record.status = res.status;
			record.ok = res.status >= 200 && res.status < 300;
		} catch (e) {
			const err = e as { code?: string; message?: string };
			record.error = err.code ?? err.message ?? 'network error';
		}
		return record;
	}

	/** Resolves when no delivery is in flight (including ones started while waiting). */
	async flush(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
	}

	close(): void {
		this.closed = true;
	}
}
