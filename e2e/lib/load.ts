/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e load driver on loopback, never shipped */
import { createHmac, randomUUID } from 'crypto';
import { request } from 'http';

import type { IConnections, INode } from 'n8n-workflow';

import type { WorkflowImport } from './cli';
import { EXAMPLE_CREDENTIALS } from './examples';

/**
 * The load of issue 11: N distinct signed `call.busy` events, R byte-identical re-sends (each sent
 * only after its original was answered 2xx), F forged and U unsigned deliveries, `inFlight` at a
 * time, spread round-robin over the given webhook URLs. A genuine delivery answered with an error
 * is sent again, as FormantAI does, up to 3 attempts.
 */
export interface LoadOptions {
	urls: string[];
	secret: string;
	events: number;
	resends: number;
	forged: number;
	unsigned: number;
	inFlight: number;
	/** Prefix of the event ids, so runs never collide. */
	prefix: string;
	/** The event ids (default: `prefix` + a 5-digit index). */
	eventIds?: string[];
	/** An event's body, built when it is first sent (default: a `call.busy` event stamped then). */
	event?: (eventId: string) => Buffer;
	/** Per attempt: no answer within this is a failed attempt (default 60 s; FormantAI: 10 s). */
	timeoutMs?: number;
	/** Delays before attempts 2, 3, … of a genuine delivery that failed (default 30 s, 60 s). */
	retryDelaysMs?: readonly number[];
	/** Called on every answer to a genuine delivery (status 0: refused or no answer in time). */
	onAnswer?: (status: number) => void;
	/** Awaited before an event's first delivery (e.g. to send it to two workflows in step). */
	beforeFirstSend?: (eventId: string) => Promise<void>;
}

export interface LoadResult {
	eventIds: string[];
	/** Answers to genuine deliveries (originals, re-sends and their retries) by status. */
	genuineStatuses: Record<number, number>;
	/** Genuine deliveries answered other than 2xx (each was re-sent). */
	genuineNon2xx: number;
	/** Genuine deliveries still not accepted after 3 attempts. */
	gaveUp: number;
	/** Attempts sent again after a failed one (error answer, refused or no answer in time). */
	retried: number;
	/** Byte-identical copies sent after their original was accepted. */
	resent: number;
	/** Events with at least one delivery answered 2xx. */
	acceptedEventIds: Set<string>;
	/** Events two of whose deliveries were answered 2xx (the original and its copy). */
	acceptedTwiceEventIds: Set<string>;
	forgedStatuses: Record<number, number>;
	unsignedStatuses: Record<number, number>;
	/** 2xx answers to genuine deliveries: each is an execution n8n recorded. */
	accepted: number;
	sendStartedAt: number;
	sendEndedAt: number;
	latenciesMs: number[];
}

interface Answer {
	status: number;
	ms: number;
}

function post(
	url: string,
	body: Buffer,
	headers: Record<string, string>,
	timeoutMs = 60_000,
): Promise<Answer> {
	const started = Date.now();
	return new Promise<Answer>((resolve) => {
		const req = request(
			url,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'content-length': String(body.length),
					...headers,
				},
				timeout: timeoutMs,
				agent: false,
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
				res.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
		req.end(body);
	});
}

/** Retry delays after a failed attempt, 3 attempts in all (FormantAI: 30 s and 300 s; the second shortened). */
const RETRY_DELAYS_MS = [30_000, 60_000];

export function signBody(raw: Buffer, secret: string): string {
	return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

export function busyEvent(eventId: string, at = new Date()): Buffer {
	return Buffer.from(
		JSON.stringify({
			event_id: eventId,
			event_type: 'call.busy',
			timestamp: at.toISOString(),
			data: {
				call: {
					agent_id: 123,
					conversation_id: `${eventId}-conv`,
					status: 'busy',
					to_phone: '+919845000000',
					recording_url: null,
					call_parameters: { lead_id: eventId },
				},
				results: {},
				retry: { attempt_number: 1, max_attempts: 1, is_final_attempt: true, next_retry_at: null },
			},
		}),
	);
}

const bump = (counts: Record<number, number>, status: number): void => {
	counts[status] = (counts[status] ?? 0) + 1;
};

export async function driveLoad(options: LoadOptions): Promise<LoadResult> {
	const eventIds =
		options.eventIds ??
		Array.from(
			{ length: options.events },
			(_, i) => `${options.prefix}${String(i).padStart(5, '0')}`,
		);
	const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
	const buildEvent = options.event ?? ((eventId: string) => busyEvent(eventId));
	const resendEvery = options.resends > 0 ? Math.floor(options.events / options.resends) : 0;
	const result: LoadResult = {
		eventIds,
		genuineStatuses: {},
		genuineNon2xx: 0,
		gaveUp: 0,
		retried: 0,
		resent: 0,
		acceptedEventIds: new Set(),
		acceptedTwiceEventIds: new Set(),
		forgedStatuses: {},
		unsignedStatuses: {},
		accepted: 0,
		sendStartedAt: Date.now(),
		sendEndedAt: 0,
		latenciesMs: [],
	};
	type Job = () => Promise<void>;
	const queue: Job[] = [];
	let next = 0;
	const url = (): string => options.urls[next++ % options.urls.length];

	let waitingRetries = 0;
	const genuine =
		(raw: Buffer, eventId: string, then?: () => void, attempt = 1): Job =>
		async () => {
			const headers = {
				'x-formantai-event-id': eventId,
				'x-formantai-event-type': String(
					(JSON.parse(raw.toString('utf8')) as { event_type?: string }).event_type,
				),
				'x-formantai-signature': signBody(raw, options.secret),
			};
			const answer = await post(url(), raw, headers, options.timeoutMs);
			bump(result.genuineStatuses, answer.status);
			result.latenciesMs.push(answer.ms);
			options.onAnswer?.(answer.status);
			if (answer.status >= 200 && answer.status < 300) {
				result.accepted++;
				if (result.acceptedEventIds.has(eventId)) result.acceptedTwiceEventIds.add(eventId);
				result.acceptedEventIds.add(eventId);
				then?.();
				return;
			}
			result.genuineNon2xx++;
			if (attempt >= retryDelays.length + 1) {
				result.gaveUp++;
				return;
			}
			result.retried++;
			// As FormantAI: the same bytes again after its retry delay, without holding a slot meanwhile.
			waitingRetries++;
			setTimeout(
				() => {
					waitingRetries--;
					queue.push(genuine(raw, eventId, then, attempt + 1));
				},
				retryDelays[attempt - 1],
			).unref();
		};

	for (const [index, eventId] of eventIds.entries()) {
		const resend =
			resendEvery > 0 && index % resendEvery === 0 && index / resendEvery < options.resends;
		// The event happens when it is first sent (as FormantAI delivers an outcome when the call
		// ends): its signed timestamp is then, and every copy and retry carries the same bytes. The
		// copy goes next, as a sender's re-send follows within minutes, inside the replay window.
		queue.push(async () => {
			await options.beforeFirstSend?.(eventId);
			const raw = buildEvent(eventId);
			const copy = (): void => {
				result.resent++;
				queue.unshift(genuine(raw, eventId));
			};
			await genuine(raw, eventId, resend ? copy : undefined)();
		});
	}
	const spread = (job: Job, i: number, of: number): void => {
		queue.splice(Math.floor(((i + 0.5) * queue.length) / Math.max(1, of)), 0, job);
	};
	for (let i = 0; i < options.forged; i++) {
		const raw = busyEvent(`${options.prefix}forged${i}`);
		spread(
			async () => {
				const answer = await post(url(), raw, {
					'x-formantai-signature': signBody(raw, 'not-the-secret'),
				});
				bump(result.forgedStatuses, answer.status);
			},
			i,
			options.forged,
		);
	}
	for (let i = 0; i < options.unsigned; i++) {
		const raw = busyEvent(`${options.prefix}unsigned${i}`);
		spread(
			async () => {
				const answer = await post(url(), raw, {});
				bump(result.unsignedStatuses, answer.status);
			},
			i,
			options.unsigned,
		);
	}
	const worker = async (): Promise<void> => {
		for (;;) {
			const job = queue.shift();
			if (!job) return;
			await job();
		}
	};
	// A job may queue its re-send (or a retry) later: keep draining until nothing is left to come.
	do {
		await Promise.all(Array.from({ length: options.inFlight }, async () => await worker()));
		if (queue.length === 0 && waitingRetries > 0)
			await new Promise((resolve) => setTimeout(resolve, 200));
	} while (queue.length > 0 || waitingRetries > 0);
	result.sendEndedAt = Date.now();
	return result;
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** FormantAI Trigger with the example webhook credential and default options (`<webhookId>/webhook`). */
export function formantAiTriggerNode(): INode {
	return {
		id: randomUUID(),
		name: 'FormantAI Trigger',
		type: 'n8n-nodes-formantai.formantAiTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: {},
		credentials: {
			formantAiWebhookApi: {
				id: EXAMPLE_CREDENTIALS.webhook.id,
				name: EXAMPLE_CREDENTIALS.webhook.name,
			},
		},
	};
}

/** n8n's own Webhook node on POST `path`, answering at once: the control in the trigger's place. */
export function webhookNode(path: string): INode {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, options: {} },
	};
}

/** FormantAI Trigger (example credential, default options) → HTTP Request POSTing event_id to `receiverUrl`. */
export function loadWorkflow(receiverUrl: string, id: string): WorkflowImport & { id: string } {
	const trigger = formantAiTriggerNode();
	const receiver: INode = {
		id: randomUUID(),
		name: 'Count run',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [220, 0],
		parameters: {
			method: 'POST',
			url: receiverUrl,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ event_id: $json.event_id }) }}',
			options: {},
		},
	};
	const connections: IConnections = {
		'FormantAI Trigger': { main: [[{ node: 'Count run', type: 'main', index: 0 }]] },
	};
	return {
		id,
		name: `Load ${id}`,
		nodes: [trigger, receiver],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

export interface LoadFigures {
	mode: string;
	events: number;
	/** POSTs that reached the node after the trigger. */
	runs: number;
	distinctRuns: number;
	duplicates: number;
	lost: number;
	genuineNon2xx: number;
	genuineStatuses: Record<number, number>;
	/** Forged / unsigned deliveries refused by the trigger (401) and by n8n itself (503, busy). */
	forged401: number;
	forged503: number;
	unsigned401: number;
	unsigned503: number;
	executions: number;
	eventsPerSecondToFinished: number;
	p50Ms: number;
	p99Ms: number;
}

/** Counts what reached the node after the trigger (one POST per run to `received`). */
export function figures(
	mode: string,
	load: LoadResult,
	receivedEventIds: string[],
	executions: number,
	lastFinishedAt: number,
): LoadFigures {
	const expected = new Set(load.eventIds);
	const perEvent = new Map<string, number>();
	for (const id of receivedEventIds) perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
	const distinct = [...perEvent.keys()].filter((id) => expected.has(id)).length;
	return {
		mode,
		events: load.eventIds.length,
		runs: receivedEventIds.length,
		distinctRuns: distinct,
		duplicates: receivedEventIds.length - perEvent.size,
		lost: load.eventIds.length - distinct,
		genuineNon2xx: load.genuineNon2xx,
		genuineStatuses: load.genuineStatuses,
		forged401: load.forgedStatuses[401] ?? 0,
		forged503: load.forgedStatuses[503] ?? 0,
		unsigned401: load.unsignedStatuses[401] ?? 0,
		unsigned503: load.unsignedStatuses[503] ?? 0,
		executions,
		eventsPerSecondToFinished: Number(
			(load.eventIds.length / ((lastFinishedAt - load.sendStartedAt) / 1000)).toFixed(1),
		),
		p50Ms: percentile(load.latenciesMs, 50),
		p99Ms: percentile(load.latenciesMs, 99),
	};
}

/**
 * Answers to forged or unsigned deliveries other than the trigger's 401 and n8n's own 503 (under a
 * burst a webhook process may be too busy to take a request at all; that starts nothing either:
 * `figures` counts any run they cause).
 */
export function notRefused(statuses: Record<number, number>): Record<number, number> {
	return Object.fromEntries(
		Object.entries(statuses).filter(([status]) => status !== '401' && status !== '503'),
	);
}

/** The load both modes are held to: 1,000 events, 100 re-sends, 10 forged, 10 unsigned, 20 in flight. */
export const STANDARD_LOAD = {
	events: 1000,
	resends: 100,
	forged: 10,
	unsigned: 10,
	inFlight: 20,
} as const;

/** The `event_id` of each POST the workflow's HTTP Request node sent to the counter. */
export function receivedEventIds(received: Array<{ body: unknown }>): string[] {
	return received.map((request) => String((request.body as { event_id?: string })?.event_id));
}

/**
 * The verdict of issue 11, the same in every mode: every forged and unsigned delivery answered
 * 401 by the trigger or 503 by n8n itself (counted apart, the trigger's 401 seen at least once),
 * none of them run, every event run exactly once and none lost, and every accepted delivery
 * finished with success.
 */
export function expectExactlyOnce(
	load: LoadResult,
	result: LoadFigures,
	finished: number,
	statuses: Array<{ status: string }>,
): void {
	expect(notRefused(load.forgedStatuses)).toEqual({});
	expect(notRefused(load.unsignedStatuses)).toEqual({});
	const sent = (counts: Record<number, number>): number =>
		Object.values(counts).reduce((a, b) => a + b, 0);
	expect(result.forged401 + result.forged503).toBe(sent(load.forgedStatuses));
	expect(result.unsigned401 + result.unsigned503).toBe(sent(load.unsignedStatuses));
	expect(result.forged401 + result.unsigned401).toBeGreaterThan(0);
	// None of them ran: the node after the trigger saw only the genuine events' ids.
	expect(result.runs - result.distinctRuns - result.duplicates).toBe(0);
	// An error answer is allowed when n8n truly cannot take a delivery: FormantAI re-sends it
	// (the driver does too, after 30 s), and it must then be accepted.
	expect(load.gaveUp).toBe(0);
	expect(result.lost).toBe(0);
	expect(result.duplicates).toBe(0);
	expect(result.runs).toBe(load.eventIds.length);
	// Every accepted delivery has its execution (one answered with an error may have one too).
	expect(finished).toBeGreaterThanOrEqual(load.accepted);
	expect(statuses.map((row) => row.status)).toEqual(['success']);
}
