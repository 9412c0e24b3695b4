/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling (a local HTTP server standing in for a chat model), never shipped */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/**
 * A scripted stand-in for an OpenAI-compatible model server on 127.0.0.1: n8n's OpenAI Chat Model
 * node (credential Base URL = `stub.baseUrl`) talks to it as to OpenAI, through the Responses API
 * (`POST /v1/responses`, the node's default) or Chat Completions (`POST /v1/chat/completions`),
 * and the test decides every answer. No model runs: each request takes the next script step.
 *
 * "The agent uses a tool, then reports back" is two steps: a tool call, then a final answer built
 * from the tool result the agent sent back (`reply(ctx)` sees it). More steps give longer turns.
 */

/** A tool as the agent offered it to the model. */
export interface OfferedTool {
	name: string;
	description?: string;
	/** JSON schema of the tool's arguments. */
	parameters?: { properties?: Record<string, unknown>; [key: string]: unknown };
}

/** One model request, the same shape for both APIs. */
export interface ModelRequest {
	api: 'responses' | 'chat';
	tools: OfferedTool[];
	/** Tool results the agent sent in this request (our tool's answers), in order. */
	toolResults: Array<{ callId: string; output: string }>;
	/** Whether the request ends with a tool result (the model's turn to react to it). */
	endsWithToolResult: boolean;
	body: Record<string, unknown>;
}

/** What a step sees. */
export interface StepContext {
	request: ModelRequest;
	/** The last tool result, when the request ends with one. */
	toolResult?: string;
	toolNames: string[];
}

export type ScriptStep =
	/** Ask the agent to call a tool: its name as offered, or a function picking it from the offered names. */
	| {
			toolCall: {
				tool: string | ((toolNames: string[]) => string);
				arguments: Record<string, unknown>;
			};
	  }
	/** Finish the turn with this text. */
	| { reply: string | ((ctx: StepContext) => string) };

export interface RecordedRequest {
	method: string;
	path: string;
	/** Parsed for the two model endpoints. */
	model?: ModelRequest;
}

export interface OpenAiStub {
	/** Base URL including `/v1`, as the OpenAI credential's Base URL field expects it. */
	baseUrl: string;
	/** Replace the script (and forget earlier requests). */
	script(steps: ScriptStep[]): void;
	/** Every request since the last `script()`. */
	requests: RecordedRequest[];
	modelRequests(): ModelRequest[];
	/** Every distinct tool result the agent sent to the model, in order: what a model would have read. */
	toolResults(): string[];
	close(): Promise<void>;
}

export const STUB_API_KEY = 'sk-stub-not-a-real-key';

type Decision = { tool: string; args: Record<string, unknown> } | { text: string };

const CREATED = 1_773_867_201;

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				typeof part === 'string' ? part : String((part as { text?: unknown })?.text ?? ''),
			)
			.join('');
	}
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function parseChat(body: Json): ModelRequest {
	const messages = list(body.messages);
	return {
		api: 'chat',
		body,
		tools: list(body.tools).map((tool) => tool.function as OfferedTool),
		toolResults: messages
			.filter((message) => message.role === 'tool')
			.map((message) => ({
				callId: String(message.tool_call_id ?? ''),
				output: textOf(message.content),
			})),
		endsWithToolResult: messages[messages.length - 1]?.role === 'tool',
	};
}

function parseResponses(body: Json): ModelRequest {
	const input = list(body.input);
	return {
		api: 'responses',
		body,
		tools: list(body.tools)
			.filter((tool) => tool.type === 'function')
			.map(({ name, description, parameters }) => ({
				name: String(name),
				description: description as string | undefined,
				parameters: parameters as OfferedTool['parameters'],
			})),
		toolResults: input
			.filter((item) => item.type === 'function_call_output')
			.map((item) => ({ callId: String(item.call_id ?? ''), output: textOf(item.output) })),
		endsWithToolResult: input[input.length - 1]?.type === 'function_call_output',
	};
}

function chatCompletion(model: string, decision: Decision, n: number): Json {
	const message =
		'text' in decision
			? { role: 'assistant', content: decision.text }
			: {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_stub_${n}`,
							type: 'function',
							function: { name: decision.tool, arguments: JSON.stringify(decision.args) },
						},
					],
				};
	return {
		id: `chatcmpl-stub-${n}`,
		object: 'chat.completion',
		created: CREATED,
		model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'text' in decision ? 'stop' : 'tool_calls',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** Chat Completions as server-sent events, for clients that ask for `stream: true`. */
function chatStream(res: ServerResponse, model: string, decision: Decision, n: number): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const chunk = (delta: Json, finish: string | null) =>
		`data: ${JSON.stringify({
			id: `chatcmpl-stub-${n}`,
			object: 'chat.completion.chunk',
			created: CREATED,
			model,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		})}\n\n`;
	const full = chatCompletion(model, decision, n) as { choices: Array<{ message: Json }> };
	const message = full.choices[0].message;
	const delta: Json = { role: 'assistant', content: message.content ?? '' };
	if (message.tool_calls) {
		delta.tool_calls = list(message.tool_calls).map((call, index) => ({ index, ...call }));
	}
	res.write(chunk(delta, null));
	res.write(chunk({}, 'text' in decision ? 'stop' : 'tool_calls'));
	res.end('data: [DONE]\n\n');
}

function response(model: string, decision: Decision, n: number): Json {
	const output =
		'text' in decision
			? {
					type: 'message',
					id: `msg_stub_${n}`,
					role: 'assistant',
					status: 'completed',
					content: [{ type: 'output_text', text: decision.text, annotations: [] }],
				}
			: {
					type: 'function_call',
					id: `fc_stub_${n}`,
					call_id: `call_stub_${n}`,
					name: decision.tool,
					arguments: JSON.stringify(decision.args),
					status: 'completed',
				};
	return {
		id: `resp_stub_${n}`,
		object: 'response',
		created_at: CREATED,
		model,
		status: 'completed',
		error: null,
		incomplete_details: null,
		metadata: {},
		output: [output],
		usage: {
			input_tokens: 10,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: 10,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: 20,
		},
	};
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

export async function startOpenAiStub(): Promise<OpenAiStub> {
	let steps: ScriptStep[] = [];
	let next = 0;
	const requests: RecordedRequest[] = [];

	const decide = (request: ModelRequest): Decision => {
		const step = steps[next];
		if (!step) throw new Error(`the script has no step ${next + 1} (${steps.length} steps)`);
		next++;
		const toolNames = request.tools.map((tool) => tool.name);
		const last = request.toolResults[request.toolResults.length - 1];
		const ctx: StepContext = {
			request,
			toolNames,
			toolResult: request.endsWithToolResult ? last?.output : undefined,
		};
		if ('reply' in step) {
			return { text: typeof step.reply === 'function' ? step.reply(ctx) : step.reply };
		}
		const { tool, arguments: args } = step.toolCall;
		const name = typeof tool === 'function' ? tool(toolNames) : tool;
		if (!toolNames.includes(name)) {
			throw new Error(`the agent offered no tool "${name}" (offered: ${toolNames.join(', ')})`);
		}
		return { tool: name, args };
	};

	const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
		const path = (req.url ?? '/').split('?')[0];
		const record: RecordedRequest = { method: req.method ?? 'GET', path };
		requests.push(record);
		if (req.method === 'GET' && path === '/v1/models') {
			sendJson(res, 200, {
				object: 'list',
				data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'stub' }],
			});
			return;
		}
		const api =
			req.method !== 'POST'
				? undefined
				: path === '/v1/responses'
					? 'responses'
					: path === '/v1/chat/completions'
						? 'chat'
						: undefined;
		if (!api) {
			sendJson(res, 404, {
				error: { message: `stub: no route ${req.method} ${path}`, type: 'invalid_request_error' },
			});
			return;
		}
		try {
			const body = JSON.parse(raw) as Json;
			record.model = api === 'chat' ? parseChat(body) : parseResponses(body);
			const model = String(body.model ?? 'gpt-4o-mini');
			if (api === 'responses' && body.stream) {
				throw new Error('the stub answers the Responses API without streaming only');
			}
			const decision = decide(record.model);
			if (api === 'responses') sendJson(res, 200, response(model, decision, next));
			else if (body.stream) chatStream(res, model, decision, next);
			else sendJson(res, 200, chatCompletion(model, decision, next));
		} catch (error) {
			// A 400 is not retried by OpenAI clients: the run fails at once with this message.
			sendJson(res, 400, {
				error: { message: `stub: ${(error as Error).message}`, type: 'invalid_request_error' },
			});
		}
	};

	const server: Server = createServer((req, res) => {
		readBody(req).then(
			(raw) => handle(req, res, raw),
			(error: Error) => sendJson(res, 500, { error: { message: error.message } }),
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	const modelRequests = (): ModelRequest[] =>
		requests.flatMap((request) => (request.model ? [request.model] : []));

	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		script(newSteps) {
			steps = newSteps;
			next = 0;
			requests.length = 0;
		},
		requests,
		modelRequests,
		toolResults() {
			const seen = new Set<string>();
			const results: string[] = [];
			for (const request of modelRequests()) {
				for (const { callId, output } of request.toolResults) {
					const key = `${callId}\u0000${output}`;
					if (seen.has(key)) continue;
					seen.add(key);
					results.push(output);
				}
			}
			return results;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
