/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- e2e tooling that drives a real n8n process, never shipped; logs in with a throwaway local password; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { start as startSimulator, type Simulator } from '../test/simulator';
import {
	createN8nHome,
	ensureN8n,
	EXAMPLE_CREDENTIALS,
	exampleCredentials,
	executeWorkflow,
	http,
	importCredentials,
	importWorkflows,
	installPackage,
	listExecutions,
	nodeOutput,
	packPackage,
	startServer,
	type N8nHome,
	type N8nServer,
	type WorkflowImport,
} from './lib';
import { ownerEnv, restSession } from './lib/owner';

/**
 * n8n's own Retry of a failed execution (the executions list's "Retry with original workflow")
 * never dials anyone twice: five calls, FormantAI refuses the fourth (an agent it does not know),
 * the run fails after three calls were placed; once the agent exists, n8n's Retry reaches
 * FormantAI with the same Automatic keys for those three (409 → duplicate: true) and places
 * only the two that were not placed.
 */

const OWNER_EMAIL = 'retry@formantai.test';
const OWNER_PASSWORD = 'FormantAI-retry-1';
const PHONES = [
	'+919845030001',
	'+919845030002',
	'+919845030003',
	'+919845030004',
	'+919845030005',
];
const UNKNOWN_AGENT = 999;
const WORKFLOW_ID = 'e2eRetryCalls01';

const workflow: WorkflowImport = {
	id: WORKFLOW_ID,
	name: 'E2E retry: five calls, the fourth refused',
	nodes: [
		{
			id: 'r1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'r2',
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {
				mode: 'raw',
				jsonOutput: JSON.stringify({
					rows: PHONES.map((phone, index) => ({
						phone,
						agent: index === 3 ? UNKNOWN_AGENT : 123,
					})),
				}),
				options: {},
			},
		},
		{
			id: 'r3',
			name: 'One item per row',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [400, 0],
			parameters: { fieldToSplitOut: 'rows', options: {} },
		},
		{
			id: 'r4',
			name: 'Call',
			type: 'n8n-nodes-formantai.formantAi',
			typeVersion: 1,
			position: [600, 0],
			parameters: {
				resource: 'call',
				operation: 'create',
				agentId: '={{ $json.agent }}',
				customerPhone: '={{ $json.phone }}',
			},
			credentials: {
				formantAiApi: { id: EXAMPLE_CREDENTIALS.api.id, name: EXAMPLE_CREDENTIALS.api.name },
			},
		},
	],
	connections: {
		Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
		Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
		'One item per row': { main: [[{ node: 'Call', type: 'main', index: 0 }]] },
	},
};

describe("n8n's Retry of a failed execution never dials twice", () => {
	const repoRoot = resolve(__dirname, '..');
	const agents = [123];
	let home: N8nHome;
	let sim: Simulator;
	let server: N8nServer | undefined;
	let scratch: string;

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-retry-'));
		sim = await startSimulator({ agents });
		await installPackage(home, await packPackage(repoRoot, scratch));
		await importCredentials(
			home,
			exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
		);
		await importWorkflows(home, [workflow]);
		server = await startServer(home, {
			env: await ownerEnv(home, {
				email: OWNER_EMAIL,
				password: OWNER_PASSWORD,
				firstName: 'Retry',
				lastName: 'Test',
			}),
		});
	});

	afterAll(async () => {
		await server?.stop();
		await sim?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
	});

	/** The body of every POST /v1/call the simulator received, in order. */
	const callBodies = () =>
		sim.log
			.filter((entry) => entry.method === 'POST' && entry.path === '/v1/call')
			.map((entry) => entry.body as IDataObject);
	const phoneOf = (body: IDataObject) =>
		(body.parameters as Array<{ name: string; value: string }>).find(
			(parameter) => parameter.name === 'customer_phone',
		)?.value;

	it('the first run fails at the refused fourth call, after the first three were placed', async () => {
		const result = await executeWorkflow(home, WORKFLOW_ID);
		expect(result.status).toBe('error');
		expect(result.errorMessage).toBe('agent not found');
		expect(sim.callsPlaced().map((call) => call.phone)).toEqual(PHONES.slice(0, 3));
	});

	it("n8n's Retry sends the same keys for the three placed, so only the other two are dialled", async () => {
		const firstBodies = callBodies();
		const [failed] = await listExecutions(home, { workflowId: WORKFLOW_ID });
		expect(failed.status).toBe('error');

		// FormantAI now knows the agent (the cause of the failure was fixed).
		agents.push(UNKNOWN_AGENT);

		const session = await restSession(
			server!.url,
			{ email: OWNER_EMAIL, password: OWNER_PASSWORD },
			'formantai-e2e-retry',
		);
		const retry = await http(
			`${server!.url}/rest/executions/${failed.id}/retry`,
			'POST',
			{ loadWorkflow: false },
			session,
			120_000,
		);
		expect(retry.status).toBe(200);

		const executions = await listExecutions(home, { workflowId: WORKFLOW_ID, includeData: true });
		const retried = executions.find((execution) => execution.id !== failed.id);
		expect(retried).toMatchObject({ mode: 'retry', status: 'success' });

		// Nobody was dialled twice: five numbers, five calls.
		const placed = sim.callsPlaced().map((call) => call.phone);
		expect(placed).toEqual(PHONES);

		// The retried execution reached FormantAI with the keys of the one it retried.
		const bodies = callBodies();
		const retryBodies = bodies.slice(firstBodies.length);
		const keyOf = (list: IDataObject[], phone: string) =>
			list.find((body) => phoneOf(body) === phone)?.idempotency_key;
		for (const phone of PHONES.slice(0, 4)) {
			expect(keyOf(retryBodies, phone)).toEqual(expect.any(String));
			expect(keyOf(retryBodies, phone)).toBe(keyOf(firstBodies, phone));
		}

		const output = nodeOutput(retried!.data!, 'Call').map((item) => item.json);
		expect(output.map((json) => [json.customer_phone, json.duplicate ?? false])).toEqual([
			[PHONES[0], true],
			[PHONES[1], true],
			[PHONES[2], true],
			[PHONES[3], false],
			[PHONES[4], false],
		]);
	});
});
