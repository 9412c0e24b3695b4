import type { VirtualClock } from './clock';

/** Plain data the simulator keeps. Modules mutate it; tests read it through `sim.state`. */

export const TERMINAL_STATUSES = [
	'completed',
	'failed',
	'busy',
	'no_answer',
	'socket_failure',
	'telephony_failed',
	'unreachable',
] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
/**
 * `scheduled`, `initiated` (dialled, ringing) and `in_progress` (answered) are simulator choices
 * for the not-yet-ended states (ASSUMPTIONS.md).
 */
export type LiveStatus = 'initiated' | 'in_progress';
export type ConversationStatus = 'scheduled' | LiveStatus | TerminalStatus;

/** Dialled and not ended yet (ringing or answered). */
export function isLive(status: ConversationStatus): status is LiveStatus {
	return status === 'initiated' || status === 'in_progress';
}

export interface RetryContext {
	collected_data: Record<string, unknown> | null;
	retry_initial_message: string | null;
	retry_language: string | null;
	retry_stage_id: string | null;
}

export interface TranscriptItem {
	role: 'agent' | 'human';
	message: string;
}

export interface Conversation {
	conversation_id: string;
	agent_id: number;
	contact_number: string;
	status: ConversationStatus;
	trace_id: string;
	/** name → value, in request order; includes customer_phone. */
	parameters: Record<string, string>;
	created_at: number;
	/** From when `GET /v1/conversations` knows it (created_at + conversationDelayMs; seeded: at once). */
	visible_from: number;
	scheduled_for: number | null;
	start_timestamp: number | null;
	end_timestamp: number | null;
	duration_seconds: number | null;
	failure_reason: string | null;
	results: Record<string, unknown>;
	transcript: TranscriptItem[];
	retry_context: RetryContext | null;
	metadata: string | null;
	idempotency_key: string | null;
	batch_id: number | null;
	/** Outcome forced by endCall(), else derived from the number. */
	forced_status: TerminalStatus | null;
	seq: number;
}

/** What resource modules share. */
export interface SimContext {
	opts: ResolvedOptions;
	state: SimState;
	clock: VirtualClock;
	/** Base URL of this server (for recording_url). */
	baseUrl(): string;
	/** Hook run when a call reaches a terminal status (schedules webhook deliveries). */
	onCallEnded(c: Conversation): void;
}

export interface PlacedCall {
	conversation_id: string;
	trace_id: string;
	agent_id: number;
	phone: string;
	parameters: Record<string, string>;
	idempotency_key: string | null;
	source: 'immediate' | 'scheduled' | 'batch';
	batch_id: number | null;
	/** Virtual time the call was dialled. */
	at: number;
}

export type BatchStatus = 'pending' | 'in_progress' | 'completed';

export interface Batch {
	id: number;
	name: string;
	agent_id: number;
	status: BatchStatus;
	total_recipients: number;
	created_at: number;
	rows: Array<Record<string, string>>;
	conversation_ids: string[];
}

export interface TranscriptionUtterance {
	speaker: string;
	text: string;
	start: number;
	end: number;
}

export interface TranscriptionJob {
	id: string;
	engine: 'sarvam';
	status: 'pending' | 'completed' | 'failed';
	created_at: number;
	languages: string[];
	diarize: boolean;
	format: 'standard' | 'code_mixed';
	filename: string;
	size: number;
	/** Hash of the uploaded audio (admin view only): tests compare it with what n8n stored. */
	sha256: string;
	willFail: boolean;
	text?: string;
	language?: string;
	utterances?: TranscriptionUtterance[];
	error?: { message: string; type: string };
}

export interface WebhookTarget {
	agent_id: number;
	name: string;
	url: string;
	secret: string | null;
	events: string[];
	includeTranscript: boolean;
	includeRecordingUrl: boolean;
	active: boolean;
}

export interface DeliveryRecord {
	event_id: string;
	event_type: string;
	conversation_id: string;
	target: string;
	url: string;
	attempt: number;
	/** Virtual time of the attempt. */
	at: number;
	/** HTTP status from the receiver, when it answered. */
	status?: number;
	/** Network error / timeout text, when it did not. */
	error?: string;
	ok: boolean;
	/** Virtual time of the next attempt, or null when none follows. */
	next_attempt_at: number | null;
	/** Exact body bytes sent (identical for every attempt of one event). */
	body: string;
	headers: Record<string, string>;
	/** True for a copy sent by `redeliver` (admin), outside the retry schedule. */
	redelivery?: boolean;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	status: number;
	at: number;
	fault?: string;
}

export type QueuedDial =
	| { kind: 'scheduled'; conversationId: string }
	| { kind: 'batch'; batchId: number; row: number };

export interface SimState {
	conversations: Map<string, Conversation>;
	/** Same objects as `conversations`, sorted lazily for listing. */
	conversationList: Conversation[];
	conversationListDirty: boolean;
	placed: PlacedCall[];
	batches: Map<number, Batch>;
	nextBatchId: number;
	jobs: Map<string, TranscriptionJob>;
	/** `${agent}:${key}` → virtual ms when used. */
	idempotency: Map<string, number>;
	/** phone → virtual ms of accepted calls (per-number limit). */
	numberHits: Map<string, number[]>;
	/** Calls waiting for a free concurrency slot (batch rows, due scheduled calls), FIFO. */
	dialQueue: QueuedDial[];
	/** conversation ids currently in_progress (the concurrency cap counts these). */
	live: Set<string>;
	targets: Map<number, WebhookTarget[]>;
	deliveries: DeliveryRecord[];
	log: RequestLogEntry[];
	apiWindow: { start: number; count: number };
	seq: number;
}

export function createState(): SimState {
	return {
		conversations: new Map(),
		conversationList: [],
		conversationListDirty: false,
		placed: [],
		batches: new Map(),
		nextBatchId: 1,
		jobs: new Map(),
		idempotency: new Map(),
		numberHits: new Map(),
		dialQueue: [],
		live: new Set(),
		targets: new Map(),
		deliveries: [],
		log: [],
		apiWindow: { start: 0, count: 0 },
		seq: 0,
	};
}

export function addConversation(state: SimState, c: Conversation): void {
	state.conversations.set(c.conversation_id, c);
	state.conversationList.push(c);
	state.conversationListDirty = true;
}

/** Conversations newest first (by creation time, then insertion order). */
export function sortedConversations(state: SimState): Conversation[] {
	if (state.conversationListDirty) {
		state.conversationList.sort((a, b) => b.created_at - a.created_at || b.seq - a.seq);
		state.conversationListDirty = false;
	}
	return state.conversationList;
}

export function liveCallCount(state: SimState): number {
	return state.live.size;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
	apiKey: string;
	webhookSecret: string;
	realTime: boolean;
	agents: number[];
	callDurationMs: number;
	/** How long a dialled call rings (`initiated`) before it is answered (`in_progress`); 0 = answered at once. */
	ringMs: number;
	/** How long after its creation a conversation is still unknown to `GET /v1/conversations` (404, not listed). */
	conversationDelayMs: number;
	recordingDelayMs: number;
	recordingBytes: number;
	maxBodyBytes: number;
	transcriptionDelayMs: number;
	maxConcurrentCalls: number;
	perNumberLimit: { max: number; windowMs: number } | false;
	apiRateLimit: { limit: number; windowMs: number };
	/** Caller ID reported in webhooks as from_phone. */
	fromPhone: string;
}

/** A JSON (or streamed) answer a resource handler hands back to server.ts. */
export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Raw body (already serialised), e.g. for fault bodies. */
	raw?: string;
	stream?: NodeJS.ReadableStream;
}

/** Thrown by handlers; server.ts renders it as the documented error envelope. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly type: string,
		message: string,
		readonly extra: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export const invalid = (message: string): ApiError => new ApiError(400, 'invalid_request', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
