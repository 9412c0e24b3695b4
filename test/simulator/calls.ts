import { randomUUID } from 'crypto';

import {
	addConversation,
	ApiError,
	invalid,
	isLive,
	liveCallCount,
	notFound,
	type Conversation,
	type Reply,
	type RetryContext,
	type SimContext,
	type TerminalStatus,
	type TranscriptItem,
} from './state';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_SCHEDULE_AHEAD_MS = 30 * DAY_MS;
const IDEMPOTENCY_TTL_MS = DAY_MS;

/**
 * Outcome by the destination's last digit (simulator rule, see ASSUMPTIONS.md):
 * 0-4 completed, 5 no_answer, 6 busy, 7 failed, 8 unreachable,
 * 9 socket_failure when the second-to-last digit is even, telephony_failed when odd.
 */
export function outcomeForNumber(phone: string): TerminalStatus {
	const digits = phone.replace(/\D/g, '');
	if (digits.length === 0) return 'completed';
	const last = Number(digits[digits.length - 1]);
	if (last <= 4) return 'completed';
	if (last === 5) return 'no_answer';
	if (last === 6) return 'busy';
	if (last === 7) return 'failed';
	if (last === 8) return 'unreachable';
	const prev = digits.length > 1 ? Number(digits[digits.length - 2]) : 0;
	return prev % 2 === 0 ? 'socket_failure' : 'telephony_failed';
}

const FAILURE_REASONS: Record<TerminalStatus, string | null> = {
	completed: null,
	no_answer: null,
	busy: null,
	failed: 'call_setup_failed',
	unreachable: 'destination_unreachable',
	socket_failure: 'voice_stream_not_started',
	telephony_failed: 'telephony_provider_error',
};

const INTENTS = [
	'payment_confirmed',
	'payment_promised',
	'callback_requested',
	'not_interested',
	'information_provided',
];
const SENTIMENTS = ['positive', 'neutral', 'negative'];

function digitAt(phone: string, fromEnd: number): number {
	const d = phone.replace(/\D/g, '');
	return d.length > fromEnd ? Number(d[d.length - 1 - fromEnd]) : 0;
}

export function completedResults(phone: string): Record<string, unknown> {
	return {
		intent: INTENTS[digitAt(phone, 0) % INTENTS.length],
		sentiment: SENTIMENTS[digitAt(phone, 1) % SENTIMENTS.length],
	};
}

export function completedTranscript(params: Record<string, string>): TranscriptItem[] {
	const name = params.customer_name || 'there';
	return [
		{
			role: 'agent',
			message: `Hello ${name}, this is an automated assistant calling on behalf of FormantAI.`,
		},
		{ role: 'human', message: 'Yes, I can talk.' },
		{ role: 'agent', message: 'Thank you. I am calling about your recent account activity.' },
		{ role: 'human', message: 'Okay, that sounds fine. Thank you.' },
	];
}

/** Applies the terminal outcome fields to a conversation (shared by live calls and seeding). */
export function applyOutcome(c: Conversation, status: TerminalStatus, endAt: number): void {
	c.status = status;
	c.end_timestamp = endAt;
	c.failure_reason = FAILURE_REASONS[status];
	if (status === 'completed') {
		c.duration_seconds = Math.round((endAt - (c.start_timestamp ?? endAt)) / 1000);
		c.results = completedResults(c.contact_number);
		c.transcript = completedTranscript(c.parameters);
	} else {
		c.duration_seconds = null;
		c.results = {};
		c.transcript = [];
	}
}

/** Makes a fresh conversation record; status decided by the caller. */
export function newConversation(
	ctx: SimContext,
	init: Partial<Conversation> & {
		agent_id: number;
		contact_number: string;
		parameters: Record<string, string>;
	},
): Conversation {
	const state = ctx.state;
	const c: Conversation = {
		conversation_id: `${randomUUID()}_1`,
		status: 'in_progress',
		trace_id: randomUUID(),
		created_at: ctx.clock.now(),
		scheduled_for: null,
		start_timestamp: null,
		end_timestamp: null,
		duration_seconds: null,
		failure_reason: null,
		results: {},
		transcript: [],
		retry_context: null,
		metadata: null,
		idempotency_key: null,
		batch_id: null,
		forced_status: null,
		seq: state.seq++,
		visible_from: 0,
		...init,
	};
	if (init.visible_from === undefined) c.visible_from = c.created_at + ctx.opts.conversationDelayMs;
	return c;
}

/**
 * Outcomes where the callee picked up (simulator choice): only these turn `in_progress` after the
 * ringing time; the others ring (`initiated`) until they end.
 */
const ANSWERED: readonly TerminalStatus[] = ['completed', 'socket_failure'];

/** The outcome a live call will end with (forced by endCall, else by the number). */
function expectedOutcome(c: Conversation): TerminalStatus {
	return c.forced_status ?? outcomeForNumber(c.contact_number);
}

/**
 * Starts a call now: counts against the cap, records it as placed, schedules its progress:
 * `initiated` (ringing) for `ringMs`, then `in_progress` if it is answered, then its outcome
 * `callDurationMs` after dialling.
 */
export function dial(
	ctx: SimContext,
	c: Conversation,
	source: 'immediate' | 'scheduled' | 'batch',
): void {
	const now = ctx.clock.now();
	const { ringMs, callDurationMs } = ctx.opts;
	c.status = ringMs > 0 ? 'initiated' : 'in_progress';
	c.start_timestamp = now;
	ctx.state.live.add(c.conversation_id);
	if (!ctx.state.conversations.has(c.conversation_id)) addConversation(ctx.state, c);
	ctx.state.placed.push({
		conversation_id: c.conversation_id,
		trace_id: c.trace_id,
		agent_id: c.agent_id,
		phone: c.contact_number,
		parameters: { ...c.parameters },
		idempotency_key: c.idempotency_key,
		source,
		batch_id: c.batch_id,
		at: now,
	});
	if (ringMs > 0 && ringMs < callDurationMs) {
		ctx.clock.schedule(now + ringMs, `call answered ${c.conversation_id}`, () => {
			if (c.status === 'initiated' && ANSWERED.includes(expectedOutcome(c))) {
				c.status = 'in_progress';
			}
		});
	}
	ctx.clock.schedule(now + callDurationMs, `call end ${c.conversation_id}`, () => {
		if (isLive(c.status)) finishCall(ctx, c);
	});
}

/** Ends a live call (outcome forced or by number), frees its slot and fires the ended hook. */
export function finishCall(ctx: SimContext, c: Conversation, forced?: TerminalStatus): void {
	const status = forced ?? expectedOutcome(c);
	applyOutcome(c, status, ctx.clock.now());
	ctx.state.live.delete(c.conversation_id);
	if (c.batch_id !== null) updateBatchStatus(ctx, c.batch_id);
	ctx.onCallEnded(c);
	pumpDialQueue(ctx);
}

function updateBatchStatus(ctx: SimContext, batchId: number): void {
	const b = ctx.state.batches.get(batchId);
	if (!b) return;
	if (b.conversation_ids.length < b.total_recipients) return;
	const allDone = b.conversation_ids.every((id) => {
		const s = ctx.state.conversations.get(id)?.status;
		return s !== undefined && !isLive(s) && s !== 'scheduled';
	});
	if (allDone) b.status = 'completed';
}

/** Dials queued work (due scheduled calls, batch rows) while slots are free. */
export function pumpDialQueue(ctx: SimContext): void {
	const { state, opts } = ctx;
	while (state.dialQueue.length > 0 && liveCallCount(state) < opts.maxConcurrentCalls) {
		const item = state.dialQueue.shift()!;
		if (item.kind === 'scheduled') {
			const c = state.conversations.get(item.conversationId);
			if (c && c.status === 'scheduled') dial(ctx, c, 'scheduled');
			continue;
		}
		const b = state.batches.get(item.batchId);
		if (!b) continue;
		const row = b.rows[item.row];
		if (b.status === 'pending') b.status = 'in_progress';
		const c = newConversation(ctx, {
			agent_id: b.agent_id,
			contact_number: row.customer_phone,
			parameters: { ...row },
			batch_id: b.id,
		});
		b.conversation_ids.push(c.conversation_id);
		dial(ctx, c, 'batch');
	}
}

/** Ends a live (or not yet dialled scheduled) call now. Used by sim.endCall and the admin API. */
export function endCallNow(ctx: SimContext, conversationId: string, status?: TerminalStatus): void {
	const c = ctx.state.conversations.get(conversationId);
	if (!c) throw notFound('conversation not found');
	if (c.status === 'scheduled') {
		ctx.state.dialQueue = ctx.state.dialQueue.filter(
			(q) => !(q.kind === 'scheduled' && q.conversationId === conversationId),
		);
		c.start_timestamp = ctx.clock.now();
		ctx.state.live.add(c.conversation_id);
		finishCall(ctx, c, status);
		return;
	}
	if (!isLive(c.status))
		throw new ApiError(409, 'invalid_request', `call already ended (${c.status})`);
	finishCall(ctx, c, status);
}

// ---------------------------------------------------------------- POST /v1/call

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(body: Record<string, unknown>, field: string): string | null {
	const v = body[field];
	if (v === undefined || v === null) return null;
	if (typeof v !== 'string') throw invalid(`${field} must be a string or null`);
	return v;
}

function parseRetryContext(v: unknown): RetryContext | null {
	if (v === undefined || v === null) return null;
	if (!isObject(v)) throw invalid('retry_context must be an object');
	const str = (k: string): string | null => {
		const x = v[k];
		if (x === undefined || x === null) return null;
		if (typeof x !== 'string') throw invalid(`retry_context.${k} must be a string or null`);
		return x;
	};
	const cd = v.collected_data;
	if (cd !== undefined && cd !== null && !isObject(cd))
		throw invalid('retry_context.collected_data must be an object or null');
	return {
		collected_data: (cd as Record<string, unknown> | undefined) ?? null,
		retry_initial_message: str('retry_initial_message'),
		retry_language: str('retry_language'),
		retry_stage_id: str('retry_stage_id'),
	};
}

/** Parses [{name, value}] into a map; value must be a string (documented type). */
function parseParameters(v: unknown): Record<string, string> {
	if (v === undefined || v === null) throw invalid('parameters is required');
	if (!Array.isArray(v)) throw invalid('parameters must be an array of {name, value} objects');
	const out: Record<string, string> = {};
	v.forEach((p, i) => {
		if (!isObject(p)) throw invalid(`parameters[${i}] must be an object with name and value`);
		if (typeof p.name !== 'string' || p.name === '')
			throw invalid(`parameters[${i}].name must be a non-empty string`);
		if (typeof p.value !== 'string') throw invalid(`parameters[${i}].value must be a string`);
		out[p.name] = p.value;
	});
	return out;
}

/** Next free id in a conversation chain: `<uuid>_<n>` → `<uuid>_<n+1>` … */
function chainId(ctx: SimContext, supplied: string): string {
	if (!ctx.state.conversations.has(supplied)) return supplied;
	const m = /^(.*)_(\d+)$/.exec(supplied);
	const base = m ? m[1] : supplied;
	let n = m ? Number(m[2]) + 1 : 2;
	while (ctx.state.conversations.has(`${base}_${n}`)) n++;
	return `${base}_${n}`;
}

function retryAfterHeader(seconds: number): Record<string, string> {
	return { 'Retry-After': String(Math.max(0, Math.ceil(seconds))) };
}

export function createCall(ctx: SimContext, body: unknown): Reply {
	const { state, opts, clock } = ctx;
	const now = clock.now();
	if (!isObject(body)) throw invalid('request body must be a JSON object');
	if (body.agent_id === undefined || body.agent_id === null) throw invalid('agent_id is required');
	if (typeof body.agent_id !== 'number' || !Number.isInteger(body.agent_id))
		throw invalid('agent_id must be an integer');
	const agentId = body.agent_id;
	const params = parseParameters(body.parameters);
	const phone = params.customer_phone;
	if (phone === undefined || phone.trim() === '')
		throw invalid('customer_phone parameter is required');
	const conversationId = optionalString(body, 'conversation_id');
	const idempotencyKey = optionalString(body, 'idempotency_key');
	const metadata = optionalString(body, 'metadata');
	const retryContext = parseRetryContext(body.retry_context);
	const scheduledRaw = optionalString(body, 'scheduled_for');
	let scheduledAt: number | null = null;
	if (scheduledRaw !== null) {
		// Needs a date AND time; Date.parse alone would accept e.g. "2026".
		if (
			!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(scheduledRaw) ||
			Number.isNaN(Date.parse(scheduledRaw))
		) {
			throw invalid('scheduled_for must be an ISO 8601 date-time');
		}
		scheduledAt = Date.parse(scheduledRaw);
	}

	if (!opts.agents.includes(agentId)) throw notFound('agent not found');

	if (scheduledAt !== null) {
		if (scheduledAt <= now) throw invalid('scheduled_for must be in the future');
		if (scheduledAt > now + MAX_SCHEDULE_AHEAD_MS)
			throw invalid('scheduled_for must be within the next 30 days');
	}

	const idemKey = idempotencyKey !== null ? `${agentId}:${idempotencyKey}` : null;
	if (idemKey !== null) {
		const used = state.idempotency.get(idemKey);
		if (used !== undefined && now - used < IDEMPOTENCY_TTL_MS) {
			throw new ApiError(409, 'duplicate_request', 'idempotency key already used');
		}
	}

	if (opts.perNumberLimit) {
		const { max, windowMs } = opts.perNumberLimit;
		const hits = (state.numberHits.get(phone) ?? []).filter((t) => t > now - windowMs);
		state.numberHits.set(phone, hits);
		if (hits.length >= max) {
			throw new ApiError(
				429,
				'rate_limit_exceeded',
				'rate limit exceeded for this number',
				{},
				retryAfterHeader((hits[0] + windowMs - now) / 1000),
			);
		}
	}

	if (scheduledAt === null) {
		const current = liveCallCount(state);
		if (current >= opts.maxConcurrentCalls) {
			let soonest = Infinity;
			for (const id of state.live) {
				const c = state.conversations.get(id);
				if (c?.start_timestamp != null)
					soonest = Math.min(soonest, c.start_timestamp + opts.callDurationMs);
			}
			const wait = Number.isFinite(soonest) ? Math.max(1, (soonest - now) / 1000) : 1;
			throw new ApiError(
				429,
				'concurrent_call_limit_exceeded',
				`concurrent call limit reached. ${opts.maxConcurrentCalls} simultaneous calls allowed.`,
				{ current_calls: current, max_calls: opts.maxConcurrentCalls },
				retryAfterHeader(wait),
			);
		}
	}

	// Accepted: only now consume the idempotency key and the per-number budget.
	if (idemKey !== null) state.idempotency.set(idemKey, now);
	if (opts.perNumberLimit) state.numberHits.get(phone)!.push(now);

	const c = newConversation(ctx, {
		conversation_id: conversationId !== null ? chainId(ctx, conversationId) : `${randomUUID()}_1`,
		agent_id: agentId,
		contact_number: phone,
		parameters: params,
		retry_context: retryContext,
		metadata,
		idempotency_key: idempotencyKey,
		scheduled_for: scheduledAt,
	});

	if (scheduledAt === null) {
		dial(ctx, c, 'immediate');
		const data: Record<string, unknown> = {
			agent_id: agentId,
			conversation_id: conversationId !== null ? c.conversation_id : null,
			scheduled_for: null,
			status: 'initiated',
			trace_id: c.trace_id,
		};
		if (retryContext) data.retry_context = retryContext;
		return { status: 200, body: { data } };
	}

	c.status = 'scheduled';
	addConversation(state, c);
	clock.schedule(scheduledAt, `scheduled call ${c.conversation_id}`, () => {
		if (c.status !== 'scheduled') return;
		state.dialQueue.push({ kind: 'scheduled', conversationId: c.conversation_id });
		pumpDialQueue(ctx);
	});
	return {
		status: 200,
		body: {
			data: {
				agent_id: agentId,
				conversation_id: c.conversation_id,
				retry_context: retryContext,
				scheduled_for: scheduledRaw,
				status: 'scheduled',
				trace_id: c.trace_id,
			},
		},
	};
}
