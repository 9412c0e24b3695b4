/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling (a local HTTP server standing in for a chat model), never shipped */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/**
 * A scripted stand-in for an OpenAI-compatible chat model on 127.0.0.1: n8n's OpenAI Chat Model
 * node (credential Base URL = `stub.baseUrl`) talks to it as to OpenAI, and the test decides every
 * answer. No model runs: each `POST /v1/chat/completions` takes the next step of the script.
 *
 * A script for "the agent uses a tool, then reports back" is two steps: a tool call, then a final
 * answer built from the tool result the agent sent back (`reply(ctx)` sees it). More steps give
 * longer turns, e.g. a call and then a wait for its outcome.
 */

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	[key: string]: unknown;
}

export interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What a step sees: the request and, when the previous message is one, the tool result. */
export interface StepContext {
	request: ChatRequest;
	/** Text of the last `role: tool` message (what our tool returned to the agent), if the request ends with one. */
	toolResult?: string;
	/** Names of the tools the agent offered in this request. */
	toolNames: string[];
}

export type ScriptStep =
	/** Ask the agent to call a tool. `tool` is the tool's name as n8n offers it, or a function picking it. */
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
	body: ChatRequest | undefined;
	/** Index of the script step that answered (undefined for non-chat requests). */
	step?: number;
}

export interface OpenAiStub {
	/** Base URL including `/v1`, as OpenAI's credential field expects it. */
	baseUrl: string;
	/** Replace the script (and forget earlier requests). */
	script(steps: ScriptStep[]): void;
	/** Every request since the last `script()`. */
	requests: RecordedRequest[];
	/** Chat requests only. */
	chatRequests(): ChatRequest[];
	/** Every tool result the agent sent to the model, in order (text of `role: tool` messages, deduplicated). */
	toolResults(): string[];
	close(): Promise<void>;
}

export const STUB_API_KEY = 'sk-stub-not-a-real-key';

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

interface AssistantMessage {
	role: 'assistant';
	content: string | null;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
}

function completion(model: string, message: AssistantMessage, n: number): Record<string, unknown> {
	return {
		id: `chatcmpl-stub-${n}`,
		object: 'chat.completion',
		created: 1_773_867_201,
		model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as server-sent events, for clients that ask for `stream: true`. */
function sendStream(
	res: ServerResponse,
	model: string,
	message: AssistantMessage,
	n: number,
): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const chunk = (delta: Record<string, unknown>, finish: string | null) =>
		`data: ${JSON.stringify({
			id: `chatcmpl-stub-${n}`,
			object: 'chat.completion.chunk',
			created: 1_773_867_201,
			model,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		})}\n\n`;
	const delta: Record<string, unknown> = { role: 'assistant', content: message.content ?? '' };
	if (message.tool_calls) {
		delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...call }));
	}
	res.write(chunk(delta, null));
	res.write(chunk({}, message.tool_calls ? 'tool_calls' : 'stop'));
	res.end('data: [DONE]\n\n');
}

export async function startOpenAiStub(): Promise<OpenAiStub> {
	let steps: ScriptStep[] = [];
	let next = 0;
	const requests: RecordedRequest[] = [];

	const answer = (body: ChatRequest): AssistantMessage => {
		const step = steps[next];
		if (!step) throw new Error(`the script has no step ${next + 1} (${steps.length} steps)`);
		next++;
		const toolNames = (body.tools ?? []).map((tool) => tool.function.name);
		const last = body.messages[body.messages.length - 1];
		const ctx: StepContext = {
			request: body,
			toolNames,
			toolResult: last?.role === 'tool' ? textOf(last.content) : undefined,
		};
		if ('reply' in step) {
			return {
				role: 'assistant',
				content: typeof step.reply === 'function' ? step.reply(ctx) : step.reply,
			};
		}
		const name =
			typeof step.toolCall.tool === 'function' ? step.toolCall.tool(toolNames) : step.toolCall.tool;
		if (!toolNames.includes(name)) {
			throw new Error(`the agent offered no tool "${name}" (offered: ${toolNames.join(', ')})`);
		}
		return {
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_stub_${next}`,
					type: 'function',
					function: { name, arguments: JSON.stringify(step.toolCall.arguments) },
				},
			],
		};
	};

	const server: Server = createServer((req, res) => {
		void (async () => {
			const path = (req.url ?? '/').split('?')[0];
			const raw = await readBody(req);
			let body: ChatRequest | undefined;
			try {
				body = raw ? (JSON.parse(raw) as ChatRequest) : undefined;
			} catch {
				body = undefined;
			}
			const record: RecordedRequest = { method: req.method ?? 'GET', path, body };
			requests.push(record);
			if (req.method === 'GET' && path === '/v1/models') {
				sendJson(res, 200, {
					object: 'list',
					data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'stub' }],
				});
				return;
			}
			if (req.method === 'POST' && path === '/v1/chat/completions' && body) {
				try {
					record.step = next;
					const message = answer(body);
					const model = body.model ?? 'gpt-4o-mini';
					if (body.stream) sendStream(res, model, message, next);
					else sendJson(res, 200, completion(model, message, next));
				} catch (error) {
					// A 400 is not retried by OpenAI clients: the run fails with this message at once.
					sendJson(res, 400, {
						error: { message: (error as Error).message, type: 'invalid_request_error' },
					});
				}
				return;
			}
			sendJson(res, 404, {
				error: { message: `stub: no route ${req.method} ${path}`, type: 'invalid_request_error' },
			});
		})().catch((error: Error) => {
			if (!res.headersSent) sendJson(res, 500, { error: { message: error.message } });
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	const chatRequests = (): ChatRequest[] =>
		requests
			.filter((request) => request.path === '/v1/chat/completions' && request.body)
			.map((request) => request.body!);

	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		script(newSteps) {
			steps = newSteps;
			next = 0;
			requests.length = 0;
		},
		requests,
		chatRequests,
		toolResults() {
			const seen = new Set<string>();
			const results: string[] = [];
			for (const request of chatRequests()) {
				for (const message of request.messages) {
					if (message.role !== 'tool') continue;
					const key = `${message.tool_call_id ?? ''}\u0000${textOf(message.content)}`;
					if (seen.has(key)) continue;
					seen.add(key);
					results.push(textOf(message.content));
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
