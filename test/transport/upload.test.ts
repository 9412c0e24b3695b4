import { Container } from '@n8n/di';
import { createHash, randomBytes } from 'crypto';
import { BinaryDataService } from 'n8n-core';

import { FilePart } from '../../nodes/FormantAi/transport/filePart';
import {
	MIN_UPLOAD_BYTES_PER_SECOND,
	uploadAllowanceMs,
} from '../../nodes/FormantAi/transport/request';
import type { BinaryMode } from '../harness';
import { apiCredential, databaseBinaryStore, runNode } from '../harness';
import { multipartBoundary, parseMultipart } from '../simulator/multipart';
import type { ScriptedServer } from './scriptedServer';
import { startScriptedServer } from './scriptedServer';
import './probe';

const KEY = 'sk-upload-test-key';
const JOB = { id: 'job_1', engine: 'sarvam', status: 'pending' };
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

// Not a multiple of the 64 KB chunk, and random, so it holds CRLFs and dashes too.
const AUDIO = randomBytes(3 * 64 * 1024 + 12_345);

let server: ScriptedServer;
beforeEach(async () => {
	server = await startScriptedServer();
});
afterEach(async () => {
	jest.restoreAllMocks();
	await server.close();
});

async function transcribe(binaryMode: BinaryMode, data: Buffer = AUDIO) {
	return await runNode({
		parameters: {
			resource: 'transcription',
			operation: 'create',
			binaryPropertyName: 'data',
			languages: ['hi-IN'],
			diarize: false,
			format: 'standard',
			waitForCompletion: false,
		},
		input: [{ json: {}, binary: { data: { data, fileName: 'call.wav', mimeType: 'audio/wav' } } }],
		credentials: { formantAiApi: apiCredential(server.url, KEY) },
		binaryMode,
	});
}

/** The one upload the server received, parsed with the simulator's multipart parser. */
function receivedUpload() {
	expect(server.requests).toHaveLength(1);
	const [request] = server.requests;
	const boundary = multipartBoundary(request.headers['content-type']);
	expect(boundary).toBeTruthy();
	return { request, form: parseMultipart(request.body, boundary ?? '') };
}

describe('Uploads stream the file in every binary mode', () => {
	const modes: Array<[BinaryMode, string]> = [
		['default', 'memory (no id: the bytes are in the item)'],
		['filesystem', 'filesystem (id filesystem-v2:…)'],
		['database', 'database (id database:…)'],
	];

	it.each(modes)(
		'%s mode: the server gets the file byte for byte, with an exact Content-Length',
		async (mode) => {
			server.on('POST /v1/transcription/jobs', () => ({ body: JOB }));
			const service = Container.get(BinaryDataService);
			const readWhole = jest.spyOn(service, 'getAsBuffer');
			const readStream = jest.spyOn(service, 'getAsStream');

			const result = await transcribe(mode);

			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toEqual(JOB);
			const { request, form } = receivedUpload();
			expect(form.fields).toEqual({ diarize: 'false', format: 'standard', languages: 'hi-IN' });
			expect(form.files).toHaveLength(1);
			const [file] = form.files;
			expect(file).toMatchObject({
				field: 'audio',
				filename: 'call.wav',
				contentType: 'audio/wav',
			});
			expect(file.data.length).toBe(AUDIO.length);
			expect(sha256(file.data)).toBe(sha256(AUDIO));
			// A known length, not chunked: the whole body was announced before it was streamed.
			expect(request.headers['content-length']).toBe(String(request.body.length));
			expect(request.headers['transfer-encoding']).toBeUndefined();

			const calls = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0]));
			if (mode === 'default') {
				// Memory mode: the base64 in the item is decoded once (n8n's own helper), no store read.
				expect(calls(readStream)).toEqual([]);
			} else {
				// A stored file is read as a stream from the store, never whole.
				expect(calls(readStream)).toEqual([expect.stringMatching(new RegExp(`^${mode}`))]);
				expect(readWhole).not.toHaveBeenCalled();
			}
		},
	);

	it('database mode really stores the input in the database stand-in', async () => {
		server.on('POST /v1/transcription/jobs', () => ({ body: JOB }));
		const before = databaseBinaryStore.rows.size;
		await transcribe('database');
		const stored = [...databaseBinaryStore.rows.values()].slice(before);
		expect(stored.map((row) => sha256(row.data))).toContain(sha256(AUDIO));
	});

	it.each(['default', 'filesystem', 'database'] as BinaryMode[])(
		'%s mode: an empty file is refused naming the field and the item, and nothing is sent',
		async (mode) => {
			const result = await transcribe(mode, Buffer.alloc(0));
			expect(result.error?.message).toBe(
				'Binary field "data": the file "call.wav" is empty [item 0]',
			);
			expect(server.requests).toHaveLength(0);
		},
	);
});

describe('A streamed upload is never sent twice', () => {
	const refusals: Array<[string, number, Record<string, string>, string]> = [
		['429 with Retry-After: 0', 429, { 'Retry-After': '0' }, 'rate limit exceeded'],
		['500', 500, {}, 'internal error, try later'],
		['503 with Retry-After: 0', 503, { 'Retry-After': '0' }, 'service unavailable'],
	];

	it.each(refusals)(
		'Transcription → Create in filesystem mode, answered %s: one request, FormantAI’s message',
		async (_name, status, headers, message) => {
			server.on('POST /v1/transcription/jobs', () => ({
				status,
				headers,
				body: { error: { message, type: 'api_error' } },
			}));
			const result = await transcribe('filesystem');
			expect(result.error?.message).toContain(message);
			expect(server.requests).toHaveLength(1);
			// The one request carried the whole file: the failure came after the upload.
			expect(sha256(receivedUpload().form.files[0].data)).toBe(sha256(AUDIO));
		},
	);

	it('a redirect is not followed (following it would re-send the file, and keep a copy to do so)', async () => {
		server.on('POST /v1/transcription/jobs', () => ({
			status: 307,
			headers: { Location: '/v1/elsewhere' },
		}));
		server.on('POST /v1/elsewhere', () => ({ body: JOB }));
		const result = await transcribe('filesystem');
		expect(result.error?.message).toContain('HTTP 307');
		expect(server.requests.map((r) => r.path)).toEqual(['/v1/transcription/jobs']);
	});

	it('the transport’s own retry policy does not resend an upload it was not told about', async () => {
		server.on('POST /v1/batch-call', () => ({
			status: 429,
			headers: { 'Retry-After': '0' },
			body: { error: { message: 'rate limit exceeded', type: 'rate_limit_exceeded' } },
		}));
		const result = await runNode({
			type: 'transportProbe',
			parameters: { mode: 'upload', method: 'POST', path: '/v1/batch-call' },
			input: [
				{ json: {}, binary: { data: { data: AUDIO, fileName: 'rows.csv', mimeType: 'text/csv' } } },
			],
			credentials: { formantAiApi: apiCredential(server.url, KEY) },
			binaryMode: 'filesystem',
		});
		expect(result.error?.message).toContain('rate limit exceeded');
		expect(server.requests).toHaveLength(1);
		expect((result.error as { context?: { formantAi?: unknown } }).context?.formantAi).toEqual({
			type: 'rate_limit_exceeded',
			status: 429,
			attempts: 1,
		});
	});

	it('is sent once even when the caller asks for retries (its file cannot be replayed)', async () => {
		server.on('POST /v1/batch-call', () => ({
			status: 503,
			headers: { 'Retry-After': '0' },
			body: { error: { message: 'service unavailable', type: 'internal_error' } },
		}));
		const result = await runNode({
			type: 'transportProbe',
			parameters: {
				mode: 'upload',
				method: 'POST',
				path: '/v1/batch-call',
				retry: JSON.stringify({ retry: true, maxRetries: 3 }),
			},
			input: [
				{ json: {}, binary: { data: { data: AUDIO, fileName: 'rows.csv', mimeType: 'text/csv' } } },
			],
			credentials: { formantAiApi: apiCredential(server.url, KEY) },
			binaryMode: 'filesystem',
		});
		expect(result.error?.message).toContain('service unavailable');
		expect(server.requests).toHaveLength(1);
	});
});

describe('An upload gets time in proportion to its size', () => {
	it('adds the time the parts take at the slowest link allowed for', () => {
		const form = new FormData();
		form.append('agent_id', '123');
		form.append('file', new File([new Uint8Array(10 * MIN_UPLOAD_BYTES_PER_SECOND)], 'a.wav'));
		// 10 s for the file, and the 3 characters of the field.
		expect(uploadAllowanceMs(form)).toBe(
			10_000 + Math.ceil((3 / MIN_UPLOAD_BYTES_PER_SECOND) * 1000),
		);
	});

	it('reads only the size of a streamed part, never its bytes', () => {
		const open = jest.fn();
		const form = new FormData();
		form.append('audio', new FilePart(500 * 1024 * 1024, 'call.wav', 'audio/wav', open));
		// 500 MB at 100 KB/s: 5,120 s.
		expect(uploadAllowanceMs(form)).toBe(5_120_000);
		expect(open).not.toHaveBeenCalled();
	});
});

describe('FilePart', () => {
	const bytesOf = async (part: Blob) => new Uint8Array(await part.arrayBuffer());
	const source =
		(...chunks: number[]) =>
		async () =>
			(async function* () {
				for (const n of chunks) yield new Uint8Array(n).fill(7);
			})();

	it('is kept as it is by FormData (so nothing reads it before the request does)', () => {
		const part = new FilePart(3, 'a.wav', 'audio/wav', source(3));
		const form = new FormData();
		form.append('audio', part);
		const entry = form.get('audio') as File;
		expect(entry).toBe(part);
		expect([entry.name, entry.type, entry.size]).toEqual(['a.wav', 'audio/wav', 3]);
	});

	it('sends bytes from memory in 64 KB chunks without copying them', async () => {
		const data = randomBytes(200_000);
		const part = FilePart.fromBytes(data, 'x.bin', 'application/octet-stream');
		const reader = part.stream().getReader();
		const chunks: Uint8Array[] = [];
		for (let next = await reader.read(); !next.done; next = await reader.read()) {
			chunks.push(next.value);
		}
		expect(chunks.map((c) => c.length)).toEqual([65_536, 65_536, 65_536, 3_392]);
		expect(chunks[0].buffer).toBe(data.buffer);
		expect(part.length).toBe(200_000);
		expect(sha256(await bytesOf(part))).toBe(sha256(data));
	});

	it('opens its source afresh for each read, and only when read', async () => {
		const open = jest.fn(source(2, 2));
		const part = new FilePart(4, 'a', 'b', open);
		expect(open).not.toHaveBeenCalled();
		expect(await bytesOf(part)).toEqual(new Uint8Array(4).fill(7));
		expect(await part.text()).toBe('\x07\x07\x07\x07');
		expect(open).toHaveBeenCalledTimes(2);
	});

	it('fails instead of sending a file shorter or longer than its announced size', async () => {
		await expect(bytesOf(new FilePart(5, 'short.wav', '', source(2, 2)))).rejects.toThrow(
			'The file "short.wav" ended after 4 of 5 bytes',
		);
		await expect(bytesOf(new FilePart(3, 'long.wav', '', source(2, 2)))).rejects.toThrow(
			'The file "long.wav" is longer than its 3 bytes',
		);
	});

	it('renames without reading, and refuses to be sliced', async () => {
		const part = new FilePart(2, 'a', 'x/y', source(2));
		expect(part.named('a', 'x/y')).toBe(part);
		const renamed = part.named('b.csv', 'text/csv');
		expect([renamed.name, renamed.type, renamed.size]).toEqual(['b.csv', 'text/csv', 2]);
		expect(await bytesOf(renamed)).toEqual(new Uint8Array(2).fill(7));
		expect(() => part.slice()).toThrow('cannot be sliced');
	});
});
