/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives a real n8n process, never shipped; prints its measurements */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import {
	createN8nHome,
	ensureN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	installPackage,
	listExecutions,
	listNodeTypes,
	nodeOutput,
	packPackage,
	pollUntil,
	publishWorkflow,
	startServer,
	type N8nHome,
	type N8nInstall,
	type N8nServer,
	type WorkflowImport,
} from './lib';

/**
 * Proves the harness itself with n8n's built-in nodes and a throwaway community package
 * (n8n-nodes-e2e-probe) laid out like ours: install or cache hit, credential import, headless
 * execution (success and failure), server start with a production webhook, package loading,
 * executions read back from the database, clean shutdown.
 */

const PROBE_PACKAGE = 'n8n-nodes-e2e-probe';
const PROBE_NODE_TYPE = `${PROBE_PACKAGE}.e2eProbe`;
const PROBE_CREDENTIAL_ID = 'e2eProbeCred0001';

/** A minimal community package: one node that needs one credential, plain CommonJS like tsc output. */
function writeProbePackage(dir: string): void {
	const files: Record<string, string> = {
		'package.json': JSON.stringify(
			{
				name: PROBE_PACKAGE,
				version: '0.0.1',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/E2eProbeApi.credentials.js'],
					nodes: ['dist/nodes/E2eProbe/E2eProbe.node.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
		'dist/credentials/E2eProbeApi.credentials.js': `
class E2eProbeApi {
	constructor() {
		this.name = 'e2eProbeApi';
		this.displayName = 'E2E Probe API';
		this.properties = [
			{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		];
	}
}
module.exports = { E2eProbeApi };
`,
		// Requires n8n-workflow the way our compiled nodes do: n8n must resolve it for the package.
		'dist/nodes/E2eProbe/E2eProbe.node.js': `
const { NodeConnectionTypes } = require('n8n-workflow');
class E2eProbe {
	constructor() {
		this.description = {
			displayName: 'E2E Probe',
			name: 'e2eProbe',
			group: ['transform'],
			version: 1,
			description: 'Harness probe',
			defaults: { name: 'E2E Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'e2eProbeApi', required: true }],
			properties: [],
		};
	}
	async execute() {
		const credentials = await this.getCredentials('e2eProbeApi');
		return [
			this.getInputData().map((item, index) => ({
				json: { ...item.json, probe: 'loaded', token: credentials.token },
				pairedItem: { item: index },
			})),
		];
	}
}
module.exports = { E2eProbe };
`,
	};
	for (const [file, content] of Object.entries(files)) {
		const path = join(dir, file);
		mkdirSync(resolve(path, '..'), { recursive: true });
		writeFileSync(path, content);
	}
}

const manualWorkflow: WorkflowImport = {
	id: 'e2eSmokeManual01',
	name: 'E2E smoke: manual → set → probe',
	nodes: [
		{
			id: 'm1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'm2',
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 'a1', name: 'greeting', value: 'hello', type: 'string' },
						{ id: 'a2', name: 'sum', value: '={{ 1 + 2 }}', type: 'number' },
					],
				},
				options: {},
			},
		},
		{
			id: 'm3',
			name: 'Probe',
			type: PROBE_NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters: {},
			credentials: { e2eProbeApi: { id: PROBE_CREDENTIAL_ID, name: 'Probe credential' } },
		},
	],
	connections: {
		Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
		Set: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] },
	},
};

const failingWorkflow: WorkflowImport = {
	id: 'e2eSmokeFailing1',
	name: 'E2E smoke: stop and error',
	nodes: [
		{
			id: 'f1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'f2',
			name: 'Boom',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			position: [200, 0],
			parameters: { errorMessage: 'boom on purpose' },
		},
	],
	connections: { Start: { main: [[{ node: 'Boom', type: 'main', index: 0 }]] } },
};

const WEBHOOK_PATH = 'e2e-smoke-hook';
const webhookWorkflow: WorkflowImport = {
	id: 'e2eSmokeWebhook1',
	name: 'E2E smoke: webhook → set → probe',
	nodes: [
		{
			id: 'w1',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '0b6f3f7e-6c1e-4a53-9d1c-2f1d1e0e5a11',
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} },
		},
		{
			id: 'w2',
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [{ id: 'b1', name: 'echo', value: '={{ $json.body.ping }}', type: 'string' }],
				},
				options: {},
			},
		},
		{
			id: 'w3',
			name: 'Probe',
			type: PROBE_NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters: {},
			credentials: { e2eProbeApi: { id: PROBE_CREDENTIAL_ID, name: 'Probe credential' } },
		},
	],
	connections: {
		Webhook: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
		Set: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] },
	},
};

function httpJson(
	url: string,
	method: string,
	body?: unknown,
): Promise<{ status: number; body: unknown }> {
	return new Promise((resolvePromise, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = request(
			url,
			{
				method,
				timeout: 30_000,
				headers: payload === undefined ? {} : { 'content-type': 'application/json' },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed: unknown = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						// Not JSON: keep the text.
					}
					resolvePromise({ status: res.statusCode ?? 0, body: parsed });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		req.end(payload);
	});
}

const measurements: Record<string, string> = {};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe('real n8n harness (smoke)', () => {
	let install: N8nInstall;
	let home: N8nHome;
	let server: N8nServer | undefined;
	let scratch: string;

	beforeAll(async () => {
		install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		measurements[install.installed ? 'cold install (npm install + sqlite3 rebuild)' : 'cache hit'] =
			seconds(install.durationMs);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-smoke-'));
		home = createN8nHome(install);
	});

	afterAll(async () => {
		await server?.stop();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		console.log(
			`[e2e measurements] n8n ${install?.n8nVersion} on Node ${install?.nodeVersion}\n${Object.entries(measurements)
				.map(([key, value]) => `  ${key}: ${value}`)
				.join('\n')}`,
		);
	});

	it('installs n8n 2.41.1 (or FORMANTAI_E2E_N8N_VERSION) with Node 24', () => {
		expect(install.n8nVersion).toBe(process.env.FORMANTAI_E2E_N8N_VERSION ?? '2.41.1');
		expect(install.nodeVersion).toBe('v24.21.0');
		expect(existsSync(install.n8nBin)).toBe(true);
	});

	it('loads a community package folder, imports a credential and workflows, executes headlessly', async () => {
		const packageDir = join(scratch, 'probe');
		writeProbePackage(packageDir);
		const tarball = await packPackage(packageDir, join(scratch, 'packs'));
		const installed = await installPackage(home, tarball);
		expect(installed.dir).toBe(join(home.dir, '.n8n', 'nodes', 'node_modules', PROBE_PACKAGE));
		expect((await listNodeTypes(home)).map((type) => type.name)).toContain(PROBE_NODE_TYPE);

		await importCredentials(home, [
			{ id: PROBE_CREDENTIAL_ID, name: 'Probe credential', type: 'e2eProbeApi', data: { token: 's3cret' } },
		]);
		await importWorkflows(home, [manualWorkflow, failingWorkflow, webhookWorkflow]);

		const result = await executeWorkflow(home, manualWorkflow.id as string);
		measurements['headless execute (n8n execute --id, process start to exit)'] = seconds(result.durationMs);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');
		expect(nodeOutput(result.run, 'Set').map((item) => item.json)).toEqual([{ greeting: 'hello', sum: 3 }]);
		// The community node ran and read its credential, decrypted with the home's fixed key.
		expect(nodeOutput(result.run, 'Probe').map((item) => item.json)).toEqual([
			{ greeting: 'hello', sum: 3, probe: 'loaded', token: 's3cret' },
		]);
	});

	it('reports a failing workflow as status error with its message', async () => {
		const result = await executeWorkflow(home, failingWorkflow.id as string);
		expect(result.status).toBe('error');
		expect(result.errorMessage).toBe('boom on purpose');
	});

	it('reads the headless executions back from the database', async () => {
		const executions = await listExecutions(home, { includeData: true });
		expect(executions.map((e) => [e.workflowId, e.mode, e.status])).toEqual([
			[manualWorkflow.id, 'cli', 'success'],
			[failingWorkflow.id, 'cli', 'error'],
		]);
		expect(nodeOutput(executions[0].data!, 'Set')[0].json).toEqual({ greeting: 'hello', sum: 3 });
	});

	it('serves a published webhook workflow that runs the community node', async () => {
		await publishWorkflow(home, webhookWorkflow.id as string);
		server = await startServer(home, { webhooks: [WEBHOOK_PATH] });
		measurements['server start to /healthz/readiness'] = seconds(server.timings.healthyMs);
		measurements['server start to webhook registered'] = seconds(server.timings.readyMs);

		// The answer comes from the community node (last node), run by the server with the
		// credential it decrypted: the package is loaded in server mode too.
		const answer = await httpJson(server.webhookUrl(WEBHOOK_PATH), 'POST', { ping: 'pong' });
		expect(answer).toEqual({ status: 200, body: { echo: 'pong', probe: 'loaded', token: 's3cret' } });

		// The webhook execution is saved after the response: poll, don't sleep.
		const saved = await pollUntil(
			'webhook execution saved',
			async () => {
				const rows = await listExecutions(home, { workflowId: webhookWorkflow.id });
				return rows.find((row) => row.status === 'success');
			},
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
		expect(saved.mode).toBe('webhook');
		measurements['server memory (RSS of n8n + task runner)'] = `${Math.round(server.memoryRssBytes() / 1024 ** 2)} MiB`;
	});

	it('stops the server and everything it started', async () => {
		const running = server!;
		const started = Date.now();
		await running.stop();
		measurements['server stop (SIGTERM to exit)'] = seconds(Date.now() - started);
		expect(() => process.kill(-running.pid, 0)).toThrow();
		await expect(httpJson(`${running.url}/healthz`, 'GET')).rejects.toThrow();
	});
});
