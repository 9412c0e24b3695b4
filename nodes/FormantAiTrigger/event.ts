import type { IDataObject } from 'n8n-workflow';

/** The seven terminal call outcomes FormantAI sends (its complete documented list). */
export const EVENT_TYPES = [
	'call.busy',
	'call.completed',
	'call.failed',
	'call.no_answer',
	'call.socket_failure',
	'call.telephony_failed',
	'call.unreachable',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const KNOWN_EVENTS = new Set<string>(EVENT_TYPES);

export function isKnownEvent(eventType: string): eventType is EventType {
	return KNOWN_EVENTS.has(eventType);
}

/** Longest event ID accepted (ours: IDs like `evt_1c58c5d8c55a` are short; this caps stored data). */
export const MAX_EVENT_ID_LENGTH = 256;

export interface FormantAiEvent extends IDataObject {
	event_id: string;
	event_type: string;
}

export type ParseResult = { ok: true; event: FormantAiEvent } | { ok: false; problem: string };

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks the envelope (`event_id`, `event_type`, `data`) of a delivery. */
export function parseEvent(raw: Buffer | undefined, fallbackBody: unknown): ParseResult {
	let body: unknown;
	if (raw !== undefined) {
		if (raw.length === 0) return { ok: false, problem: 'The request body is empty' };
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			return { ok: false, problem: 'The request body is not valid JSON' };
		}
	} else {
		body = fallbackBody;
	}
	if (!isObject(body)) return { ok: false, problem: 'The request body is not a JSON object' };
	const { event_id: eventId, event_type: eventType } = body;
	if (typeof eventId !== 'string' || eventId.trim() === '') {
		return { ok: false, problem: 'The event has no event_id' };
	}
	if (eventId.length > MAX_EVENT_ID_LENGTH) {
		return { ok: false, problem: `The event_id is longer than ${MAX_EVENT_ID_LENGTH} characters` };
	}
	if (typeof eventType !== 'string' || eventType.trim() === '') {
		return { ok: false, problem: 'The event has no event_type' };
	}
	if (body.data !== undefined && body.data !== null && !isObject(body.data)) {
		return { ok: false, problem: 'The event data is not an object' };
	}
	return { ok: true, event: body as FormantAiEvent };
}

/** The parts of `data` the node reads; any of them may be missing (Unknown #7). */
export function parts(event: FormantAiEvent): {
	call: IDataObject;
	results: IDataObject;
	retry: IDataObject;
	data: IDataObject;
} {
	const data = isObject(event.data) ? event.data : {};
	return {
		data,
		call: isObject(data.call) ? data.call : {},
		results: isObject(data.results) ? data.results : {},
		retry: isObject(data.retry) ? data.retry : {},
	};
}

export interface Filters {
	agentIds: string[];
	finalAttemptOnly: boolean;
	results: Array<{ key: string; value: string }>;
}

/** Agent IDs from "497, 512" (commas, spaces or new lines). */
export function parseAgentIds(input: unknown): string[] {
	return String(input ?? '')
		.split(/[\s,;]+/)
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

function asText(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Why a delivery does not pass the node's filters, or undefined when it passes.
 * A missing `is_final_attempt` counts as final (ours, Unknown #7): without retry information the
 * event is the only outcome the contact will get, and dropping it would lose it.
 */
export function filterOut(event: FormantAiEvent, filters: Filters): string | undefined {
	const { call, results, retry } = parts(event);
	if (filters.agentIds.length > 0 && !filters.agentIds.includes(asText(call.agent_id))) {
		return `agent ${asText(call.agent_id) || '(none)'} is not in the Agent IDs filter`;
	}
	if (filters.finalAttemptOnly && retry.is_final_attempt === false) {
		return 'not the final attempt (FormantAI will retry this contact)';
	}
	for (const { key, value } of filters.results) {
		if (!Object.prototype.hasOwnProperty.call(results, key)) {
			return `result "${key}" is missing`;
		}
		if (asText(results[key]).trim() !== value.trim()) {
			return `result "${key}" is not "${value}"`;
		}
	}
	return undefined;
}

export interface TranscriptTurn extends IDataObject {
	role: 'agent' | 'human';
	message: string;
}

/**
 * Turns the webhook's transcript text (`BOT: …` / `HUMAN: …` lines) into the API's own shape
 * `[{ role: 'agent' | 'human', message }]`. A line without a prefix continues the previous turn,
 * so a message that contains a line break stays whole.
 */
export function parseTranscript(text: unknown): TranscriptTurn[] {
	if (typeof text !== 'string' || text.trim() === '') return [];
	const turns: TranscriptTurn[] = [];
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(BOT|HUMAN)\s*:\s?(.*)$/.exec(line);
		if (match) {
			turns.push({ role: match[1] === 'BOT' ? 'agent' : 'human', message: match[2].trim() });
		} else if (turns.length > 0) {
			const last = turns[turns.length - 1];
			last.message = last.message ? `${last.message}\n${line.trim()}` : line.trim();
		} else if (line.trim() !== '') {
			// Text before any speaker: keep it rather than lose it.
			turns.push({ role: 'agent', message: line.trim() });
		}
	}
	return turns;
}

function orNull(value: IDataObject[string]): IDataObject[string] {
	return value === undefined ? null : value;
}

/** One flat item: the fields most workflows need, each result and call parameter on its own. */
export function simplifyEvent(event: FormantAiEvent): IDataObject {
	const { call, results, retry, data } = parts(event);
	const item: IDataObject = {
		event_id: event.event_id,
		event_type: event.event_type,
		event_timestamp: orNull(event.timestamp),
		status: orNull(call.status),
		conversation_id: orNull(call.conversation_id),
		agent_id: orNull(call.agent_id),
		trace_id: orNull(call.trace_id),
		from_phone: orNull(call.from_phone),
		to_phone: orNull(call.to_phone),
		duration_seconds: orNull(call.duration_seconds),
		started_at: orNull(call.started_at),
		ended_at: orNull(call.ended_at),
		failure_reason: orNull(call.failure_reason),
		recording_url: orNull(call.recording_url),
		retry_attempt_number: orNull(retry.attempt_number),
		retry_max_attempts: orNull(retry.max_attempts),
		retry_is_final_attempt: orNull(retry.is_final_attempt),
		retry_next_retry_at: orNull(retry.next_retry_at),
	};
	for (const [key, value] of Object.entries(results)) item[`result_${key}`] = value;
	const parameters = call.call_parameters;
	if (isObject(parameters)) {
		for (const [key, value] of Object.entries(parameters)) item[`param_${key}`] = value;
	}
	item.transcript = typeof data.transcript === 'string' ? data.transcript : null;
	item.transcript_turns = parseTranscript(data.transcript);
	return item;
}

/** Default replay window: FormantAI's last retry comes about 340 s after the event; twice that, rounded. */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 600;

/**
 * The longest replay window: a copy is caught only while its ID is remembered (the last 10,000
 * accepted), so a window is worth what those IDs cover: 900 s at 11 events/s sustained. A larger
 * setting (an older workflow, an expression) counts as this.
 */
export const MAX_REPLAY_WINDOW_SECONDS = 900;

/** The window in force for a setting: 0 (or less) is off; anything above the maximum is the maximum. */
export function replayWindowSeconds(setting: unknown): number {
	const seconds = Number(setting);
	if (!(seconds > 0)) return 0;
	return Math.min(seconds, MAX_REPLAY_WINDOW_SECONDS);
}

/**
 * Why the event's own signed `timestamp` is outside the replay window (in either direction, for
 * clock skew), or undefined when it is inside or the window is off (0).
 */
export function replayProblem(
	event: FormantAiEvent,
	windowSeconds: number,
	nowMs: number,
): string | undefined {
	if (!(windowSeconds > 0)) return undefined;
	const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : NaN;
	if (!Number.isFinite(at)) {
		return 'The event has no valid timestamp, so the replay window cannot be checked';
	}
	const ageSeconds = Math.round((nowMs - at) / 1000);
	if (Math.abs(ageSeconds) <= windowSeconds) return undefined;
	return ageSeconds > 0
		? `The event's timestamp is ${ageSeconds} s old, outside the ${windowSeconds} s replay window`
		: `The event's timestamp is ${-ageSeconds} s in the future, outside the ${windowSeconds} s replay window (check the clocks)`;
}
