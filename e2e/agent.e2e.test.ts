/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives a real n8n process, never shipped; prints its measurements */
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
	executeWorkflow,
	importCredentials,
	importWorkflows,
	installPackage,
	loadExamples,
	nodeOutput,
	packPackage,
	withParameter,
	type ExecuteResult,
	type N8nHome,
	type WorkflowImport,
} from './lib';
import { startOpenAiStub, STUB_API_KEY, type OpenAiStub, type ScriptStep } from './lib/openaiStub';

/**
 * Our node as a tool of n8n's own AI Agent, in a real n8n: example 5 (AI Agent + OpenAI Chat
 * Model + two FormantAI tools), imported as users import it, with the OpenAI credential's Base
 * URL pointed at a scripted OpenAI-compatible stub (no model runs; the Responses API as the
 * example ships, Chat Completions in one variant) and the FormantAI credential at the simulator. The stub records what the agent sent back to the model, i.e. exactly what a
 * model would have read from our tool.
 */

const AGENT_NODE = 'AI Agent';
const CALL_TOOL = 'Place a call';
const LOOKUP_TOOL = 'Look up a call';
/** Calling Safety → Max Calls per Execution on Place a call in scenario (e) (not the tool default, 3). */
const MAX_CALLS = 4;
const OPENAI_CREDENTIAL = { id: 'openAiExample001', name: 'OpenAI account', type: 'openAiApi' };

const measurements: Record<string, string> = {};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The tool the agent offered for a node, by n8n's naming (node name → tool name). */
const toolFor =
	(nodeName: string) =>
	(offered: string[]): string => {
		const wanted = nodeName.replace(/\W+/g, '_').toLowerCase();
		const found = offered.find((name) => name.toLowerCase() === wanted);
		if (!found) throw new Error(`no tool for "${nodeName}" among ${offered.join(', ')}`);
		return found;
	};

/** A final answer that quotes the tool result, so the test sees the agent got it in the same turn. */
const reportBack: ScriptStep = {
	reply: ({ toolResult }) => `Tool said: ${toolResult ?? '(no tool result)'}`,
};

/** One turn: the model calls the tool of `nodeName` with `args`, then reports what it got back. */
const useTool = (nodeName: string, args: Record<string, unknown>): ScriptStep[] => [
	{ toolCall: { tool: toolFor(nodeName), arguments: args } },
	reportBack,
];

describe('FormantAI as an AI Agent tool in real n8n (scripted chat model, simulator)', () => {
	const repoRoot = resolve(__dirname, '..');
	let home: N8nHome;
	let sim: Simulator;
	let stub: OpenAiStub;
	let scratch: string;
	let agentExample: WorkflowImport & { id: string };
	const suiteStarted = Date.now();

	/**
	 * Example 5 with its sample request replaced, stored under its own id. `edit` may change a
	 * tool's parameters (e.g. switch on an option of Place a call) — the only edits the suite makes.
	 */
	const variant = (
		id: string,
		chatInput: string,
		edit?: { node: string; change: (parameters: Record<string, unknown>) => void },
	): WorkflowImport => {
		let workflow = withParameter(agentExample, 'Sample request', (parameters) => {
			const list = (parameters.assignments as { assignments: IDataObject[] }).assignments;
			list[0].value = chatInput;
		});
		if (edit) workflow = withParameter(workflow, edit.node, edit.change);
		return { ...workflow, id, name: `${agentExample.name} (${id})` };
	};

	let scenarios: Record<'lookup' | 'refused' | 'placed' | 'waited' | 'looping', WorkflowImport>;

	/** Runs one scenario: the stub answers with `steps`, n8n runs the workflow headless. */
	const ask = async (
		label: string,
		workflow: WorkflowImport,
		steps: ScriptStep[],
	): Promise<ExecuteResult> => {
		stub.script(steps);
		const started = Date.now();
		const result = await executeWorkflow(home, workflow.id!);
		measurements[`${label}: n8n execute`] = seconds(Date.now() - started);
		return result;
	};

	const agentAnswer = (result: ExecuteResult): string => {
		const [item] = nodeOutput(result.run, AGENT_NODE);
		return String(item?.json.output ?? '');
	};

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-agent-'));
		sim = await startSimulator({ realTime: true, callDurationMs: 1500, recordingDelayMs: 500 });
		stub = await startOpenAiStub();
		agentExample = example(loadExamples(), '5-');
		scenarios = {
			// Through Chat Completions, as with an OpenAI-compatible server without the Responses API.
			lookup: variant('agentE2eLookup01', 'How did my last call go?', {
				node: 'OpenAI Chat Model',
				change: (parameters) => {
					parameters.responsesApiEnabled = false;
				},
			}),
			refused: variant('agentE2eRefuse01', 'Call +1 415 555 2671 about the invoice.'),
			placed: variant(
				'agentE2ePlaced01',
				'Please call Rahul on +91 98765 43210 about his overdue invoice INV-2041.',
			),
			// Wait for Outcome on (short waits: the simulator's calls last 1.5 s here).
			waited: variant(
				'agentE2eWaited01',
				'Call Asha on +91 98765 43212 about INV-2042 and tell me how it went.',
				{
					node: CALL_TOOL,
					change: (parameters) => {
						parameters.waitForOutcome = true;
						parameters.outcomePollInterval = 1;
						parameters.outcomeMaxWait = 60;
						parameters.toolDescription =
							"Have FormantAI's AI voice agent phone a customer now and wait until the call ends. Give the number with its country code and, if known, their name and what the call is about. Returns the call's outcome: status, duration, results and transcript.";
					},
				},
			),
			// Max Calls per Execution 3, and room for the model's 10 tool calls in one turn.
			looping: withParameter(
				variant(
					'agentE2eMaxCall01',
					'Call every customer on the overdue list about their invoice.',
					{
						node: CALL_TOOL,
						change: (parameters) => {
							(parameters.safety as IDataObject).maxCallsPerExecution = MAX_CALLS;
						},
					},
				),
				AGENT_NODE,
				(parameters) => {
					(parameters.options as IDataObject).maxIterations = 20;
				},
			),
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
			// The user's own OpenAI credential, its Base URL at the stub.
			{ ...OPENAI_CREDENTIAL, data: { apiKey: STUB_API_KEY, url: stub.baseUrl } },
		]);
		await importWorkflows(home, [agentExample, ...Object.values(scenarios)]);
		measurements['import 3 credentials + 6 workflows (2 n8n commands)'] = seconds(
			Date.now() - started,
		);
	});

	afterAll(async () => {
		await sim?.close();
		await stub?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		measurements['whole file (incl. pack/import)'] = seconds(Date.now() - suiteStarted);
		console.log(
			`[e2e agent measurements]\n${Object.entries(measurements)
				.map(([key, value]) => `  ${key}: ${value}`)
				.join('\n')}`,
		);
	});

	beforeEach(() => {
		sim.reset();
	});

	it('(a) the agent is offered both tools and reads a conversation through one, getting a compact record', async () => {
		const [conversation] = sim.seedConversations(1, { status: 'completed' });
		const result = await ask(
			'(a) look up',
			scenarios.lookup,
			useTool(LOOKUP_TOOL, { conversation_id: conversation.conversation_id }),
		);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const [toolResult] = stub.toolResults();
		measurements['(a) tool result the model read'] = `${Buffer.byteLength(toolResult)} bytes`;
		console.log(`[e2e agent] (a) tool result: ${toolResult}`);
		expect(Buffer.byteLength(toolResult)).toBeLessThan(2048);
		const records = JSON.parse(toolResult) as IDataObject[];
		expect(records).toHaveLength(1);
		expect(records[0]).toMatchObject({
			conversation_id: conversation.conversation_id,
			status: 'completed',
			duration_seconds: conversation.duration_seconds,
			result_intent: conversation.results.intent,
			transcript: expect.stringContaining('Customer:'),
		});
		// Compact: the transcript once, as text (no turn array), no raw API record.
		expect(records[0]).not.toHaveProperty('transcript_turns');
		expect(records[0]).not.toHaveProperty('results');

		// What the model was offered: both tools, named after their nodes, with the $fromAI()
		// arguments as their parameters.
		const [first] = stub.modelRequests();
		const tools = Object.fromEntries(first.tools.map((tool) => [tool.name, tool]));
		console.log(
			`[e2e agent] tools offered: ${JSON.stringify(
				Object.values(tools).map((tool) => ({
					name: tool.name,
					description: tool.description,
					arguments: Object.keys(tool.parameters?.properties ?? {}),
				})),
			)}`,
		);
		expect(Object.keys(tools).sort()).toEqual(['Look_up_a_call', 'Place_a_call']);
		expect(tools.Place_a_call.description).toMatch(/phone a customer/);
		expect(tools.Place_a_call.parameters).toMatchObject({
			type: 'object',
			properties: {
				customer_phone: { type: 'string', description: expect.stringContaining('country code') },
				customer_name: { type: 'string' },
				topic: { type: 'string' },
			},
		});
		expect(tools.Look_up_a_call.parameters).toMatchObject({
			properties: { conversation_id: { type: 'string' } },
		});

		expect(stub.modelRequests().map((request) => request.api)).toEqual(['chat', 'chat']);

		// One GET, nothing dialled; the agent's answer in the same turn quotes the tool result.
		expect(sim.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			`GET /v1/conversations/${conversation.conversation_id}`,
		]);
		expect(sim.callsPlaced()).toHaveLength(0);
		expect(agentAnswer(result)).toContain('"status":"completed"');
	});

	it('(b) a number outside Allowed Destinations is refused with a message the agent reads, and nothing is dialled', async () => {
		const result = await ask(
			'(b) refused',
			scenarios.refused,
			useTool(CALL_TOOL, {
				customer_phone: '+1 415 555 2671',
				customer_name: 'Alex',
				topic: 'invoice',
			}),
		);
		const [toolResult] = stub.toolResults();
		measurements['(b) refusal the model read'] = `${Buffer.byteLength(toolResult ?? '')} bytes`;
		console.log(`[e2e agent] (b) tool result: ${toolResult}`);
		expect(toolResult).toContain('+14155552671 is not in Allowed Destinations (+91)');
		expect(Buffer.byteLength(toolResult)).toBeLessThan(1024);

		expect(sim.callsPlaced()).toHaveLength(0);
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(0);
		// The run itself goes on: the agent got the refusal and answered with it.
		expect(result.errorMessage).toBeUndefined();
		expect(agentAnswer(result)).toContain('not in Allowed Destinations');
		const toolRuns = result.run.data.resultData.runData[CALL_TOOL] ?? [];
		expect(toolRuns).toHaveLength(1);
		console.log(
			`[e2e agent] (b) tool node run: ${JSON.stringify({
				input: toolRuns[0].inputOverride,
				output: toolRuns[0].data,
				error: toolRuns[0].error?.message,
				description: toolRuns[0].error?.description,
			})}`,
		);
	});

	it('(c) a number inside Allowed Destinations is dialled exactly once, and the agent reports the call', async () => {
		const result = await ask(
			'(c) placed',
			scenarios.placed,
			useTool(CALL_TOOL, {
				customer_phone: '+91 98765 43210',
				customer_name: 'Rahul',
				topic: 'overdue invoice INV-2041',
			}),
		);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		// The example as shipped: the OpenAI node's default Responses API.
		expect(stub.modelRequests().map((request) => request.api)).toEqual(['responses', 'responses']);

		const placed = sim.callsPlaced();
		expect(placed).toHaveLength(1);
		expect(placed[0]).toMatchObject({
			agent_id: 123,
			phone: '+919876543210',
			parameters: {
				customer_phone: '+919876543210',
				customer_name: 'Rahul',
				topic: 'overdue invoice INV-2041',
			},
			idempotency_key: expect.any(String),
		});
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(1);

		const [toolResult] = stub.toolResults();
		measurements['(c) tool result the model read'] = `${Buffer.byteLength(toolResult)} bytes`;
		console.log(`[e2e agent] (c) tool result: ${toolResult}`);
		const [call] = JSON.parse(toolResult) as IDataObject[];
		expect(call).toMatchObject({
			status: 'initiated',
			customer_phone: '+919876543210',
			trace_id: placed[0].trace_id,
		});
		expect(agentAnswer(result)).toContain(placed[0].trace_id);

		// n8n ran the tool node once, as its own node run of the workflow.
		const toolRuns = result.run.data.resultData.runData[CALL_TOOL] ?? [];
		expect(toolRuns).toHaveLength(1);
		console.log(
			`[e2e agent] (c) tool node run: ${JSON.stringify({
				input: toolRuns[0].inputOverride,
				output: toolRuns[0].data,
			})}`,
		);
	});

	it('(d) with Wait for Outcome on, the agent gets the outcome of the call back in the same turn', async () => {
		const result = await ask(
			'(d) placed and waited',
			scenarios.waited,
			useTool(CALL_TOOL, {
				customer_phone: '+91 98765 43212',
				customer_name: 'Asha',
				topic: 'invoice INV-2042',
			}),
		);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		const placed = sim.callsPlaced();
		expect(placed).toHaveLength(1);
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(1);

		const [toolResult] = stub.toolResults();
		measurements['(d) tool result the model read'] = `${Buffer.byteLength(toolResult)} bytes`;
		console.log(`[e2e agent] (d) tool result: ${toolResult}`);
		expect(Buffer.byteLength(toolResult)).toBeLessThan(2048);
		const [outcome] = JSON.parse(toolResult) as IDataObject[];
		expect(outcome).toMatchObject({
			conversation_id: placed[0].conversation_id,
			trace_id: placed[0].trace_id,
			status: 'completed',
			timed_out: false,
			result_intent: expect.any(String),
			transcript: expect.stringContaining('Hello Asha'),
		});
		expect(outcome).not.toHaveProperty('transcript_turns');
		// One tool call, one model turn after it: the answer already quotes the outcome.
		expect(stub.toolResults()).toHaveLength(1);
		expect(agentAnswer(result)).toContain('"status":"completed"');
		expect(result.run.data.resultData.runData[CALL_TOOL] ?? []).toHaveLength(1);
		measurements['(d) requests to FormantAI for one call + wait'] = String(sim.log.length);
	});

	it("(e) a model that asks for 10 calls gets only Max Calls per Execution placed, and reads the refusal of the rest as the tool's answer", async () => {
		const phones = Array.from({ length: 10 }, (_, index) => `+91987654330${index}`);
		const result = await ask('(e) 10 calls asked, Max Calls 4', scenarios.looping, [
			...phones.map(
				(phone, index): ScriptStep => ({
					toolCall: {
						tool: toolFor(CALL_TOOL),
						arguments: {
							customer_phone: phone,
							customer_name: `Customer ${index + 1}`,
							topic: 'overdue invoice',
						},
					},
				}),
			),
			reportBack,
		]);
		expect(result.errorMessage).toBeUndefined();
		expect(result.status).toBe('success');

		// Only the first MAX_CALLS numbers were dialled, each once; nothing else reached FormantAI.
		expect(sim.callsPlaced().map((call) => call.phone)).toEqual(phones.slice(0, MAX_CALLS));
		expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(MAX_CALLS);

		// The model read one answer per tool call: the placed calls, then the refusals.
		const toolResults = stub.toolResults();
		measurements['(e) tool results the model read'] = String(toolResults.length);
		console.log(`[e2e agent] (e) tool results: ${JSON.stringify(toolResults)}`);
		expect(toolResults).toHaveLength(phones.length);
		const placed = sim.callsPlaced();
		toolResults.slice(0, MAX_CALLS).forEach((toolResult, index) => {
			const [call] = JSON.parse(toolResult) as IDataObject[];
			expect(call).toMatchObject({
				status: 'initiated',
				customer_phone: phones[index],
				trace_id: placed[index].trace_id,
			});
		});
		for (const refusal of toolResults.slice(MAX_CALLS)) {
			expect(refusal).toContain('Max Calls per Execution');
			expect(refusal).toContain(String(MAX_CALLS));
			expect(Buffer.byteLength(refusal)).toBeLessThan(1024);
		}
		// n8n ran the tool node once per request; the agent answered with the last refusal.
		expect(result.run.data.resultData.runData[CALL_TOOL] ?? []).toHaveLength(phones.length);
		expect(agentAnswer(result)).toContain('Max Calls per Execution');
	});
});
