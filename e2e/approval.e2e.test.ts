/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives a real n8n process, never shipped; prints its measurements */
import { randomUUID } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { start as startSimulator, type Simulator } from '../test/simulator';
import {
	createN8nHome,
	ensureN8n,
	example,
	exampleCredentials,
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
	withParameter,
	type ExecutionRecord,
	type N8nHome,
	type N8nServer,
	type WorkflowImport,
} from './lib';
import { startOpenAiStub, STUB_API_KEY, type OpenAiStub, type ScriptStep } from './lib/openaiStub';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from './lib/smtpCapture';

/**
 * A person approves each call an AI agent wants to place (issue 22), in a real n8n: example 7
 * (AI Agent → "Ask a person to approve", n8n's Send Email gate, → FormantAI "Place a call") run
 * by `n8n start`, the model scripted (`lib/openaiStub.ts`), the e-mail caught by a local SMTP
 * server (`lib/smtpCapture.ts`) and answered by opening its Approve or Decline link, as the
 * approver would. The gate is Send Email rather than the Chat node's approval: its answer is a
 * plain signed link to n8n's waiting webhook, which a test can open over loopback, where the
 * Chat node's approval needs the chat UI's own session with the Chat Trigger.
 */

const AGENT_NODE = 'AI Agent';
const GATE_NODE = 'Ask a person to approve';
const CALL_TOOL = 'Place a call';
const CAMPAIGN_TOOL = 'Start a campaign';
const MANUAL_TRIGGER = 'Run with a sample request';
const OPENAI_CREDENTIAL = { id: 'openAiExample001', name: 'OpenAI account', type: 'openAiApi' };
const SMTP_CREDENTIAL = { id: 'smtpExample00001', name: 'SMTP account', type: 'smtp' };

/** An answered approval resumes within seconds; this only bounds a failing run. */
const ANSWERED_LIMIT_MS = 30_000;

/**
 * The approver's browser. Send and Wait ignores a request without a User-Agent (or with a bot's):
 * it takes it for a chat app's link preview (Microsoft Teams fetches links with none), answers
 * 200 with an empty page and keeps waiting, so that a preview never approves or declines.
 */
const BROWSER_USER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const measurements: Record<string, string> = {};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What the model sends for a gated tool: n8n nests the tool's own arguments under toolParameters. */
const gatedCall = (tool: string, toolParameters: IDataObject): ScriptStep => ({
	toolCall: { tool, arguments: { toolParameters, hitlParameters: {} } },
});
const reportBack: ScriptStep = {
	reply: ({ toolResult }) => `Tool said: ${toolResult ?? '(no tool result)'}`,
};

/**
 * The workflow with its manual trigger swapped for a Webhook node (same connections), so that a
 * published copy can be started over HTTP like a production run.
 */
function startedByWebhook(
	workflow: WorkflowImport,
	path: string,
): { workflow: WorkflowImport; path: string } {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowImport;
	const trigger = copy.nodes.find((node) => node.name === MANUAL_TRIGGER)!;
	Object.assign(trigger, {
		name: 'Request received',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	});
	copy.connections['Request received'] = copy.connections[MANUAL_TRIGGER];
	delete copy.connections[MANUAL_TRIGGER];
	return { workflow: copy, path };
}

describe('a person approves each FormantAI call an AI agent wants to place (real n8n, e-mail gate)', () => {
	const repoRoot = resolve(__dirname, '..');
	let home: N8nHome;
	let server: N8nServer;
	let sim: Simulator;
	let stub: OpenAiStub;
	let smtp: SmtpCapture;
	let scratch: string;
	let runs: Array<{ workflow: WorkflowImport; path: string }>;
	let approval: WorkflowImport & { id: string };
	let timeoutVariant: WorkflowImport;
	let campaignVariant: WorkflowImport;
	const suiteStarted = Date.now();

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-approval-'));
		sim = await startSimulator({ realTime: true, callDurationMs: 1500 });
		stub = await startOpenAiStub();
		smtp = await startSmtpCapture();
		approval = example(loadExamples(), '7-');

		// No answer: the gate's Limit Wait Time at 0 minutes (the least n8n accepts) instead of 30.
		// The wait still ends only when n8n's wait tracker next looks (once a minute).
		timeoutVariant = {
			...withParameter(approval, GATE_NODE, (parameters) => {
				const options = parameters.options as IDataObject;
				options.limitWaitTime = {
					values: { limitType: 'afterTimeInterval', resumeAmount: 0, resumeUnit: 'minutes' },
				};
			}),
			id: 'approvalTimeout1',
			name: `${approval.name} (wait runs out)`,
		};

		// Batch → Create behind the same gate: the recipient comes from the item that started the
		// agent (n8n merges it into the tool's input item), the model names the campaign.
		const campaign = JSON.parse(JSON.stringify(approval)) as WorkflowImport;
		const callNode = campaign.nodes.find((node) => node.name === CALL_TOOL)!;
		callNode.name = CAMPAIGN_TOOL;
		callNode.parameters = {
			descriptionType: 'manual',
			toolDescription:
				'Start a FormantAI campaign that calls the customer of this request (a person approves it first). Give the campaign a short name.',
			resource: 'batch',
			operation: 'create',
			agentId: { __rl: true, mode: 'id', value: '123' },
			campaignName: "={{ $fromAI('campaign_name', 'A short name for the campaign', 'string') }}",
			source: 'inputItems',
			phoneField: 'customer_phone',
			columns: 'selected',
			fieldsToInclude: 'customer_name',
			safety: { allowedDestinations: '+91' },
			options: {},
		};
		campaign.connections[CAMPAIGN_TOOL] = campaign.connections[CALL_TOOL];
		delete campaign.connections[CALL_TOOL];
		campaignVariant = {
			...withParameter(campaign, 'Sample request', (parameters) => {
				const list = (parameters.assignments as { assignments: IDataObject[] }).assignments;
				list[0].value = 'Start the follow-up campaign for this customer.';
				list.push(
					{ id: 'r2', name: 'customer_phone', value: '+91 98765 43219', type: 'string' },
					{ id: 'r3', name: 'customer_name', value: 'Meera', type: 'string' },
				);
			}),
			id: 'approvalCampaign',
			name: `${approval.name} (campaign)`,
		};

		let started = Date.now();
		await installPackage(home, await packPackage(repoRoot, scratch));
		measurements['pack + install our package'] = seconds(Date.now() - started);
		started = Date.now();
		await importCredentials(home, [
			...exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
			{ ...OPENAI_CREDENTIAL, data: { apiKey: STUB_API_KEY, url: stub.baseUrl } },
			{
				...SMTP_CREDENTIAL,
				data: {
					user: '',
					password: '',
					host: smtp.host,
					port: smtp.port,
					secure: false,
					disableStartTls: true,
				},
			},
		]);
		runs = [
			startedByWebhook({ ...approval }, 'approval-e2e-call'),
			startedByWebhook(timeoutVariant, 'approval-e2e-timeout'),
			startedByWebhook(campaignVariant, 'approval-e2e-campaign'),
		];
		await importWorkflows(
			home,
			runs.map((run) => run.workflow),
		);
		for (const run of runs) await publishWorkflow(home, run.workflow.id!);
		measurements['import credentials + workflows, publish 3'] = seconds(Date.now() - started);

		started = Date.now();
		server = await startServer(home, {
			webhooks: runs.map((run) => run.path),
			readyTimeoutMs: 300_000,
		});
		measurements['n8n start → webhooks ready'] = seconds(Date.now() - started);
	});

	afterAll(async () => {
		await server?.stop();
		await sim?.close();
		await stub?.close();
		await smtp?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		measurements['whole file (incl. pack/import/start)'] = seconds(Date.now() - suiteStarted);
		console.log(
			`[e2e approval measurements]\n${Object.entries(measurements)
				.map(([key, value]) => `  ${key}: ${value}`)
				.join('\n')}`,
		);
	});

	beforeEach(() => {
		sim.reset();
		smtp.mails.length = 0;
	});

	/** Starts a workflow through its production webhook; returns the new execution's ID. */
	const runWorkflow = async (workflow: WorkflowImport, steps: ScriptStep[]): Promise<string> => {
		stub.script(steps);
		const run = runs.find((item) => item.workflow.id === workflow.id)!;
		const before = new Set(
			(await listExecutions(home, { workflowId: workflow.id })).map((row) => row.id),
		);
		const answer = await http(server.webhookUrl(run.path), 'POST', {});
		if (answer.status !== 200) {
			throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
		}
		return await pollUntil(
			'the new execution',
			async () =>
				(await listExecutions(home, { workflowId: workflow.id })).find((row) => !before.has(row.id))
					?.id,
			{ timeoutMs: 60_000, intervalMs: 250 },
		);
	};

	const execution = async (workflowId: string, id: string): Promise<ExecutionRecord | undefined> =>
		(await listExecutions(home, { workflowId, includeData: true })).find((row) => row.id === id);

	/** The approval e-mail, once n8n has sent it and the execution waits for the answer. */
	const approvalMail = async (workflowId: string, id: string): Promise<CapturedMail> => {
		const mail = await pollUntil('the approval e-mail', async () => smtp.mails[0], {
			timeoutMs: 120_000,
			intervalMs: 200,
		});
		await pollUntil(
			'the execution waiting for the approver',
			async () => ((await execution(workflowId, id))?.status === 'waiting' ? true : undefined),
			{ timeoutMs: 60_000, intervalMs: 250 },
		);
		return mail;
	};

	const link = (mail: CapturedMail, approved: boolean): string => {
		const found = mail.links.find((url) => url.includes(`approved=${approved}`));
		if (!found) throw new Error(`no approved=${approved} link in: ${mail.links.join(' ')}`);
		return found;
	};

	/** The approver opens a link from the e-mail in a browser; n8n answers "Action recorded". */
	const click = async (url: string): Promise<void> => {
		const page = await http(url, 'GET', undefined, { 'user-agent': BROWSER_USER_AGENT });
		expect(page.status).toBe(200);
		expect(String(page.body)).toContain('<title>Action recorded</title>');
	};

	/** Waits until the execution has ended; on a timeout, prints the end of n8n's log. */
	const finished = async (workflowId: string, id: string, timeoutMs = 120_000) => {
		let last: ExecutionRecord | undefined;
		return await pollUntil(
			'the execution to finish',
			async () => {
				const row = (last = await execution(workflowId, id));
				return row && !['waiting', 'running', 'new'].includes(row.status) ? row : undefined;
			},
			{ timeoutMs, intervalMs: 500 },
		).catch(async (error: unknown) => {
			const logs = server.logs().split('\n').slice(-60).join('\n');
			console.log(`[e2e approval] execution ${id} stayed ${last?.status}; n8n said:\n${logs}`);
			return await Promise.reject(error);
		});
	};

	const agentAnswer = (row: ExecutionRecord): string =>
		String(nodeOutput(row.data!, AGENT_NODE)[0]?.json.output ?? '');

	it("approve: the e-mail shows the call, one click dials exactly once with the model's arguments, and the model reads the call", async () => {
		const args = {
			customer_phone: '+91 98765 43210',
			customer_name: 'Rahul',
			topic: 'overdue invoice INV-2041',
		};
		const started = Date.now();
		const id = await runWorkflow(approval, [gatedCall('Place_a_call', args), reportBack]);
		const mail = await approvalMail(approval.id, id);
		measurements['run → approval e-mail, execution waiting'] = seconds(Date.now() - started);
		console.log(
			`[e2e approval] e-mail: ${JSON.stringify({ subject: mail.subject, to: mail.to, links: mail.links })}`,
		);

		// Nothing is dialled while the person has not answered.
		expect(sim.log).toHaveLength(0);
		expect(mail.to).toEqual(['approver@example.com']);
		expect(mail.subject).toContain('Place_a_call');
		expect(mail.text).toContain('+91 98765 43210');
		// One model turn so far: the tool call that is now waiting.
		expect(stub.modelRequests()).toHaveLength(1);

		// A link preview (no User-Agent) neither approves nor resumes anything.
		const preview = await http(link(mail, true), 'GET');
		expect(preview.status).toBe(200);
		expect(String(preview.body)).toBe('');
		expect((await execution(approval.id, id))?.status).toBe('waiting');

		const clicked = Date.now();
		await click(link(mail, true));
		const row = await finished(approval.id, id, ANSWERED_LIMIT_MS);
		measurements['approve click → execution finished'] = seconds(Date.now() - clicked);
		expect(row.status).toBe('success');

		const placed = sim.callsPlaced();
		measurements['calls placed when approved'] = String(placed.length);
		expect(placed).toHaveLength(1);
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(1);
		expect(placed[0]).toMatchObject({
			agent_id: 123,
			phone: '+919876543210',
			parameters: { customer_name: 'Rahul', topic: 'overdue invoice INV-2041' },
		});

		const results = stub.toolResults();
		console.log(`[e2e approval] approve: tool results the model read: ${JSON.stringify(results)}`);
		const last = results[results.length - 1];
		expect(last).toContain(placed[0].trace_id);
		expect(last).toContain('"status":"initiated"');
		expect(agentAnswer(row)).toContain(placed[0].trace_id);
		expect(row.data!.resultData.runData[CALL_TOOL] ?? []).toHaveLength(1);
	});

	it('decline: nothing reaches FormantAI and the model is told the call was refused', async () => {
		const args = { customer_phone: '+91 98765 43211', customer_name: 'Asha', topic: 'invoice' };
		const id = await runWorkflow(approval, [gatedCall('Place_a_call', args), reportBack]);
		const mail = await approvalMail(approval.id, id);

		await click(link(mail, false));
		const row = await finished(approval.id, id, ANSWERED_LIMIT_MS);
		expect(row.status).toBe('success');

		measurements['requests to FormantAI when declined'] = String(sim.log.length);
		expect(sim.log).toHaveLength(0);
		expect(sim.callsPlaced()).toHaveLength(0);
		expect(row.data!.resultData.runData[CALL_TOOL]).toBeUndefined();

		const results = stub.toolResults();
		console.log(`[e2e approval] decline: tool results the model read: ${JSON.stringify(results)}`);
		expect(results).toHaveLength(1);
		expect(results[0]).toContain('User rejected the tool call to Place a call');
		expect(agentAnswer(row)).toMatch(/rejected/);
	});

	it("Batch → Create behind the gate: approved → one campaign with the request's customer", async () => {
		const id = await runWorkflow(campaignVariant, [
			gatedCall('Start_a_campaign', { campaign_name: 'Follow-up Meera' }),
			reportBack,
		]);
		const mail = await approvalMail(campaignVariant.id!, id);
		expect(sim.log).toHaveLength(0);
		await click(link(mail, true));
		const row = await finished(campaignVariant.id!, id, ANSWERED_LIMIT_MS);
		expect(row.status).toBe('success');

		const batches = [...sim.state.batches.values()];
		measurements['campaigns started when approved'] = String(batches.length);
		expect(batches).toHaveLength(1);
		expect(batches[0]).toMatchObject({
			name: 'Follow-up Meera',
			agent_id: 123,
			total_recipients: 1,
		});
		expect(batches[0].rows).toEqual([{ customer_phone: '+919876543219', customer_name: 'Meera' }]);
		expect(sim.log.filter((entry) => entry.path === '/v1/batch-call')).toHaveLength(1);
		const results = stub.toolResults();
		console.log(`[e2e approval] campaign approved: tool results ${JSON.stringify(results)}`);
		expect(results[results.length - 1]).toContain(String(batches[0].id));
	});

	it('Batch → Create behind the gate: declined → no campaign, nothing sent', async () => {
		const id = await runWorkflow(campaignVariant, [
			gatedCall('Start_a_campaign', { campaign_name: 'Follow-up Meera' }),
			reportBack,
		]);
		const mail = await approvalMail(campaignVariant.id!, id);
		await click(link(mail, false));
		const row = await finished(campaignVariant.id!, id, ANSWERED_LIMIT_MS);
		expect(row.status).toBe('success');
		measurements['requests to FormantAI when the campaign is declined'] = String(sim.log.length);
		expect(sim.log).toHaveLength(0);
		expect(sim.state.batches.size).toBe(0);
		expect(stub.toolResults()[0]).toContain('User rejected the tool call to Start a campaign');
	});

	it('no answer: the e-mail shows the call with signed links; when the wait runs out, nothing is dialled', async () => {
		const args = { customer_phone: '+91 98765 43212', customer_name: 'Ravi', topic: 'renewal' };
		const started = Date.now();
		const id = await runWorkflow(timeoutVariant, [gatedCall('Place_a_call', args), reportBack]);
		// With a 0-minute limit the run may already be resumed by the time we look: no 'waiting' check.
		const mail = await pollUntil('the approval e-mail', async () => smtp.mails[0], {
			timeoutMs: 120_000,
			intervalMs: 200,
		});
		console.log(
			`[e2e approval] e-mail: ${JSON.stringify({ subject: mail.subject, to: mail.to, links: mail.links })}`,
		);
		// The e-mail names the tool and the model's arguments, with two signed links.
		expect(mail.to).toEqual(['approver@example.com']);
		expect(mail.subject).toContain('Place_a_call');
		expect(mail.text).toContain('+91 98765 43212');
		expect(link(mail, true)).toMatch(
			/\/webhook-waiting\/\d+\/apprv-07\?approved=true&signature=[0-9a-f]{64}$/,
		);
		expect(link(mail, false)).toMatch(/approved=false&signature=[0-9a-f]{64}$/);
		expect(sim.log).toHaveLength(0);

		// n8n's wait tracker looks for due executions once a minute, counted from n8n's start: the
		// run ends at its next look, whatever the limit below a minute. This test runs last, so the
		// other tests use up part of that minute.
		const row = await finished(timeoutVariant.id!, id, 120_000);
		measurements['no answer (0 min limit) → execution finished'] = seconds(Date.now() - started);
		console.log(
			`[e2e approval] no answer: status ${row.status}, tool results ${JSON.stringify(stub.toolResults())}, gate output ${JSON.stringify(nodeOutput(row.data!, GATE_NODE))}`,
		);
		measurements['calls placed when unanswered'] = String(sim.callsPlaced().length);
		expect(sim.log).toHaveLength(0);
		expect(sim.callsPlaced()).toHaveLength(0);
		expect(row.data!.resultData.runData[CALL_TOOL]).toBeUndefined();
		// What n8n 2.41.1 tells the model then: not a refusal, but "feedback" made of the item that
		// started the agent (its chatInput), because the gate passes its input through on timeout.
		expect(stub.modelRequests()).toHaveLength(2);
		const results = stub.toolResults();
		expect(results).toHaveLength(1);
		expect(results[0]).toContain('reviewed your planned tool call to Place a call');
		expect(results[0]).toContain('provided feedback');
		expect(results[0]).not.toContain('trace_id');
	});
});
