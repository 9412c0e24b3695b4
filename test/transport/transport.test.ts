import { runtime } from '../../nodes/FormantAi/transport';
import { apiCredential, runNode } from '../harness';
import { errorEnvelope, LEAK_CANARY, useProbe } from './probe';
import { startScriptedServer } from './scriptedServer';

const env = useProbe();
const { probe } = env;

describe('requests', () => {
	test('sends the key as a Bearer token to the credential base URL and returns the body', async () => {
		env.server.on('GET /v1/conversations', () => ({
			body: { data: [], has_more: false, total: 0 },
		}));
		const { items, error } = await probe({});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			body: { data: [], has_more: false, total: 0 },
			attempts: 1,
			status: 200,
		});
		expect(env.server.requests).toHaveLength(1);
		expect(env.server.requests[0].headers.authorization).toBe(`Bearer ${LEAK_CANARY}`);
		expect(env.server.requests[0].headers.accept).toContain('application/json');
	});

	test('a custom base URL with a trailing slash and a path prefix works', async () => {
		env.server.on('GET /proxy/v1/conversations', () => ({ body: { data: [] } }));
		const { error } = await probe({}, apiCredential(`${env.server.url}/proxy/`, LEAK_CANARY));
		expect(error).toBeUndefined();
		expect(env.server.requests.map((r) => r.path)).toEqual(['/proxy/v1/conversations']);
	});

	test.each([
		['not a url', 'is not a valid URL'],
		['ftp://files.example.com', 'must start with http:// or https://'],
		['', 'is not a valid URL'],
	])(
		'an invalid custom base URL (%p) is refused before anything is sent',
		async (baseUrl, text) => {
			const { error } = await probe({}, apiCredential(baseUrl, LEAK_CANARY));
			expect(error?.message).toContain(text);
			expect(error?.description).toContain('credential');
			expect(env.server.requests).toHaveLength(0);
		},
	);

	test('POST bodies are sent as JSON', async () => {
		env.server.on('POST /v1/call', () => ({ body: { data: { status: 'initiated' } } }));
		await probe({ method: 'POST', path: '/v1/call', body: JSON.stringify({ agent_id: 123 }) });
		expect(env.server.requests[0].headers['content-type']).toContain('application/json');
		expect(JSON.parse(env.server.requests[0].body.toString())).toEqual({ agent_id: 123 });
	});
});

describe('FormantAI errors become n8n errors with the API message and a fix', () => {
	test.each([
		[400, 'customer_phone parameter is required', 'invalid_request', 'Correct the field'],
		[401, 'invalid or missing api key', 'authentication_error', 'Developer → API Keys'],
		[404, 'agent not found', 'not_found', 'region'],
		[409, 'idempotency key already used', 'duplicate_request', 'already accepted'],
		[429, 'rate limit exceeded for this number', 'rate_limit_exceeded', 'limiting requests'],
		[500, 'internal error', 'internal_error', 'unexpected server error'],
	])('%i %s', async (status, message, type, hint) => {
		env.server.on('POST /v1/call', () => ({ status, body: errorEnvelope(message, type) }));
		const { error } = await probe({ method: 'POST', path: '/v1/call', body: '{"agent_id":1}' });
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(hint);
		expect((error as unknown as { httpCode: string }).httpCode).toBe(String(status));
		expect(error?.context?.formantAi).toMatchObject({ type, status });
		// A call without an idempotency key is never sent twice.
		expect(env.server.requests).toHaveLength(1);
	});

	test('the concurrent-call cap names the live and maximum calls, apart from the rate limit', async () => {
		env.server.on('POST /v1/call', () => ({
			status: 429,
			headers: { 'Retry-After': '30' },
			body: errorEnvelope(
				'concurrent call limit reached. 10 simultaneous calls allowed.',
				'concurrent_call_limit_exceeded',
				{ current_calls: 10, max_calls: 10 },
			),
		}));
		const { error } = await probe({ method: 'POST', path: '/v1/call', body: '{"agent_id":1}' });
		expect(error?.message).toBe('concurrent call limit reached. 10 simultaneous calls allowed.');
		expect(error?.description).toContain('10 of 10 simultaneous calls are live now');
		expect(error?.description).toContain('Wait for Free Slot');
		expect(error?.description).toContain('wait 30 s');
		expect(error?.context?.formantAi).toMatchObject({ type: 'concurrent_call_limit_exceeded' });
	});

	test.each([
		[
			'an HTML page',
			502,
			{ 'Content-Type': 'text/html' },
			'<html><body><h1>502 Bad Gateway</h1></body></html>',
			'HTML page',
		],
		[
			'cut-off JSON',
			500,
			{ 'Content-Type': 'application/json' },
			'{"error":{"message":"internal',
			'cut-off or malformed JSON',
		],
		['an empty body', 503, {}, '', 'an empty body'],
		['plain text', 400, { 'Content-Type': 'text/plain' }, 'Bad Request', 'not JSON'],
	])(
		'%s still gives a clear message with the status',
		async (_name, status, headers, body, text) => {
			env.server.on('GET /v1/conversations', () => ({ status, headers, body }));
			const { error } = await probe({ retry: '{"retry":false}' });
			expect(error?.message).toBe(
				`FormantAI answered HTTP ${status} with ${error?.message.split(' with ')[1]}`,
			);
			expect(error?.message).toContain(text);
			if (body) expect(error?.description).toContain(body.slice(0, 20));
		},
	);

	test('a success status with a body that is not JSON is reported, not passed on', async () => {
		env.server.on('GET /v1/conversations', () => ({
			status: 200,
			headers: { 'Content-Type': 'text/html' },
			body: '<html>login</html>',
		}));
		const { error } = await probe({});
		expect(error?.message).toBe('FormantAI answered HTTP 200 with a body that is not JSON');
		expect(error?.description).toContain('<html>login</html>');
	});

	test('an API key echoed back by a env.server is redacted', async () => {
		env.server.on('GET /v1/conversations', () => ({
			status: 401,
			body: errorEnvelope(`key ${LEAK_CANARY} is disabled`, 'authentication_error'),
		}));
		const { error } = await probe({});
		expect(error?.message).toBe('key [redacted] is disabled');
	});
});

describe('network failures', () => {
	test('a reset connection says what happened and where', async () => {
		env.server.on('GET /v1/conversations', () => ({ reset: true }));
		const { error } = await probe({ retry: '{"retry":false}' });
		expect(error?.message).toContain(
			`Could not reach FormantAI at ${env.server.url}/v1/conversations`,
		);
		expect(error?.message).toMatch(/reset|ECONNRESET|socket hang up/);
	});

	test('a refused connection', async () => {
		const closed = env.server.url;
		await env.server.close();
		env.server = await startScriptedServer();
		const { error } = await probe({ retry: '{"retry":false}' }, apiCredential(closed, LEAK_CANARY));
		expect(error?.message).toContain('the connection was refused (ECONNREFUSED)');
	});

	test('a env.server that never answers times out', async () => {
		runtime.requestTimeoutMs = 150;
		env.server.on('POST /v1/batch-call', () => ({ hang: true }));
		const { error } = await probe({ method: 'POST', path: '/v1/batch-call', body: '{"x":1}' });
		expect(error?.message).toContain('no answer arrived within 150 ms');
		expect(error?.description).toContain('may have acted on the request');
		expect(env.server.requests).toHaveLength(1);
	});
});

describe('binary', () => {
	test('a download takes its name and type from the response', async () => {
		env.server.on('GET /v1/conversations/c1/recording', () => ({
			headers: {
				'Content-Type': 'audio/mpeg',
				'Content-Disposition': 'attachment; filename="call-c1.mp3"',
			},
			body: Buffer.from('ID3 fake mp3 bytes'),
		}));
		const result = await runNode({
			type: 'transportProbe',
			parameters: { mode: 'download', path: '/v1/conversations/c1/recording' },
			credentials: { formantAiApi: apiCredential(env.server.url, LEAK_CANARY) },
		});
		const binary = result.items[0].binary!.data;
		expect(binary).toMatchObject({ fileName: 'call-c1.mp3', mimeType: 'audio/mpeg' });
		expect((await result.binary(result.items[0])).toString()).toBe('ID3 fake mp3 bytes');
	});

	test.each(['default', 'filesystem'] as const)(
		'a download without names falls back (%s binary mode)',
		async (binaryMode) => {
			env.server.on('GET /v1/conversations/c2/recording', () => ({
				headers: { 'Content-Type': 'application/octet-stream' },
				body: Buffer.from('RIFF....WAVE'),
			}));
			const result = await runNode({
				type: 'transportProbe',
				parameters: { mode: 'download', path: '/v1/conversations/c2/recording' },
				credentials: { formantAiApi: apiCredential(env.server.url, LEAK_CANARY) },
				binaryMode,
			});
			expect(result.items[0].binary!.data).toMatchObject({
				fileName: 'fallback.wav',
				mimeType: 'audio/wav',
			});
			expect((await result.binary(result.items[0])).toString()).toBe('RIFF....WAVE');
		},
	);

	test('a download error body arriving as a stream is still read', async () => {
		env.server.on('GET /v1/conversations/c3/recording', () => ({
			status: 404,
			body: errorEnvelope('recording not found', 'not_found'),
		}));
		const result = await runNode({
			type: 'transportProbe',
			parameters: { mode: 'download', path: '/v1/conversations/c3/recording' },
			credentials: { formantAiApi: apiCredential(env.server.url, LEAK_CANARY) },
		});
		expect(result.error?.message).toBe('recording not found');
		expect(result.error?.context?.formantAi).toMatchObject({ type: 'not_found', status: 404 });
	});

	test.each(['default', 'filesystem'] as const)(
		'an upload is multipart with the file and fields (%s)',
		async (binaryMode) => {
			env.server.on('POST /v1/batch-call', () => ({ body: { data: { id: 1 } } }));
			const csv = 'customer_phone,customer_name\n+919876543210,राहुल\n';
			const result = await runNode({
				type: 'transportProbe',
				parameters: { mode: 'upload', method: 'POST', path: '/v1/batch-call' },
				credentials: { formantAiApi: apiCredential(env.server.url, LEAK_CANARY) },
				input: [
					{ json: {}, binary: { data: { data: csv, fileName: 'list.csv', mimeType: 'text/csv' } } },
				],
				binaryMode,
			});
			expect(result.error).toBeUndefined();
			const request = env.server.requests[0];
			expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
			const form = await new Request('http://x', {
				method: 'POST',
				headers: { 'content-type': request.headers['content-type']! },
				body: new Uint8Array(request.body),
			}).formData();
			expect(form.get('agent_id')).toBe('123');
			expect(form.get('name')).toBe('Upload test');
			expect(form.has('empty')).toBe(false);
			const file = form.get('file') as File;
			expect(file.name).toBe('list.csv');
			expect(file.type).toBe('text/csv');
			expect(await file.text()).toBe(csv);
		},
	);
});

test('a per-request timeout overrides the default', async () => {
	env.server.on('GET /v1/conversations/c9/recording', () => ({ hang: true }));
	const result = await runNode({
		type: 'transportProbe',
		parameters: { mode: 'download', path: '/v1/conversations/c9/recording', timeoutMs: 120 },
		credentials: { formantAiApi: apiCredential(env.server.url, LEAK_CANARY) },
	});
	expect(result.error?.message).toContain('no answer arrived within 120 ms');
});
