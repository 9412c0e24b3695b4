/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import type { AddressInfo } from 'net';

import { adminHandler } from './admin';
import { createBatchRecord } from './batchCalls';
import { endCallNow, outcomeForNumber } from './calls';
import { VirtualClock } from './clock';
import { seedConversations, type SeedConversationOptions } from './conversations';
import { Faults, type FaultSpec } from './faults';
import { createServer } from './server';
import {
	createState,
	type Batch,
	type Conversation,
	type DeliveryRecord,
	type PlacedCall,
	type RequestLogEntry,
	type ResolvedOptions,
	type SimContext,
	type SimState,
	type TerminalStatus,
	type WebhookTarget,
} from './state';
import { Webhooks, type WebhookEventPayload, type WebhookTargetInput } from './webhooks';

export type {
	Batch,
	Conversation,
	ConversationStatus,
	DeliveryRecord,
	LiveStatus,
	PlacedCall,
	RequestLogEntry,
	SimState,
	TerminalStatus,
	TranscriptionJob,
	WebhookTarget,
} from './state';
export type { FaultKind, FaultSpec } from './faults';
export type { SeedConversationOptions } from './conversations';
export type { WebhookEventPayload, WebhookTargetInput } from './webhooks';
export { outcomeForNumber };
export { signature as webhookSignature, ALL_EVENTS, RETRY_DELAYS_MS } from './webhooks';
export { startWebhookReceiver, type WebhookReceiver, type ReceivedWebhook } from './receiver';

export const DEFAULT_API_KEY = 'fa_test_simulator_key';
export const DEFAULT_WEBHOOK_SECRET = 'whsec_simulator_secret';
export const DEFAULT_AGENTS = [123, 456, 497];

export interface SimulatorOptions {
	/** Default 0 = any free port. Always binds 127.0.0.1. */
	port?: number;
	apiKey?: string;
	/** Secret given to webhook targets added without one. */
	webhookSecret?: string;
	/** Initial virtual time, epoch ms (default: wall time at start). */
	now?: number;
	/** Virtual clock follows wall time (CLI/demo/e2e). Default false: only advance() moves it. */
	realTime?: boolean;
	agents?: number[];
	callDurationMs?: number;
	/** Ringing time after dialling (status `initiated`) before an answered call turns `in_progress`. Default 0. */
	ringMs?: number;
	/** Time after creation before a conversation can be read or listed (404 until then). Default 0. */
	conversationDelayMs?: number;
	recordingDelayMs?: number;
	recordingBytes?: number;
	transcriptionDelayMs?: number;
	maxConcurrentCalls?: number;
	perNumberLimit?: { max: number; windowMs: number } | false;
	apiRateLimit?: { limit: number; windowMs: number };
	/** Largest request body accepted (default 256 MB; the upload benchmark sends more). */
	maxBodyBytes?: number;
}

export interface SeedBatchOptions {
	agentId?: number;
	name?: string;
	/** Recipient rows (must have customer_phone), or a count of generated rows. Default 5. */
	rows?: Array<Record<string, string>> | number;
}

export interface Simulator {
	url: string;
	apiKey: string;
	webhookSecret: string;
	port: number;
	close(): Promise<void>;
	clock: { now(): number; advance(ms: number): Promise<void> };
	flush(): Promise<void>;
	/** Live array of every API request (admin requests excluded). */
	log: RequestLogEntry[];
	clearLog(): void;
	callsPlaced(): PlacedCall[];
	faults: { add(f: FaultSpec): void; clear(): void; list(): FaultSpec[] };
	seedConversations(n: number, opts?: SeedConversationOptions): Conversation[];
	seedBatch(opts?: SeedBatchOptions): Batch;
	addWebhookTarget(agentId: number, t: WebhookTargetInput): WebhookTarget;
	/** Live array of every webhook delivery attempt. */
	deliveries: DeliveryRecord[];
	/** Sends a past delivery again, byte for byte (see Webhooks.redeliver). */
	redeliver(eventId: string): Promise<DeliveryRecord>;
	endCall(conversationId: string, status?: TerminalStatus): Promise<void>;
	/**
	 * The body of the outcome event of an ended conversation as a target with default options
	 * gets it, with the given `event_id`, stamped `at` (default: now), for a driver that delivers
	 * events itself (e2e/lib/faults.ts).
	 */
	outcomeEvent(conversationId: string, eventId: string, at?: number): WebhookEventPayload;
	/** Forget all calls, batches, jobs, targets, log, deliveries and faults (options and clock stay). */
	reset(): void;
	state: SimState;
	options: ResolvedOptions;
}

export async function start(options: SimulatorOptions = {}): Promise<Simulator> {
	const opts: ResolvedOptions = {
		apiKey: options.apiKey ?? DEFAULT_API_KEY,
		webhookSecret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
		realTime: options.realTime ?? false,
		agents: options.agents ?? DEFAULT_AGENTS,
		callDurationMs: options.callDurationMs ?? 30_000,
		ringMs: options.ringMs ?? 0,
		conversationDelayMs: options.conversationDelayMs ?? 0,
		recordingDelayMs: options.recordingDelayMs ?? 10_000,
		recordingBytes: options.recordingBytes ?? 64 * 1024,
		maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
		transcriptionDelayMs: options.transcriptionDelayMs ?? 5_000,
		maxConcurrentCalls: options.maxConcurrentCalls ?? 10,
		perNumberLimit: options.perNumberLimit ?? { max: 3, windowMs: 600_000 },
		apiRateLimit: options.apiRateLimit ?? { limit: 6000, windowMs: 60_000 },
		fromPhone: '+918065177389',
	};
	for (const name of ['ringMs', 'conversationDelayMs'] as const) {
		if (!Number.isFinite(opts[name]) || opts[name] < 0)
			throw new Error(`${name} must be a number >= 0`);
	}
	const clock = new VirtualClock(options.now ?? Date.now());
	const state = createState();
	let baseUrl = '';
	const ctx: SimContext = {
		opts,
		state,
		clock,
		baseUrl: () => baseUrl,
		onCallEnded: (c) => webhooks.dispatch(c),
	};
	const webhooks = new Webhooks(ctx);
	const faults = new Faults();

	const sim: Simulator = {
		url: '',
		apiKey: opts.apiKey,
		webhookSecret: opts.webhookSecret,
		port: 0,
		close: async () => undefined,
		clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms) },
		flush: () => webhooks.flush(),
		log: state.log,
		clearLog: () => {
			state.log.length = 0;
		},
		callsPlaced: () => [...state.placed],
		faults: { add: (f) => faults.add(f), clear: () => faults.clear(), list: () => faults.list() },
		seedConversations: (n, o) => seedConversations(ctx, n, o),
		seedBatch: (o = {}) => {
			const agentId = o.agentId ?? opts.agents[0] ?? 123;
			const rows =
				typeof o.rows === 'number' || o.rows === undefined
					? Array.from({ length: o.rows ?? 5 }, (_, i) => ({
							customer_phone: `+9197${String(i).padStart(8, '0')}`,
							customer_name: `Recipient ${i}`,
						}))
					: o.rows;
			if (!opts.agents.includes(agentId)) throw new Error('agent not found');
			if (rows.length === 0 || rows.some((r) => !r.customer_phone))
				throw new Error('every row needs customer_phone');
			return createBatchRecord(ctx, agentId, o.name ?? 'Seeded batch', rows);
		},
		addWebhookTarget: (agentId, t) => webhooks.addTarget(agentId, t),
		deliveries: state.deliveries,
		redeliver: (eventId) => webhooks.redeliver(eventId),
		endCall: async (id, status) => {
			endCallNow(ctx, id, status);
			// Runs the deliveries just queued at the current instant (and awaits them).
			await clock.advance(0);
			await webhooks.flush();
		},
		outcomeEvent: (id, eventId, at) => {
			const c = state.conversations.get(id);
			if (!c || c.end_timestamp === null) throw new Error(`no ended conversation ${id}`);
			const defaults = { includeRecordingUrl: false, includeTranscript: false };
			return webhooks.payload(c, defaults, eventId, at ?? clock.now());
		},
		reset: () => {
			clock.clearQueue();
			faults.clear();
			// Keep the array identities that sim.log / sim.deliveries expose.
			const fresh = createState();
			state.log.length = 0;
			state.deliveries.length = 0;
			Object.assign(state, fresh, { log: state.log, deliveries: state.deliveries });
		},
		state,
		options: opts,
	};

	const handle = createServer(ctx, faults, adminHandler(sim));
	await new Promise<void>((resolve, reject) => {
		handle.server.once('error', reject);
		handle.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (handle.server.address() as AddressInfo).port;
	baseUrl = `http://127.0.0.1:${port}`;
	sim.url = baseUrl;
	sim.port = port;
	if (opts.realTime) clock.startTicker();

	sim.close = async () => {
		clock.stop();
		webhooks.close();
		const closed = new Promise<void>((resolve) => handle.server.close(() => resolve()));
		handle.closeAll();
		await closed;
		await webhooks.flush();
	};
	return sim;
}
export { simClient } from './client';
