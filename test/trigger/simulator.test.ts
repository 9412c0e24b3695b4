import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import { EVENT_TYPES } from '../../nodes/FormantAiTrigger/event';
import { heartbeat } from '../../nodes/FormantAiTrigger/lock';
import { RECORDING_DEADLINE_MS, RECORDING_WAITS_MS } from '../../nodes/FormantAiTrigger/recording';
import { apiCredential } from '../harness';
import type { Simulator, TerminalStatus, WebhookReceiver, WebhookTargetInput } from '../simulator';
import { simClient, start, startWebhookReceiver } from '../simulator';
import { engineTrigger, type WebhookOutcome } from './context';
import { MemoryDedupe } from './dedupeStore';
import { delivery } from './fixtures';
import { startN8nReceiver, type N8nReceiver } from './n8nReceiver';

const T0 = Date.UTC(2026, 2, 18, 20, 0, 0);
const AGENT = 497;

let sim: Simulator;
let receiver: N8nReceiver | undefined;
let phoneCounter = 0;
const restHeartbeat = heartbeat.sleep;

afterEach(async () => {
	resetRuntime();
	heartbeat.sleep = restHeartbeat;
	await receiver?.close();
	receiver = undefined;
	await sim?.close();
});

/** Places a call through the simulator's API and ends it with the given outcome. */
async function endCall(status: TerminalStatus, agentId = AGENT): Promise<string> {
	const phone = `+9190000${String(++phoneCounter).padStart(5, '0')}`;
	const res = await simClient(sim).post('/v1/call', {
		agent_id: agentId,
		parameters: [
			{ name: 'customer_phone', value: phone },
			{ name: 'customer_name', value: 'Rahul' },
			{ name: 'loan_id', value: 'LN-12345' },
		],
	});
	expect(res.status).toBe(200);
	const id = sim.callsPlaced()[sim.callsPlaced().length - 1].conversation_id;
	await sim.clock.advance(5_000);
	await sim.endCall(id, status);
	return id;
}

/** Simulator → local receiver → trigger through n8n-core's real WebhookContext. */
async function setup(options: {
	secret?: string | null;
	parameters?: INodeParameters;
	target?: Partial<WebhookTargetInput>;
	simOptions?: Parameters<typeof start>[0];
	seen?: MemoryDedupe;
}) {
	sim = await start({ now: T0, ...options.simOptions });
	// The replay window reads the same clock as the simulator's signed timestamps.
	runtime.now = () => sim.clock.now();
	const secret = options.secret === undefined ? sim.webhookSecret : (options.secret ?? undefined);
	const engine = engineTrigger({
		secret,
		parameters: options.parameters,
		seen: options.seen,
	});
	receiver = await startN8nReceiver(engine.run);
	sim.addWebhookTarget(AGENT, {
		name: 'n8n',
		url: receiver.url,
		includeTranscript: true,
		includeRecordingUrl: true,
		...options.target,
	});
	return engine;
}

function started(r: N8nReceiver): WebhookOutcome[] {
	return r.requests.filter((q) => q.outcome?.started).map((q) => q.outcome!);
}

function json(outcome: WebhookOutcome): IDataObject {
	return outcome.items[0].json;
}

describe('FormantAI Trigger with real signed deliveries from the simulator', () => {
	it('starts once for each of the seven event types, with the simplified call outcome', async () => {
		await setup({});
		const ids: string[] = [];
		for (const eventType of EVENT_TYPES)
			ids.push(await endCall(eventType.slice(5) as TerminalStatus));
		const runs = started(receiver!);
		expect(runs.map((o) => json(o).event_type)).toEqual([...EVENT_TYPES]);
		expect(sim.deliveries.every((d) => d.ok && d.status === 200 && d.attempt === 1)).toBe(true);
		for (const [i, run] of runs.entries()) {
			const item = json(run);
			const conversation = sim.state.conversations.get(ids[i])!;
			expect(item).toMatchObject({
				conversation_id: ids[i],
				agent_id: AGENT,
				status: conversation.status,
				to_phone: conversation.contact_number,
				param_customer_name: 'Rahul',
				param_loan_id: 'LN-12345',
				retry_is_final_attempt: true,
				signature_verified: true,
			});
			if (conversation.status === 'completed') {
				// The webhook's BOT:/HUMAN: text comes back in the API's own transcript shape.
				expect(item.transcript_turns).toEqual(conversation.transcript);
				expect(item.result_intent).toBe(conversation.results.intent);
			} else {
				expect(item.transcript_turns).toEqual([]);
			}
		}
	});

	it('refuses deliveries signed with another secret or not signed at all (401, FormantAI does not retry)', async () => {
		await setup({ target: { secret: 'a-different-secret' } });
		sim.addWebhookTarget(AGENT, { name: 'unsigned', url: receiver!.url, secret: null });
		await endCall('completed');
		await sim.clock.advance(400_000);
		expect(receiver!.requests).toHaveLength(2);
		expect(receiver!.requests.map((q) => q.outcome?.status)).toEqual([401, 401]);
		expect(started(receiver!)).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(2);
	});

	it('refuses unsigned deliveries by default, even without a secret credential on the node', async () => {
		await setup({ secret: null, target: { secret: null } });
		await endCall('busy');
		await sim.clock.advance(400_000);
		expect(receiver!.requests.map((q) => q.outcome?.status)).toEqual([401]);
		expect(started(receiver!)).toHaveLength(0);
	});

	it('accepts unsigned deliveries only when Authentication is None', async () => {
		await setup({ secret: null, target: { secret: null }, parameters: { authentication: 'none' } });
		await endCall('busy');
		expect(receiver!.requests[0].headers['x-formantai-signature']).toBeUndefined();
		expect(json(started(receiver!)[0])).toMatchObject({
			event_type: 'call.busy',
			signature_verified: false,
		});
	});

	it('starts once when the first attempt failed before reaching n8n and FormantAI retried 30 s later', async () => {
		await setup({});
		receiver!.route((n) => (n === 1 ? 503 : 'node'));
		await endCall('completed');
		expect(started(receiver!)).toHaveLength(0);
		await sim.clock.advance(30_000);
		expect(sim.deliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 503],
			[2, 200],
		]);
		expect(started(receiver!)).toHaveLength(1);
	});

	it('starts once when n8n processed the event but the answer was lost: the redeliveries are duplicates', async () => {
		await setup({});
		receiver!.route((n) => (n === 1 ? 'lost' : 'node'));
		await endCall('no_answer');
		await sim.clock.advance(30_000);
		const [first, second] = receiver!.requests;
		expect(second.raw.equals(first.raw)).toBe(true);
		expect(second.headers['x-formantai-event-id']).toBe(first.headers['x-formantai-event-id']);
		expect(first.outcome?.started).toBe(true);
		// n8n answers the copy like any delivery once its execution exists; the trigger's step in
		// that execution outputs nothing, so no node after it runs.
		expect(second.outcome).toMatchObject({ status: 200, executed: true, started: false });
		expect(sim.deliveries[1].ok).toBe(true);
		expect(started(receiver!)).toHaveLength(1);
	});

	it("still recognises the redelivery after an n8n restart (the ids live in n8n's database)", async () => {
		const seen = new MemoryDedupe();
		await setup({ seen });
		receiver!.route(() => 'lost');
		await endCall('completed');
		await receiver!.close();
		// A new process: nothing in memory, the same database.
		const restarted = engineTrigger({ secret: sim.webhookSecret, seen });
		receiver = await startN8nReceiver(restarted.run);
		sim.state.targets.get(AGENT)![0].url = receiver.url;
		await sim.clock.advance(30_000);
		expect(receiver.requests).toHaveLength(1);
		expect(receiver.requests[0].outcome).toMatchObject({ status: 200, started: false });
	});

	it('"Listen for test event" (manual) runs through the engine and shows an event already seen in production', async () => {
		const seen = new MemoryDedupe();
		await setup({ seen });
		receiver!.route(() => 'lost');
		await endCall('completed');
		const [first] = receiver!.requests;
		const editor = engineTrigger({ secret: sim.webhookSecret, seen, mode: 'manual' });
		const test = await editor.run({ raw: first.raw, headers: first.headers });
		expect(test.started).toBe(true);
		expect(json(test).signature_verified).toBe(true);
		const production = engineTrigger({ secret: sim.webhookSecret, seen });
		expect((await production.run({ raw: first.raw, headers: first.headers })).started).toBe(false);
	});

	it('acknowledges (200) unselected events and filtered-out agents, so FormantAI does not retry them', async () => {
		await setup({
			parameters: { events: ['call.completed', 'call.busy'], filters: { agentIds: String(AGENT) } },
		});
		sim.addWebhookTarget(123, { name: 'other-agent', url: receiver!.url, includeTranscript: true });
		await endCall('failed');
		await endCall('busy', 123);
		await endCall('busy');
		await sim.clock.advance(400_000);
		expect(sim.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
		expect(
			receiver!.requests.map((q) => (q.outcome?.body as IDataObject).reason ?? 'started'),
		).toEqual(['event_not_selected', 'filtered_out', 'started']);
		expect(started(receiver!)).toHaveLength(1);
	});

	it('result filter on real results: starts only for the matching intent', async () => {
		await setup({});
		await endCall('completed');
		const intent = (json(started(receiver!)[0]).result_intent as string) ?? '';
		await receiver!.close();
		const engine = engineTrigger({
			secret: sim.webhookSecret,
			parameters: { filters: { results: { conditions: [{ key: 'intent', value: intent }] } } },
		});
		receiver = await startN8nReceiver(engine.run);
		sim.state.targets.get(AGENT)![0].url = receiver.url;
		// Phone numbers decide the intent in the simulator; two calls share it, one does not.
		for (let i = 0; i < 5; i++) await endCall('completed');
		const intents = receiver.requests.map(
			(q) => JSON.parse(q.raw.toString()).data.results.intent as string,
		);
		expect(started(receiver).length).toBe(intents.filter((x) => x === intent).length);
		expect(started(receiver).every((o) => json(o).result_intent === intent)).toBe(true);
	});
});

describe('Attach Recording (real httpRequestWithAuthentication against the simulator)', () => {
	/** Captures the simulator's real delivery, then replays its exact bytes into the trigger. */
	async function capturedDelivery(
		status: TerminalStatus,
		target: Partial<WebhookTargetInput> = {},
	) {
		const capture: WebhookReceiver = await startWebhookReceiver();
		try {
			sim.addWebhookTarget(AGENT, {
				name: `capture-${++phoneCounter}`,
				url: capture.url,
				...target,
			});
			const id = await endCall(status);
			const got = capture.received[0];
			return { id, raw: got.raw, headers: got.headers as Record<string, string> };
		} finally {
			await capture.close();
		}
	}

	function recordingEngine(parameters: INodeParameters = {}) {
		return engineTrigger({
			secret: sim.webhookSecret,
			api: apiCredential(sim.url, sim.apiKey),
			parameters: { attachRecording: true, ...parameters },
		});
	}

	const sleeps: number[] = [];
	function virtualTime() {
		sleeps.length = 0;
		runtime.sleep = async (ms) => {
			sleeps.push(ms);
			await sim.clock.advance(ms);
		};
		runtime.now = () => sim.clock.now();
		// The dedupe lock's renewal timer would move this one-sleeper clock: it only stops here.
		heartbeat.sleep = async (_ms, signal) =>
			await new Promise<void>((_resolve, reject) =>
				signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
			);
	}

	it('attaches a ready recording from the credential base URL, with the API key only there', async () => {
		sim = await start({ now: T0, recordingDelayMs: 0 });
		virtualTime();
		const attacker = await startWebhookReceiver();
		try {
			const { id, raw, headers } = await capturedDelivery('completed', {
				includeRecordingUrl: true,
			});
			// A correctly signed event whose recording_url points elsewhere: the node must not follow it.
			const event = JSON.parse(raw.toString());
			event.data.call.recording_url = `${attacker.url}/steal`;
			const tampered = delivery(event, sim.webhookSecret);
			sim.clearLog();
			// Separate workflows: the tampered copy has the same event_id.
			for (const d of [{ raw, headers }, tampered]) {
				const out = await recordingEngine({ binaryPropertyName: 'audio' }).run(d);
				expect(out.started).toBe(true);
				const item = out.items[0];
				expect(item.json).toMatchObject({ recording_status: 'attached', conversation_id: id });
				expect(item.binary?.audio).toMatchObject({ mimeType: 'audio/wav', fileName: `${id}.wav` });
				const bytes = Buffer.from(item.binary!.audio.data, 'base64');
				expect(bytes.subarray(0, 4).toString()).toBe('RIFF');
				expect(JSON.stringify(item)).not.toContain(sim.apiKey);
			}
			expect(attacker.received).toHaveLength(0);
			const downloads = sim.log.filter((e) => e.path.endsWith('/recording'));
			expect(downloads).toHaveLength(2);
			for (const download of downloads) {
				expect(download.path).toBe(`/v1/conversations/${encodeURIComponent(id)}/recording`);
				expect(download.status).toBe(200);
				// The simulator's log redacts the key it accepted.
				expect(download.headers.authorization).toBe('Bearer [redacted]');
			}
			expect(sleeps).toEqual([]);
		} finally {
			await attacker.close();
		}
	});

	it('downloads in the execution, after the webhook half handed the event over (n8n has answered)', async () => {
		sim = await start({ now: T0, recordingDelayMs: 0 });
		virtualTime();
		const { raw, headers } = await capturedDelivery('completed', { includeRecordingUrl: true });
		const out = await recordingEngine().run({ raw, headers });
		expect(out.result.workflowData![0][0].binary).toBeUndefined();
		expect(out.result.noWebhookResponse).toBeUndefined();
		expect(out.items[0].binary?.data).toBeDefined();
	});

	it('waits (2 s, then 5 s) for a recording that appears shortly after the call', async () => {
		sim = await start({ now: T0, recordingDelayMs: 2_500 });
		virtualTime();
		const { raw, headers } = await capturedDelivery('completed', { includeRecordingUrl: true });
		const out = await recordingEngine().run({ raw, headers });
		expect(json(out).recording_status).toBe('attached');
		expect(out.items[0].binary?.data).toBeDefined();
		expect(sleeps).toEqual(RECORDING_WAITS_MS.slice(0, 2));
	});

	it('passes the event on without the recording when it is not ready by the overall deadline', async () => {
		sim = await start({ now: T0, recordingDelayMs: 600_000 });
		virtualTime();
		const { raw, headers } = await capturedDelivery('completed', { includeRecordingUrl: true });
		sim.clearLog();
		const out = await recordingEngine().run({ raw, headers });
		expect(out.started).toBe(true);
		expect(json(out).recording_status).toBe('not_ready');
		expect(out.items[0].binary).toBeUndefined();
		expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(RECORDING_DEADLINE_MS);
		expect(sim.log.filter((e) => e.path.endsWith('/recording'))).toHaveLength(
			RECORDING_WAITS_MS.length + 1,
		);
	});

	it('does not ask for a recording when the event says there is none, and tries when it is unknown', async () => {
		sim = await start({ now: T0, recordingDelayMs: 0 });
		virtualTime();
		const busy = await capturedDelivery('busy', { includeRecordingUrl: true });
		const engine = recordingEngine();
		sim.clearLog();
		expect(json(await engine.run(busy)).recording_status).toBe('none');
		expect(sim.log).toHaveLength(0);
		// "Include recording URL" off: no recording_url at all, so a completed call is tried.
		const completed = await capturedDelivery('completed', { includeRecordingUrl: false });
		expect(JSON.parse(completed.raw.toString()).data.call.recording_url).toBeNull();
		const unknown = JSON.parse(completed.raw.toString());
		delete unknown.data.call.recording_url;
		expect(json(await engine.run(delivery(unknown, sim.webhookSecret))).recording_status).toBe(
			'attached',
		);
	});

	it('reports a failed download in the item instead of failing the delivery', async () => {
		sim = await start({ now: T0, recordingDelayMs: 0 });
		virtualTime();
		const { raw, headers } = await capturedDelivery('completed', { includeRecordingUrl: true });
		sim.faults.add({ path: /\/recording$/, kind: 'html502', count: 5 });
		const out = await recordingEngine().run({ raw, headers });
		expect(out.started).toBe(true);
		expect(json(out)).toMatchObject({
			recording_status: 'error',
			recording_error: expect.stringContaining('502'),
		});
		expect(JSON.stringify(out.result)).not.toContain(sim.apiKey);
	});
});
