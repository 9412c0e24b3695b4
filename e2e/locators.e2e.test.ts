/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- e2e tooling that drives a real n8n process, never shipped; logs in with a throwaway local password; prints its timings */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject, INodeListSearchResult, INodeParameters } from 'n8n-workflow';

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
	nodeOutput,
	packPackage,
	startServer,
	type N8nHome,
	type N8nServer,
	type WorkflowImport,
} from './lib';
import { ownerEnv, restSession } from './lib/owner';

/**
 * Version 2's resource locators in real n8n: the three lists answer n8n's own list endpoint
 * (the one the editor calls) with real entries from the simulator, a refused key reads "check the
 * credential", and one workflow runs a version 1 node (plain fields, as saved before version 2)
 * next to version 2 nodes (locator values).
 */

const OWNER = { email: 'locators@formantai.test', password: 'FormantAI-locators-1' };
const NODE_TYPE = 'n8n-nodes-formantai.formantAi';
const WRONG_KEY = { id: 'formantAiWrong01', name: 'FormantAI wrong key', type: 'formantAiApi' };
const WORKFLOW_ID = 'e2eLocators00001';
const api = {
	formantAiApi: { id: EXAMPLE_CREDENTIALS.api.id, name: EXAMPLE_CREDENTIALS.api.name },
};

const rl = (value: string, mode: 'list' | 'id') => ({ __rl: true, mode, value });

function workflow(conversationId: string, batchId: number): WorkflowImport {
	const node = (name: string, typeVersion: number, x: number, parameters: INodeParameters) => ({
		id: name.replace(/\W+/g, '-'),
		name,
		type: NODE_TYPE,
		typeVersion,
		position: [x, 0] as [number, number],
		parameters,
		credentials: api,
	});
	return {
		id: WORKFLOW_ID,
		name: 'E2E locators: a version 1 node next to version 2 nodes',
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			// Saved by version 1: a plain string, as every workflow before version 2.
			node('Get v1', 1, 200, { resource: 'conversation', operation: 'get', conversationId }),
			node('Get v2', 2, 400, {
				resource: 'conversation',
				operation: 'get',
				conversationId: rl(conversationId, 'list'),
			}),
			node('Metrics v2', 2, 600, {
				resource: 'batch',
				operation: 'getMetrics',
				batchId: rl(String(batchId), 'id'),
			}),
			node('Call v2', 2, 800, {
				resource: 'call',
				operation: 'create',
				agentId: rl('456', 'list'),
				customerPhone: '+919845060001',
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Get v1', type: 'main', index: 0 }]] },
			'Get v1': { main: [[{ node: 'Get v2', type: 'main', index: 0 }]] },
			'Get v2': { main: [[{ node: 'Metrics v2', type: 'main', index: 0 }]] },
			'Metrics v2': { main: [[{ node: 'Call v2', type: 'main', index: 0 }]] },
		},
	};
}

describe('resource locators (node version 2) in real n8n', () => {
	let home: N8nHome;
	let sim: Simulator;
	let server: N8nServer | undefined;
	let scratch: string;
	let session: Awaited<ReturnType<typeof restSession>>;
	let conversationId = '';
	let batchId = 0;

	/** POST /rest/dynamic-node-parameters/resource-locator-results, as the editor sends it. */
	async function listSearch(
		methodName: string,
		parameters: IDataObject,
		options: { filter?: string; paginationToken?: string; credentials?: IDataObject | null } = {},
	) {
		const name =
			methodName === 'searchBatches'
				? 'batchId'
				: methodName === 'searchAgents'
					? 'agentId'
					: 'conversationId';
		return await http(
			`${server!.url}/rest/dynamic-node-parameters/resource-locator-results`,
			'POST',
			{
				path: `parameters.${name}`,
				nodeTypeAndVersion: { name: NODE_TYPE, version: 2 },
				currentNodeParameters: parameters,
				methodName,
				...(options.credentials === null ? {} : { credentials: options.credentials ?? api }),
				...(options.filter !== undefined ? { filter: options.filter } : {}),
				...(options.paginationToken !== undefined
					? { paginationToken: options.paginationToken }
					: {}),
			},
			session,
		);
	}
	const results = (answer: { body: unknown }) =>
		(answer.body as { data: INodeListSearchResult }).data;

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-locators-'));
		sim = await startSimulator();
		// Older calls of agent 497, then 150 of agent 123 and the newest 20 of agent 456.
		sim.seedConversations(30, { agentId: 497, phonePrefix: '+9197' });
		await sim.clock.advance(24 * 3_600_000);
		sim.seedConversations(150, { agentId: 123, status: 'completed' });
		await sim.clock.advance(3_600_000);
		const newest = sim.seedConversations(20, { agentId: 456, phonePrefix: '+9199' });
		conversationId = newest[newest.length - 1].conversation_id;
		sim.seedBatch({ name: 'March follow ups', rows: 3 });
		batchId = sim.seedBatch({ name: 'April renewals', agentId: 456, rows: 2 }).id;

		await installPackage(home, await packPackage(resolve(__dirname, '..'), scratch));
		await importCredentials(home, [
			...exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
			{ ...WRONG_KEY, data: { apiKey: 'fa_wrong_key', region: 'custom', baseUrl: sim.url } },
		]);
		await importWorkflows(home, [workflow(conversationId, batchId)]);
		server = await startServer(home, { env: await ownerEnv(home, OWNER) });
		session = await restSession(server.url, OWNER, 'formantai-e2e-locators');
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		await sim?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
	});

	it('Agent list: the distinct agents of the newest conversations, most recent first; searchable', async () => {
		const parameters = { resource: 'call', operation: 'create', agentId: rl('', 'list') };
		const agents = await listSearch('searchAgents', parameters);
		expect(agents.status).toBe(200);
		// 200 newest = 20 of agent 456 and 150 of agent 123, and the newest 30 of agent 497.
		expect(results(agents).results.map((r) => [r.name, r.value])).toEqual([
			['Agent 456', '456'],
			['Agent 123', '123'],
			['Agent 497', '497'],
		]);
		const filtered = await listSearch('searchAgents', parameters, { filter: '12' });
		expect(results(filtered).results.map((r) => r.value)).toEqual(['123']);
	});

	it('Conversation list: phone · status · time, newest first, 100 a page with a next-page token; search by phone', async () => {
		const parameters = {
			resource: 'conversation',
			operation: 'get',
			conversationId: rl('', 'list'),
		};
		const first = await listSearch('searchConversations', parameters);
		expect(first.status).toBe(200);
		const page = results(first);
		expect(page.results).toHaveLength(100);
		expect(page.paginationToken).toBe('100');
		expect(page.results[0].value).toBe(conversationId);
		expect(page.results[0].name).toMatch(/^\+9199\d{8} · \w+ · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
		const next = results(
			await listSearch('searchConversations', parameters, { paginationToken: '100' }),
		);
		expect(next.results).toHaveLength(100);
		expect(next.paginationToken).toBeUndefined();
		const phone = '+919800000042';
		const found = results(await listSearch('searchConversations', parameters, { filter: phone }));
		expect(found.results.map((r) => r.name.split(' · ')[0])).toEqual([phone]);
	});

	it('Batch list: campaigns by name (#id)', async () => {
		const parameters = { resource: 'batch', operation: 'get', batchId: rl('', 'list') };
		const batches = results(await listSearch('searchBatches', parameters));
		expect(batches.results.map((r) => [r.name, r.value])).toEqual([
			[`April renewals (#${batchId})`, String(batchId)],
			[`March follow ups (#${batchId - 1})`, String(batchId - 1)],
		]);
		const april = results(await listSearch('searchBatches', parameters, { filter: 'april' }));
		expect(april.results.map((r) => r.value)).toEqual([String(batchId)]);
	});

	it('a refused key, or no credential, says to check the FormantAI credential', async () => {
		const parameters = {
			resource: 'conversation',
			operation: 'get',
			conversationId: rl('', 'list'),
		};
		const refused = await listSearch('searchConversations', parameters, {
			credentials: { formantAiApi: { id: WRONG_KEY.id, name: WRONG_KEY.name } },
		});
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect((refused.body as { message: string }).message).toMatch(
			/^FormantAI refused the credential \(HTTP 401: .+\)\. Check the FormantAI credential selected on this node/,
		);
		const none = await listSearch('searchBatches', parameters, { credentials: null });
		expect(none.status).toBeGreaterThanOrEqual(400);
		expect((none.body as { message: string }).message).toMatch(
			/^The list cannot be loaded without a FormantAI credential/,
		);
	});

	it('one run: a version 1 node with its plain field, and version 2 nodes with locator values', async () => {
		const result = await executeWorkflow(home, WORKFLOW_ID);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');
		const v1 = nodeOutput(result.run, 'Get v1').map((item) => item.json);
		const v2 = nodeOutput(result.run, 'Get v2').map((item) => item.json);
		expect(v1).toEqual(v2);
		expect(v1[0]).toMatchObject({ conversation_id: conversationId, agent_id: 456 });
		expect(nodeOutput(result.run, 'Metrics v2')[0].json).toMatchObject({ batch_id: batchId });
		expect(sim.callsPlaced()).toEqual([
			expect.objectContaining({ agent_id: 456, phone: '+919845060001' }),
		]);
	});
});
