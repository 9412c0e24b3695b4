/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives a real n8n process, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import {
	start as startSimulator,
	startWebhookReceiver,
	type Simulator,
	type WebhookReceiver,
} from '../test/simulator';
import {
	allCallsEnded as allCallsSettled,
	createN8nHome,
	ensureN8n,
	example,
	exampleCredentials,
	examplesWithCrm,
	executeWorkflow,
	http,
	importCredentials,
	importWorkflows,
	installPackage,
	listExecutions,
	loadExamples,
	nodeOutput,
	packPackage,
	pollUntil,
	publishWorkflow,
	startServer,
	triggerPath,
	type Example,
	type ExecutionRecord,
	type N8nHome,
	type N8nServer,
} from './lib';

/**
 * The `examples/` workflows, imported as users import them, run in a real n8n with our packed
 * package against the simulator: headless runs (call, campaign, transcription) and the trigger
 * workflows published on `n8n start`, fed by the simulator's signed webhook deliveries.
 */

const RECORDING_BYTES = 48_000;
const CRM_WEBHOOK_PATH = 'formantai-new-crm-record';

const measurements: Record<string, string> = {};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await work();
	} finally {
		measurements[label] = seconds(Date.now() - started);
	}
}

describe('examples/ in real n8n against the simulator', () => {
	const repoRoot = resolve(__dirname, '..');
	let home: N8nHome;
	let sim: Simulator;
	let crm: WebhookReceiver;
	let server: N8nServer | undefined;
	let scratch: string;
	let examples: Example[];
	const wf = (prefix: string) => example(examples, prefix);
	const suiteStarted = Date.now();

	const allCallsEnded = async (label: string): Promise<void> => await allCallsSettled(sim, label);

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-examples-'));
		// Short virtual durations on a real-time clock: calls end within seconds.
		sim = await startSimulator({
			realTime: true,
			callDurationMs: 1500,
			recordingDelayMs: 500,
			transcriptionDelayMs: 1000,
			recordingBytes: RECORDING_BYTES,
		});
		crm = await startWebhookReceiver();
		crm.respond(() => 200);
		examples = loadExamples();

		await timed('pack + install our package', async () => {
			await installPackage(home, await packPackage(repoRoot, scratch));
		});
		await timed(
			`import 2 credentials + ${examples.length} example workflows (2 n8n commands)`,
			async () => {
				await importCredentials(
					home,
					exampleCredentials({
						baseUrl: sim.url,
						apiKey: sim.apiKey,
						webhookSecret: sim.webhookSecret,
					}),
				);
				await importWorkflows(home, examplesWithCrm(examples, crm.url));
			},
		);
	});

	afterAll(async () => {
		await server?.stop();
		await sim?.close();
		await crm?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		measurements['whole file (incl. pack/import/server)'] = seconds(Date.now() - suiteStarted);
		console.log(
			`[e2e examples measurements]\n${Object.entries(measurements)
				.map(([key, value]) => `  ${key}: ${value}`)
				.join('\n')}`,
		);
	});

	it('example 1a (headless): calls every sample CRM record once, with its parameters and key', async () => {
		const result = await timed('1a execute', () => executeWorkflow(home, wf('1a-').id));
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const calls = nodeOutput(result.run, 'Call the lead').map((item) => item.json);
		expect(calls).toHaveLength(4);
		expect(calls.map((call) => [call.customer_phone, call.idempotency_key])).toEqual([
			['+919845012340', 'crm-LEAD-1001'],
			['+919845012342', 'crm-LEAD-1002'],
			['+919845012345', 'crm-LEAD-1003'],
			['+919845012347', 'crm-LEAD-1004'],
		]);
		for (const call of calls) expect(call.trace_id).toEqual(expect.any(String));

		const placed = sim.callsPlaced();
		expect(placed.map((call) => [call.agent_id, call.phone, call.idempotency_key])).toEqual([
			[123, '+919845012340', 'crm-LEAD-1001'],
			[123, '+919845012342', 'crm-LEAD-1002'],
			[123, '+919845012345', 'crm-LEAD-1003'],
			[123, '+919845012347', 'crm-LEAD-1004'],
		]);
		expect(placed[0].parameters).toEqual({
			customer_phone: '+919845012340',
			customer_name: 'Asha Verma',
			lead_id: 'LEAD-1001',
			amount_due: '4500',
		});
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(4);
	});

	it('example 2 (headless): one campaign upload from the rows, bad row skipped, then its metrics', async () => {
		const result = await timed('2 execute', () => executeWorkflow(home, wf('2-').id));
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const [created] = nodeOutput(result.run, 'Start the campaign').map((item) => item.json);
		expect(created).toMatchObject({ total_recipients: 4, skipped_count: 1 });
		expect(created.name).toMatch(/^Nightly reminders \d{4}-\d{2}-\d{2}$/);
		expect(created.skipped_rows).toEqual([
			{ item: 4, phone: 'call me maybe', reason: expect.stringContaining('contains letters') },
		]);
		const [metrics] = nodeOutput(result.run, 'Campaign metrics').map((item) => item.json);
		expect(metrics).toMatchObject({ batch_id: created.id, total_processed: expect.any(Number) });
		expect(metrics.derived).toEqual(expect.any(Object));

		// What FormantAI received: one multipart upload whose CSV rows are the sheet's rows.
		expect(sim.log.filter((entry) => entry.path === '/v1/batch-call')).toHaveLength(1);
		const batch = sim.state.batches.get(created.id as number);
		expect(batch?.rows).toEqual([
			{
				customer_phone: '+919845020001',
				customer_name: 'Kiran Rao',
				invoice_id: 'INV-2041',
				amount_due: '3200',
			},
			{
				customer_phone: '+919845020002',
				customer_name: 'Meera Iyer',
				invoice_id: 'INV-2042',
				amount_due: '1500',
			},
			{
				customer_phone: '+919845020005',
				customer_name: 'Arjun Das',
				invoice_id: 'INV-2043',
				amount_due: '990',
			},
			{
				customer_phone: '+919845020006',
				customer_name: 'Sana Khan',
				invoice_id: 'INV-2044',
				amount_due: '2750',
			},
		]);
	});

	it('example 3 (headless): completed calls → recordings → transcripts, waiting inside the nodes', async () => {
		await allCallsEnded('calls of examples 1a and 2 ended');
		const completed = [...sim.state.conversations.values()].filter((c) => c.status === 'completed');
		// 1a: …0 and …2; campaign: …01 and …02 (outcome by the last digit).
		expect(completed).toHaveLength(4);

		const result = await timed('3 execute', () => executeWorkflow(home, wf('3-').id));
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const listed = nodeOutput(result.run, 'Recent completed calls').map((item) => item.json);
		expect(listed.map((c) => c.conversation_id).sort()).toEqual(
			completed.map((c) => c.conversation_id).sort(),
		);
		const recordings = nodeOutput(result.run, 'Download recording');
		expect(recordings).toHaveLength(4);
		for (const item of recordings) {
			expect(item.binary?.data).toMatchObject({ mimeType: 'audio/wav', fileExtension: 'wav' });
			expect(item.binary?.data.fileName).toMatch(/\.wav$/);
			expect(item.binary?.data.bytes).toBe(RECORDING_BYTES);
		}
		const transcripts = nodeOutput(result.run, 'Transcribe').map((item) => item.json);
		expect(transcripts).toHaveLength(4);
		for (const transcript of transcripts) {
			expect(transcript.status).toBe('completed');
			expect(transcript.text).toEqual(expect.any(String));
		}
		// Every recording was uploaded for transcription: 4 submits of the full WAV.
		expect(
			sim.log.filter((e) => e.method === 'POST' && e.path === '/v1/transcription/jobs'),
		).toHaveLength(4);
		expect(sim.state.jobs.size).toBe(4);
	});

	it('example 6 (headless): one step places the call, waits for its outcome and routes on it', async () => {
		const result = await timed('6 execute (call + wait for the outcome)', () =>
			executeWorkflow(home, wf('6-').id),
		);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const placed = sim.callsPlaced().filter((call) => call.phone === '+919845040002');
		expect(placed).toHaveLength(1);
		const orderKey = `delivery-slot-${'ORD-5521'}`;
		expect(placed[0].idempotency_key).toBe(orderKey);
		expect(placed[0]).toMatchObject({
			parameters: { customer_name: 'Kavya Menon', delivery_slot: 'Thursday 10:00-12:00' },
		});
		const [outcome] = nodeOutput(result.run, 'Confirm the delivery slot').map((item) => item.json);
		expect(outcome).toMatchObject({
			conversation_id: placed[0].conversation_id,
			trace_id: placed[0].trace_id,
			status: 'completed',
			timed_out: false,
			result_intent: expect.any(String),
			transcript: expect.stringContaining('Hello Kavya Menon'),
		});
		expect(nodeOutput(result.run, 'Slot answered').map((item) => item.json)).toEqual([
			{
				order_id: 'ORD-5521',
				answer: outcome.result_intent,
				call_seconds: outcome.duration_seconds,
				conversation_id: placed[0].conversation_id,
			},
		]);
		expect(nodeOutput(result.run, 'Check later')).toHaveLength(0);
		expect(nodeOutput(result.run, 'Follow up')).toHaveLength(0);
		// Polls only: one POST for this call, the rest GETs.
		const traffic = sim.log.filter((entry) => entry.at >= placed[0].at);
		expect(traffic.filter((entry) => entry.method === 'POST')).toHaveLength(1);
		measurements['6: requests while waiting'] = String(traffic.length - 1);
	});

	describe('server: examples 1a, 1b and 4 published, the simulator delivering to them', () => {
		let writeBackUrl: string;
		let routerUrl: string;
		const executions = async (workflowId: string, withData = false): Promise<ExecutionRecord[]> =>
			await listExecutions(home, { workflowId, includeData: withData });
		const waitForExecutions = async (
			workflowId: string,
			count: number,
		): Promise<ExecutionRecord[]> =>
			await pollUntil(
				`${count} finished executions of ${workflowId}`,
				async () => {
					const rows = await executions(workflowId);
					return rows.filter((row) => row.finished).length >= count ? rows : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 250 },
			);
		const newCrmRecord = async (lead: IDataObject): Promise<void> => {
			const answer = await http(server!.webhookUrl(CRM_WEBHOOK_PATH), 'POST', lead);
			expect(answer.status).toBe(200);
		};
		/** Executions of 1a, 1b and 4 so far. */
		const counts = async (): Promise<number[]> =>
			await Promise.all(
				[wf('1a-'), wf('1b-'), wf('4-')].map(
					async (workflow) => (await executions(workflow.id)).length,
				),
			);

		beforeAll(async () => {
			await allCallsEnded('all earlier calls ended before targets are added');
			await timed('publish 3 workflows (3 n8n commands)', async () => {
				for (const prefix of ['1a-', '1b-', '4-']) await publishWorkflow(home, wf(prefix).id);
			});
			server = await startServer(home, {
				webhooks: [CRM_WEBHOOK_PATH, triggerPath(wf('1b-')), triggerPath(wf('4-'))],
			});
			measurements['server start → healthy'] = seconds(server.timings.healthyMs);
			measurements['server start → 3 webhooks registered'] = seconds(server.timings.readyMs);
			writeBackUrl = server.webhookUrl(triggerPath(wf('1b-')));
			routerUrl = server.webhookUrl(triggerPath(wf('4-')));
			// FormantAI's dashboard step: agent 123 → Webhook → Add Target, one per trigger workflow,
			// with the secret that is in the examples' "FormantAI webhook secret" credential.
			sim.addWebhookTarget(123, {
				name: 'crm-write-back',
				url: writeBackUrl,
				secret: sim.webhookSecret,
			});
			sim.addWebhookTarget(123, {
				name: 'route-outcomes',
				url: routerUrl,
				secret: sim.webhookSecret,
			});
		});

		it('CRM record → call → outcome events, one at a time: one execution per event, each routed and written back; forgeries refused (401) and start nothing', async () => {
			const phase = Date.now();
			const [call, writeBack, router] = [wf('1a-'), wf('1b-'), wf('4-')];
			const before = await counts();
			// Outcome by the phone's last digit.
			const leads = [
				{
					lead_id: 'LEAD-2001',
					name: 'Nisha',
					phone: '+919845030000',
					route: 'Mark as paid',
					status: 'completed',
				},
				{
					lead_id: 'LEAD-2002',
					name: 'Omar',
					phone: '+919845030002',
					route: 'Schedule a callback',
					status: 'completed',
				},
				{
					lead_id: 'LEAD-2003',
					name: 'Pooja',
					phone: '+919845030005',
					route: 'Try again tomorrow',
					status: 'no_answer',
				},
				{
					lead_id: 'LEAD-2004',
					name: 'Ravi',
					phone: '+919845030006',
					route: 'Try again tomorrow',
					status: 'busy',
				},
				{
					lead_id: 'LEAD-2005',
					name: 'Sara',
					phone: '+919845030008',
					route: 'Hand to a person',
					status: 'unreachable',
				},
			];
			// One at a time: each outcome has run before the next CRM record arrives (see the
			// concurrent case below for why).
			for (const [index, lead] of leads.entries()) {
				await newCrmRecord(lead);
				await waitForExecutions(writeBack.id, before[1] + index + 1);
				await waitForExecutions(router.id, before[2] + index + 1);
			}
			await allCallsEnded('the 5 new calls ended');
			await sim.flush();
			measurements['5 CRM records → 5 calls → 10 outcome executions (one at a time)'] = seconds(
				Date.now() - phase,
			);

			// 10 unique events (5 calls × 2 targets), each delivered once and accepted.
			const firstDeliveries = sim.deliveries.filter((d) => !d.redelivery);
			expect(firstDeliveries).toHaveLength(10);
			expect(firstDeliveries.every((d) => d.ok && d.attempt === 1)).toBe(true);
			expect(new Set(firstDeliveries.map((d) => d.event_id)).size).toBe(10);

			// Example 1b wrote each outcome back to the "CRM" once.
			const written = crm.received.map((request) => request.body as IDataObject);
			expect(written.map((body) => [body.lead_id, body.call_status])).toEqual(
				leads.map((lead) => [lead.lead_id, lead.status]),
			);
			expect(written[0]).toMatchObject({
				intent: 'payment_confirmed',
				conversation_id: expect.any(String),
			});

			// Example 4 sent each outcome down its branch, with the signature verified.
			const branches = [
				'Mark as paid',
				'Schedule a callback',
				'Try again tomorrow',
				'Hand to a person',
			];
			const routed = (await executions(router.id, true)).map((execution) => {
				const data = execution.data!;
				const [item] = nodeOutput(data, 'FormantAI Trigger');
				return [
					item.json.param_customer_name,
					branches.filter((name) => nodeOutput(data, name).length > 0),
					item.json.signature_verified,
				];
			});
			expect(routed).toEqual(leads.map((lead) => [lead.name, [lead.route], true]));

			// The same bytes to the URL: n8n answers 200 either way (see the redelivery test below).
			const sample = firstDeliveries.find((d) => d.target === 'route-outcomes')!;

			// Forgeries: a new event with a wrong signature, a real event with a changed body, no signature.
			const forgedBody = {
				...(JSON.parse(sample.body) as IDataObject),
				event_id: 'evt_forged00001',
			};
			const forged = await http(routerUrl, 'POST', JSON.stringify(forgedBody), {
				'X-FormantAI-Event-Id': 'evt_forged00001',
				'X-FormantAI-Signature': `sha256=${'0'.repeat(64)}`,
			});
			expect(forged).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
			const tampered = await http(
				writeBackUrl,
				'POST',
				sample.body.replace('"status":"', '"status":"x'),
				{
					...sample.headers,
				},
			);
			expect(tampered).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
			const unsigned = await http(writeBackUrl, 'POST', JSON.stringify(forgedBody));
			expect(unsigned).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });

			// A sentinel call afterwards: once its outcome has run, whatever the copies or forgeries
			// had started would be in the database too.
			await newCrmRecord({ lead_id: 'LEAD-2099', name: 'Tara', phone: '+919845030001' });
			await waitForExecutions(writeBack.id, before[1] + leads.length + 1);
			await waitForExecutions(router.id, before[2] + leads.length + 1);
			await allCallsEnded('sentinel call ended');
			await sim.flush();

			const extra = leads.length + 1;
			expect(await counts()).toEqual([before[0] + extra, before[1] + extra, before[2] + extra]);
			for (const workflow of [call, writeBack, router]) {
				const rows = await executions(workflow.id);
				expect(rows.filter((row) => row.mode === 'webhook')).toHaveLength(extra);
				expect(rows.every((row) => row.status === 'success')).toBe(true);
			}
			expect(crm.received).toHaveLength(extra);
			measurements['one-at-a-time server case total'] = seconds(Date.now() - phase);
		});

		// n8n answers a copy like any delivery once its execution exists; the trigger's step in that
		// execution finds the event_id in n8n's dedupe store and outputs nothing.
		it('a redelivered event (same bytes, event id, signature) runs nothing after the trigger', async () => {
			const before = await counts();
			const crmBefore = crm.received.length;
			const firstDeliveries = sim.deliveries.filter((d) => !d.redelivery);
			expect(firstDeliveries.length).toBeGreaterThanOrEqual(10);
			for (const delivery of firstDeliveries) {
				expect((await sim.redeliver(delivery.event_id)).status).toBe(200);
			}
			const copies = (target: string) => firstDeliveries.filter((d) => d.target === target).length;
			// A sentinel call afterwards: once its outcome has run, the copies have run too.
			await newCrmRecord({ lead_id: 'LEAD-3099', name: 'Sentinel', phone: '+919845040001' });
			await waitForExecutions(wf('1b-').id, before[1] + copies('crm-write-back') + 1);
			await waitForExecutions(wf('4-').id, before[2] + copies('route-outcomes') + 1);
			await allCallsEnded('sentinel call ended');
			await sim.flush();
			expect(crm.received.length).toBe(crmBefore + 1);
			const ranAfterTrigger = (await executions(wf('4-').id, true)).filter(
				(execution) => nodeOutput(execution.data!, 'FormantAI Trigger').length > 0,
			);
			expect(ranAfterTrigger).toHaveLength(before[2] + 1);

			const sample = firstDeliveries.find((d) => d.target === 'route-outcomes')!;
			const repeated = await http(routerUrl, 'POST', Buffer.from(sample.body), sample.headers);
			// n8n's own onReceived answer (the trigger sets no response data): measured in 2.41.1.
			expect(repeated).toMatchObject({ status: 200, body: 'firstEntryJson' });
		});
	});
});
