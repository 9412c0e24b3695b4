import type { IDataObject } from 'n8n-workflow';

import { toIsoUtc } from './schedule';

/**
 * Assumption (ours, API Unknowns): the conversation list's `start_timestamp` / `end_timestamp`
 * are Unix epoch milliseconds (the docs' example `1773867201766` reads as 2026-03-18; the unit is
 * not stated). Numbers below 1e11 are taken as seconds, since as milliseconds they would be 1973.
 * ISO strings pass through. This is the only place that reads those timestamps.
 */
export function conversationTimeMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
		return value < 1e11 ? value * 1000 : value;
	}
	if (typeof value === 'string' && value.trim() !== '') {
		if (/^\d+$/.test(value.trim())) return conversationTimeMs(Number(value.trim()));
		const parsed = Date.parse(value);
		if (Number.isFinite(parsed)) return parsed;
	}
	return undefined;
}

export function conversationTimeIso(value: unknown): string | null {
	const ms = conversationTimeMs(value);
	return ms === undefined ? null : toIsoUtc(ms);
}

const SPEAKERS: Record<string, string> = {
	agent: 'Agent',
	bot: 'Agent',
	human: 'Customer',
	user: 'Customer',
};

export interface TranscriptTurn {
	role: string;
	message: string;
}

/** The API's `[{ role, message }]` (roles `agent` / `human`) as turns, whatever else it holds. */
export function transcriptTurns(transcript: unknown): TranscriptTurn[] {
	if (!Array.isArray(transcript)) return [];
	return transcript
		.filter((t): t is IDataObject => typeof t === 'object' && t !== null)
		.map((t) => ({
			role: String(t.role ?? 'unknown'),
			message: String(t.message ?? t.text ?? ''),
		}));
}

/** "Agent: …\nCustomer: …" — `agent` is the AI agent, `human` the person called. */
export function transcriptText(turns: TranscriptTurn[]): string {
	return turns
		.map((t) => {
			const speaker =
				SPEAKERS[t.role.toLowerCase()] ?? t.role.charAt(0).toUpperCase() + t.role.slice(1);
			return `${speaker}: ${t.message}`;
		})
		.join('\n');
}

/** A results key as a field name: `result_intent`, `result_next_step`. */
function resultField(key: string): string {
	const clean = key
		.trim()
		.replace(/[^A-Za-z0-9_]+/g, '_')
		.replace(/^_+|_+$/g, '');
	return `result_${clean || 'value'}`;
}

/**
 * One flat record for a conversation (detail or list item): the fields people map into other
 * apps, ISO times instead of epoch numbers, each result as its own field, and the transcript as
 * text (plus its turns unless `compact`, used when an AI agent reads the output).
 */
export function simplifyConversation(
	record: IDataObject,
	options: { compact?: boolean } = {},
): IDataObject {
	const out: IDataObject = {
		conversation_id: record.conversation_id ?? null,
		agent_id: record.agent_id ?? null,
		status: record.status ?? null,
		contact_number: record.contact_number ?? null,
		duration_seconds: record.duration_seconds ?? null,
		started_at: conversationTimeIso(record.start_timestamp ?? record.started_at),
		ended_at: conversationTimeIso(record.end_timestamp ?? record.ended_at),
	};
	if ('failure_reason' in record) out.failure_reason = record.failure_reason ?? null;
	const results = record.results;
	if (typeof results === 'object' && results !== null && !Array.isArray(results)) {
		for (const [key, value] of Object.entries(results as IDataObject)) {
			const field = resultField(key);
			if (!(field in out)) out[field] = value as IDataObject[keyof IDataObject];
		}
	}
	if ('transcript' in record) {
		const turns = transcriptTurns(record.transcript);
		out.transcript = transcriptText(turns);
		if (!options.compact) out.transcript_turns = turns as unknown as IDataObject[];
	}
	if ('trace_id' in record) out.trace_id = record.trace_id ?? null;
	return out;
}
