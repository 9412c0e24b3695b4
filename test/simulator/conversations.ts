import { applyOutcome, newConversation, outcomeForNumber } from './calls';
import {
	addConversation,
	invalid,
	notFound,
	sortedConversations,
	type Conversation,
	type Reply,
	type SimContext,
	type TerminalStatus,
} from './state';
import { wavSize, wavStream } from './wav';

export const MAX_LIMIT = 100;

/** limit/offset per the docs: default 20/0; limit over 100 is rejected (simulator choice). */
export function parsePaging(query: Record<string, string>): { limit: number; offset: number } {
	const num = (name: string, dflt: number): number => {
		const raw = query[name];
		if (raw === undefined || raw === '') return dflt;
		if (!/^-?\d+$/.test(raw)) throw invalid(`${name} must be an integer`);
		return Number(raw);
	};
	const limit = num('limit', 20);
	const offset = num('offset', 0);
	if (limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be between 1 and ${MAX_LIMIT}`);
	if (offset < 0) throw invalid('offset must be 0 or greater');
	return { limit, offset };
}

export function parseAgentFilter(query: Record<string, string>): number | undefined {
	const raw = query.agent_id;
	if (raw === undefined || raw === '') return undefined;
	if (!/^\d+$/.test(raw)) throw invalid('agent_id must be an integer');
	return Number(raw);
}

export function listItem(c: Conversation): Record<string, unknown> {
	return {
		agent_id: c.agent_id,
		contact_number: c.contact_number,
		conversation_id: c.conversation_id,
		duration_seconds: c.duration_seconds,
		end_timestamp: c.end_timestamp,
		start_timestamp: c.start_timestamp,
		status: c.status,
	};
}

export function detail(c: Conversation): Record<string, unknown> {
	return {
		...listItem(c),
		failure_reason: c.failure_reason,
		results: c.results,
		trace_id: c.trace_id,
		transcript: c.transcript,
	};
}

/**
 * Whether the API knows the conversation yet: `conversationDelayMs` after its creation (simulator
 * choice; FormantAI does not say when a conversation appears). Until then: 404, not listed.
 */
export function isVisible(ctx: SimContext, c: Conversation): boolean {
	return ctx.clock.now() >= c.visible_from;
}

/** A conversation the API can show, else the documented 404. */
function visibleConversation(ctx: SimContext, id: string): Conversation {
	const c = ctx.state.conversations.get(id);
	if (!c || !isVisible(ctx, c)) throw notFound('conversation not found');
	return c;
}

export function listConversations(ctx: SimContext, query: Record<string, string>): Reply {
	const { limit, offset } = parsePaging(query);
	const agent = parseAgentFilter(query);
	const all = sortedConversations(ctx.state);
	const matching =
		agent === undefined && ctx.opts.conversationDelayMs === 0
			? all
			: all.filter((c) => (agent === undefined || c.agent_id === agent) && isVisible(ctx, c));
	const page = matching.slice(offset, offset + limit);
	return {
		status: 200,
		body: {
			data: page.map(listItem),
			has_more: offset + page.length < matching.length,
			total: matching.length,
		},
	};
}

export function getConversation(ctx: SimContext, id: string): Reply {
	const c = visibleConversation(ctx, id);
	return { status: 200, body: { data: detail(c) } };
}

export function recordingReadyAt(ctx: SimContext, c: Conversation): number | null {
	if (c.status !== 'completed' || c.end_timestamp === null) return null;
	return c.end_timestamp + ctx.opts.recordingDelayMs;
}

export function getRecording(ctx: SimContext, id: string): Reply {
	const c = visibleConversation(ctx, id);
	const ready = recordingReadyAt(ctx, c);
	if (ready === null || ctx.clock.now() < ready) throw notFound('recording not found');
	const size = wavSize(ctx.opts.recordingBytes);
	return {
		status: 200,
		headers: {
			'Content-Type': 'audio/wav',
			'Content-Length': String(size),
			'Content-Disposition': `attachment; filename="${id}.wav"`,
		},
		stream: wavStream(size),
	};
}

export interface SeedConversationOptions {
	agentId?: number;
	/** Force every seeded conversation to this status; default: by number (outcomeForNumber). */
	status?: TerminalStatus;
	/** Gap between consecutive seeded calls in ms (default 60_000); the newest ends at the clock's now. */
	spacingMs?: number;
	/** Phone prefix; the index is appended zero-padded to 8 digits (default '+9198'). */
	phonePrefix?: string;
}

/** Fast bulk insert of ended calls (no webhooks, not in callsPlaced). Recordings of completed ones are ready. */
export function seedConversations(
	ctx: SimContext,
	n: number,
	o: SeedConversationOptions = {},
): Conversation[] {
	const now = ctx.clock.now();
	const spacing = o.spacingMs ?? 60_000;
	const duration = ctx.opts.callDurationMs;
	const ageNeeded = duration + ctx.opts.recordingDelayMs;
	const out: Conversation[] = [];
	for (let i = 0; i < n; i++) {
		const phone = `${o.phonePrefix ?? '+9198'}${String(i).padStart(8, '0')}`;
		// Oldest first; the newest one ended long enough ago for its recording to be ready.
		const start = now - ageNeeded - (n - 1 - i) * spacing - duration;
		const c = newConversation(ctx, {
			agent_id: o.agentId ?? ctx.opts.agents[0] ?? 123,
			contact_number: phone,
			parameters: { customer_phone: phone, customer_name: `Customer ${i}` },
			created_at: start,
			visible_from: start,
			start_timestamp: start,
		});
		applyOutcome(c, o.status ?? outcomeForNumber(phone), start + duration);
		addConversation(ctx.state, c);
		out.push(c);
	}
	return out;
}
