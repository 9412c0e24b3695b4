/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e fault driver on loopback, never shipped */
import { randomUUID } from 'crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';

import type { IConnections, INode } from 'n8n-workflow';

import type { Simulator } from '../../test/simulator';
import type { WorkflowImport } from './cli';
import { driveLoad, formantAiTriggerNode, webhookNode, type LoadResult } from './load';

/**
 * The fault runs of issue 20: outcomes of real simulator conversations delivered as FormantAI
 * documents it (api doc §8.8: no 2xx within 10 s is a failed attempt, 3 attempts; the spacing
 * scaled down from 0 / 30 / 300 s to 0 / 3 / 30 s), plus byte-identical re-sends, to our trigger
 * and to n8n's own Webhook node (the control) in the same run, each workflow recording what it
 * ran in its own destination.
 */
export const FAULT_LOAD = {
	events: 300,
	resends: 30,
	inFlight: 20,
	timeoutMs: 10_000,
	retryDelaysMs: [3_000, 30_000],
	/** The fault strikes once answers (any status) reach this share of two per event. */
	strikeAt: 0.3,
} as const;

/** One write to a destination: what the workflow (or the catch-up) recorded. */
export interface OutcomeRecord {
	event_id?: string;
	conversation_id: string;
	call_status?: string;
	source?: string;
}

/**
 * A system of record on loopback, in the shape a CRM's API has: `POST <url>` stores an outcome,
 * `GET <url>?conversation_id=…` answers `{ data: [outcomes of that conversation] }`.
 */
export interface Destination {
	url: string;
	records: OutcomeRecord[];
	close(): Promise<void>;
}

export async function startDestination(): Promise<Destination> {
	const records: OutcomeRecord[] = [];
	const sockets = new Set<Socket>();
	const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		res.setHeader('Content-Type', 'application/json');
		res.setHeader('Connection', 'close');
		if (req.method === 'POST') {
			try {
				records.push(JSON.parse(raw) as OutcomeRecord);
				res.end(JSON.stringify({ ok: true }));
			} catch {
				res.statusCode = 400;
				res.end(JSON.stringify({ error: 'not JSON' }));
			}
			return;
		}
		const id = url.searchParams.get('conversation_id');
		res.end(JSON.stringify({ data: records.filter((record) => record.conversation_id === id) }));
	};
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/outcomes`,
		records,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** `<start> → Wait 2 s → POST the outcome to the destination`, as one workflow. */
function slowWorkflow(
	id: string,
	name: string,
	start: INode,
	destinationUrl: string,
	fields: { eventId: string; conversationId: string; status: string },
): WorkflowImport & { id: string } {
	const wait: INode = {
		id: randomUUID(),
		name: 'Wait 2 s',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [220, 0],
		webhookId: randomUUID(),
		parameters: { resume: 'timeInterval', amount: 2, unit: 'seconds' },
	};
	const record: INode = {
		id: randomUUID(),
		name: 'Record the outcome',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [440, 0],
		parameters: {
			method: 'POST',
			url: destinationUrl,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ event_id: ${fields.eventId}, conversation_id: ${fields.conversationId}, call_status: ${fields.status}, source: 'workflow' }) }}`,
			options: {},
		},
	};
	const connections: IConnections = {
		[start.name]: { main: [[{ node: wait.name, type: 'main', index: 0 }]] },
		[wait.name]: { main: [[{ node: record.name, type: 'main', index: 0 }]] },
	};
	return {
		id,
		name,
		nodes: [start, wait, record],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** FormantAI Trigger (default options) → Wait 2 s → record. Served at `<webhookId>/webhook`. */
export function triggerFaultWorkflow(
	destinationUrl: string,
	id: string,
): WorkflowImport & { id: string } {
	const trigger = formantAiTriggerNode();
	return slowWorkflow(id, `Faults: trigger ${id}`, trigger, destinationUrl, {
		eventId: '$json.event_id',
		conversationId: '$json.conversation_id',
		status: '$json.status',
	});
}

/** The control: n8n's own Webhook node (POST `path`, answers at once) → Wait 2 s → record. */
export function controlFaultWorkflow(
	destinationUrl: string,
	id: string,
	path: string,
): WorkflowImport & { id: string } {
	const webhook = webhookNode(path);
	return slowWorkflow(id, `Faults: control ${id}`, webhook, destinationUrl, {
		eventId: '$json.body.event_id',
		conversationId: '$json.body.data.call.conversation_id',
		status: '$json.body.data.call.status',
	});
}

export interface FaultRunOptions {
	sim: Simulator;
	/** Ended conversations whose outcomes are delivered, one event each. */
	conversationIds: string[];
	/** Prefix of this run's event ids. */
	prefix: string;
	secret: string;
	/** Where the trigger workflow and the control workflow are served (one URL per webhook process). */
	triggerUrls: string[];
	controlUrls: string[];
	/** The fault; started once FAULT_LOAD.strikeAt of all deliveries are answered 2xx. */
	strike: () => Promise<void>;
}

export interface FaultRunResult {
	trigger: LoadResult;
	control: LoadResult;
	eventIds: string[];
	/** The conversation of each event id. */
	conversationOf: Map<string, string>;
	/** Seconds from the first delivery to the strike, and to the end of the fault's own steps. */
	struckAfterS: number;
	faultDoneAfterS: number;
}

/**
 * Sends every event to both workflows (`inFlight` each, same bytes, in step), strikes the fault
 * at `strikeAt`, and resolves when every delivery, copy and re-send is done and the fault is over.
 */
export async function driveFaultRun(options: FaultRunOptions): Promise<FaultRunResult> {
	const conversationOf = new Map<string, string>();
	const eventIds = options.conversationIds.map((conversationId, index) => {
		const eventId = `${options.prefix}${String(index).padStart(4, '0')}`;
		conversationOf.set(eventId, conversationId);
		return eventId;
	});
	// One body per event, stamped when first sent to either workflow: both get the same bytes.
	const bodies = new Map<string, Buffer>();
	const event = (eventId: string): Buffer => {
		let body = bodies.get(eventId);
		if (!body) {
			body = Buffer.from(
				JSON.stringify(options.sim.outcomeEvent(conversationOf.get(eventId)!, eventId, Date.now())),
			);
			bodies.set(eventId, body);
		}
		return body;
	};
	// Each event goes to both workflows at the same moment, so a fault meets both alike; each
	// side's retries and copies then follow its own answers.
	const arrivals = new Map<string, () => void>();
	const inStep = async (eventId: string): Promise<void> => {
		const other = arrivals.get(eventId);
		if (other) {
			arrivals.delete(eventId);
			other();
			return;
		}
		await new Promise<void>((resolve) => arrivals.set(eventId, resolve));
	};
	const started = Date.now();
	const threshold = Math.ceil(FAULT_LOAD.strikeAt * 2 * eventIds.length);
	let answered = 0;
	let struckAt = 0;
	let fault: Promise<void> | undefined;
	const onAnswer = (): void => {
		if (++answered !== threshold) return;
		struckAt = Date.now();
		fault = options.strike();
		// Awaited below; a failure must not become an unhandled rejection meanwhile.
		fault.catch(() => undefined);
	};
	const load = async (urls: string[]): Promise<LoadResult> =>
		await driveLoad({
			urls,
			secret: options.secret,
			events: eventIds.length,
			resends: FAULT_LOAD.resends,
			forged: 0,
			unsigned: 0,
			inFlight: FAULT_LOAD.inFlight,
			prefix: options.prefix,
			eventIds,
			event,
			timeoutMs: FAULT_LOAD.timeoutMs,
			retryDelaysMs: FAULT_LOAD.retryDelaysMs,
			onAnswer,
			beforeFirstSend: inStep,
		});
	const [trigger, control] = await Promise.all([
		load(options.triggerUrls),
		load(options.controlUrls),
	]);
	if (!fault) throw new Error(`the fault never struck: ${answered} of ${threshold} answers`);
	await fault;
	return {
		trigger,
		control,
		eventIds,
		conversationOf,
		struckAfterS: Math.round((struckAt - started) / 100) / 10,
		faultDoneAfterS: Math.round((Date.now() - started) / 100) / 10,
	};
}

/** What one workflow did with a run's events, counted at its destination. */
export interface FaultTally {
	/** Events none of whose deliveries reached the destination. */
	lost: number;
	/** Events recorded more than once. */
	runTwice: number;
	/** Deliveries sent again after a failed attempt (error answer, refused or no answer in 10 s). */
	reSent: number;
	/** Byte-identical copies sent after an accepted delivery. */
	copies: number;
	/** Events whose 3 attempts all failed (FormantAI gives up on them). */
	gaveUp: number;
	/** Events lost although one of their deliveries was answered 2xx. */
	lostAfter2xx: number;
	/** Of those, events accepted twice (the original and its copy both answered 2xx). */
	lostAfterCopy: number;
	statuses: Record<number, number>;
}

export function tally(run: FaultRunResult, load: LoadResult, records: OutcomeRecord[]): FaultTally {
	const ids = new Set(run.eventIds);
	const times = new Map<string, number>();
	for (const record of records) {
		if (record.event_id === undefined || !ids.has(record.event_id)) continue;
		times.set(record.event_id, (times.get(record.event_id) ?? 0) + 1);
	}
	const lostIds = run.eventIds.filter((id) => !times.has(id));
	return {
		lost: lostIds.length,
		runTwice: [...times.values()].filter((n) => n > 1).length,
		reSent: load.retried,
		copies: load.resent,
		gaveUp: load.gaveUp,
		lostAfter2xx: lostIds.filter((id) => load.acceptedEventIds.has(id)).length,
		lostAfterCopy: lostIds.filter((id) => load.acceptedTwiceEventIds.has(id)).length,
		statuses: load.genuineStatuses,
	};
}
