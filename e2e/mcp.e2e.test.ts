/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- e2e tooling that drives a real n8n process, never shipped; uses a throwaway local token; prints its measurements */
import { randomUUID } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

// The SDK maps these paths through its package.json "exports" (CommonJS for jest, types for tsc),
// which eslint's import resolver does not read.
// eslint-disable-next-line import-x/no-unresolved
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
// eslint-disable-next-line import-x/no-unresolved
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
	loadExamples,
	packPackage,
	pollUntil,
	publishWorkflow,
	startServer,
	type N8nHome,
	type N8nServer,
	type WorkflowImport,
} from './lib';

/**
 * The FormantAI tools over MCP (issue 22), in a real n8n: example 8 (MCP Server Trigger → Place a
 * call, Look up a call) published and served by `n8n start`, used by the official MCP TypeScript
 * SDK's client over Streamable HTTP on loopback, as a desktop assistant or IDE would, with the
 * FormantAI credential at the simulator.
 */

const TOKEN = 'mcp-e2e-token-not-a-secret';
const BEARER_CREDENTIAL = {
	id: 'mcpBearerExampl1',
	name: "MCP clients' token",
	type: 'httpBearerAuth',
};
const MCP_PATH = 'formantai';

const measurements: Record<string, string> = {};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

const textOf = (result: ToolResult): string =>
	result.content.map((part) => part.text ?? '').join('\n');

describe("FormantAI tools served by n8n's MCP Server Trigger to an MCP client (real n8n, simulator)", () => {
	const repoRoot = resolve(__dirname, '..');
	let home: N8nHome;
	let server: N8nServer;
	let sim: Simulator;
	let scratch: string;
	let workflow: WorkflowImport & { id: string };
	let client: Client;
	const suiteStarted = Date.now();

	const endpoint = (): string => `${server.url}/mcp/${MCP_PATH}`;

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-mcp-'));
		sim = await startSimulator({ realTime: true, callDurationMs: 1500 });
		workflow = example(loadExamples(), '8-');

		let started = Date.now();
		await installPackage(home, await packPackage(repoRoot, scratch));
		measurements['pack + install our package'] = seconds(Date.now() - started);
		await importCredentials(home, [
			...exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
			{ ...BEARER_CREDENTIAL, data: { token: TOKEN } },
		]);
		await importWorkflows(home, [workflow]);
		await publishWorkflow(home, workflow.id);

		started = Date.now();
		server = await startServer(home, { readyTimeoutMs: 300_000 });
		// The endpoint exists once the published workflow is registered: 401 without a token, not 404.
		await pollUntil(
			'the MCP endpoint',
			async () => ((await http(endpoint(), 'POST', {})).status !== 404 ? true : undefined),
			{ timeoutMs: 60_000, intervalMs: 250 },
		);
		measurements['n8n start → healthy'] = seconds(Date.now() - started);

		client = new Client({ name: 'formantai-e2e', version: '1.0.0' });
		const transport = new StreamableHTTPClientTransport(new URL(endpoint()), {
			requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
		});
		started = Date.now();
		await client.connect(transport);
		measurements['MCP connect (initialize)'] = seconds(Date.now() - started);
	});

	afterAll(async () => {
		await client?.close().catch(() => undefined);
		await server?.stop();
		await sim?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		measurements['whole file (incl. pack/import/start)'] = seconds(Date.now() - suiteStarted);
		console.log(
			`[e2e mcp measurements]\n${Object.entries(measurements)
				.map(([key, value]) => `  ${key}: ${value}`)
				.join('\n')}`,
		);
	});

	beforeEach(() => {
		sim.reset();
	});

	const callTool = async (name: string, args: IDataObject): Promise<ToolResult> => {
		const started = Date.now();
		const result = (await client.callTool({ name, arguments: args })) as ToolResult;
		measurements[`tools/call ${name} (last)`] = seconds(Date.now() - started);
		return result;
	};

	it('refuses a client without the bearer token (n8n answers 403)', async () => {
		const answer = await http(
			endpoint(),
			'POST',
			{
				jsonrpc: '2.0',
				id: 1,
				method: 'initialize',
				params: {
					protocolVersion: '2025-03-26',
					capabilities: {},
					clientInfo: { name: 'x', version: '1' },
				},
			},
			{ accept: 'application/json, text/event-stream' },
		);
		measurements['initialize without the token'] = `HTTP ${answer.status}`;
		expect(answer.status).toBe(403);
		expect(sim.log).toHaveLength(0);
	});

	it('lists both tools with their descriptions and the $fromAI arguments as the input schema', async () => {
		const { tools } = await client.listTools();
		console.log(`[e2e mcp] tools/list: ${JSON.stringify(tools)}`);
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(byName).sort()).toEqual(['Look_up_a_call', 'Place_a_call']);
		expect(byName.Place_a_call.description).toMatch(/phone a customer/);
		expect(byName.Place_a_call.inputSchema).toMatchObject({
			type: 'object',
			properties: {
				customer_phone: { type: 'string', description: expect.stringContaining('country code') },
				customer_name: { type: 'string' },
				topic: { type: 'string' },
				request_id: { type: 'string' },
			},
		});
		expect(byName.Look_up_a_call.description).toMatch(/conversation_id/);
		expect(byName.Look_up_a_call.inputSchema).toMatchObject({
			type: 'object',
			properties: { conversation_id: { type: 'string' } },
		});
		expect(sim.log).toHaveLength(0);
	});

	it('Look up a call returns the compact record of one conversation', async () => {
		const [conversation] = sim.seedConversations(1, { status: 'completed' });
		const result = await callTool('Look_up_a_call', {
			conversation_id: conversation.conversation_id,
		});
		console.log(`[e2e mcp] Look up a call: ${JSON.stringify(result)}`);
		expect(result.isError).toBeFalsy();
		const text = textOf(result);
		expect(text).toContain(conversation.conversation_id);
		expect(text).toContain('"status":"completed"');
		expect(sim.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			`GET /v1/conversations/${conversation.conversation_id}`,
		]);
	});

	it('a number outside Allowed Destinations: the client gets an error result and FormantAI no request', async () => {
		const result = await callTool('Place_a_call', {
			customer_phone: '+1 415 555 2671',
			customer_name: 'Alex',
			topic: 'invoice',
			request_id: randomUUID(),
		});
		console.log(`[e2e mcp] refused: ${JSON.stringify(result)}`);
		measurements['refusal the client received'] = JSON.stringify(result).slice(0, 300);
		expect(result.isError).toBe(true);
		expect(textOf(result)).toContain('+14155552671 is not in Allowed Destinations (+91)');
		expect(sim.log).toHaveLength(0);
		expect(sim.callsPlaced()).toHaveLength(0);
	});

	it('an allowed number is dialled once; the same request_id again places no second call', async () => {
		const args = {
			customer_phone: '+91 98765 43210',
			customer_name: 'Rahul',
			topic: 'overdue invoice INV-2041',
			request_id: randomUUID(),
		};
		const first = await callTool('Place_a_call', args);
		console.log(`[e2e mcp] placed: ${JSON.stringify(first)}`);
		expect(first.isError).toBeFalsy();
		const placed = sim.callsPlaced();
		expect(placed).toHaveLength(1);
		expect(placed[0]).toMatchObject({
			agent_id: 123,
			phone: '+919876543210',
			idempotency_key: args.request_id,
			parameters: { customer_name: 'Rahul', topic: 'overdue invoice INV-2041' },
		});
		expect(textOf(first)).toContain(placed[0].trace_id);

		const again = await callTool('Place_a_call', args);
		console.log(`[e2e mcp] same request_id again: ${JSON.stringify(again)}`);
		measurements['same request_id again: the client received'] = JSON.stringify(again).slice(
			0,
			300,
		);
		measurements['calls placed for 2 tools/call with one request_id'] = String(
			sim.callsPlaced().length,
		);
		expect(sim.callsPlaced()).toHaveLength(1);
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(2);
		expect(textOf(again)).toContain('"duplicate":true');
	});
});
