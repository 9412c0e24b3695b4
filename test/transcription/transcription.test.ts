import type { IDataObject } from 'n8n-workflow';

import { runtime } from '../../nodes/FormantAi/transport';
import { pairedItems, requests, run, useSimulator } from '../batch/support';
import { wavHeader } from '../simulator/wav';

const { sim } = useSimulator();

/** A small WAV file (header plus silence). */
function wav(bytes = 2_048): Buffer {
	return Buffer.concat([wavHeader(bytes), Buffer.alloc(bytes - 44)]);
}

const audio = (fileName = 'call.wav', data: Buffer | string = wav(), mimeType = 'audio/wav') => ({
	json: {},
	binary: { data: { data, fileName, mimeType } },
});

const create = (extra: IDataObject = {}) => ({
	resource: 'transcription',
	operation: 'create',
	binaryPropertyName: 'data',
	languages: ['hi-IN', 'en-IN'],
	diarize: true,
	format: 'standard',
	waitForCompletion: true,
	pollInterval: 2,
	timeout: 60,
	...extra,
});

const submits = () => requests(sim()).filter((r) => r === 'POST /v1/transcription/jobs');
const polls = () => requests(sim()).filter((r) => r.startsWith('GET /v1/transcription/jobs/'));

describe('Transcription → Create', () => {
	it('returns the pending job at once when not waiting, and sends the documented form', async () => {
		const result = await run(sim(), {
			parameters: create({ waitForCompletion: false, format: 'code_mixed' }),
			input: [audio()],
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			id: expect.stringMatching(/^job_/),
			engine: 'sarvam',
			status: 'pending',
		});
		expect(pairedItems(result.items[0])).toEqual([0]);
		expect(requests(sim())).toEqual(['POST /v1/transcription/jobs']);
		expect(sim().log[0].body).toEqual({
			fields: { languages: 'hi-IN,en-IN', diarize: 'true', format: 'code_mixed' },
			files: [
				{ field: 'audio', filename: 'call.wav', contentType: 'audio/wav', size: wav().length },
			],
		});
	});

	it('waits for completion by polling on the simulated clock, and outputs text, language and utterances', async () => {
		const start = sim().clock.now();
		const result = await run(sim(), { parameters: create(), input: [audio()] });
		expect(result.error).toBeUndefined();
		const job = result.items[0].json;
		expect(job).toMatchObject({
			status: 'completed',
			language: 'hi-IN',
			text: expect.stringContaining('नमस्ते'),
			timed_out: false,
		});
		expect(job.utterances).toEqual([
			expect.objectContaining({ speaker: 'speaker_0', start: 0.2, end: 2.8 }),
			expect.objectContaining({ speaker: 'speaker_1' }),
		]);
		// Ready after 5 s: polls at 2, 4 and 6 s.
		expect(submits()).toHaveLength(1);
		expect(polls()).toHaveLength(3);
		expect(sim().clock.now() - start).toBe(6_000);
	});

	it('gives the readable speaker-by-speaker text with Simplify', async () => {
		const result = await run(sim(), {
			parameters: create({ simplify: true, languages: ['en-IN'] }),
			input: [audio()],
		});
		expect(result.items[0].json).toEqual({
			id: expect.stringMatching(/^job_/),
			status: 'completed',
			language: 'en-IN',
			text: 'Hello, this is Rahul speaking. Yes, please go ahead.',
			speaker_text: 'speaker_0: Hello, this is Rahul speaking.\nspeaker_1: Yes, please go ahead.',
			timed_out: false,
		});
	});

	it('outputs the job as it stands with timed_out when the timeout runs out, and Get finds it later', async () => {
		const result = await run(sim(), {
			parameters: create({ pollInterval: 2, timeout: 3 }),
			input: [audio()],
		});
		expect(result.error).toBeUndefined();
		const job = result.items[0].json;
		expect(job).toMatchObject({ status: 'pending', timed_out: true });
		// Polls at 2 s and at 3 s (the last wait is cut to the time left), then gives up.
		expect(polls()).toHaveLength(2);

		await sim().clock.advance(10_000);
		const later = await run(sim(), {
			parameters: { resource: 'transcription', operation: 'get', jobId: String(job.id) },
		});
		expect(later.items[0].json).toMatchObject({ id: job.id, status: 'completed' });
		expect(later.items[0].json).not.toHaveProperty('timed_out');
	});

	it("turns a failed job into an error with the job's own reason", async () => {
		const result = await run(sim(), { parameters: create(), input: [audio('fail.wav')] });
		expect(result.error?.message).toMatch(
			/^Transcription job job_\w+ failed: audio could not be decoded$/,
		);
		expect(submits()).toHaveLength(1);
	});

	it('under Continue On Fail gives error items linked to their items and goes on', async () => {
		const result = await run(sim(), {
			parameters: create(),
			input: [audio('fail.wav'), audio('ok.wav'), { json: {} }],
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.error).toMatch(/failed: audio could not be decoded/);
		expect(result.items[1].json).toMatchObject({ status: 'completed' });
		expect(result.items[2].json.error).toBe(
			'Input Binary Field: the item has no binary field "data" [item 2]',
		);
		expect(result.items.map(pairedItems)).toEqual([[0], [1], [2]]);
		expect(submits()).toHaveLength(2);
	});

	it('reads the audio in filesystem binary mode', async () => {
		const result = await run(sim(), {
			parameters: create({ languages: ['unknown'] }),
			input: [audio('recording.wav', wav(64 * 1024))],
			binaryMode: 'filesystem',
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'completed', language: 'hi-IN' });
		expect((sim().log[0].body as { files: Array<{ size: number }> }).files[0].size).toBe(64 * 1024);
		expect((sim().log[0].body as { fields: IDataObject }).fields.languages).toBe('unknown');
	});

	it('leaves languages out when none is chosen (FormantAI decides)', async () => {
		await run(sim(), {
			parameters: create({ languages: [], waitForCompletion: false, diarize: false }),
			input: [audio()],
		});
		expect((sim().log[0].body as { fields: IDataObject }).fields).toEqual({
			diarize: 'false',
			format: 'standard',
		});
	});

	it('never sends the upload twice, even on a server error', async () => {
		sim().faults.add({ path: '/v1/transcription/jobs', kind: 'error500', count: 2 });
		const result = await run(sim(), { parameters: create(), input: [audio()] });
		expect(result.error?.message).toContain('internal server error');
		expect(submits()).toHaveLength(1);
	});

	it('retries a poll that hits a server error (a GET is safe to repeat)', async () => {
		sim().faults.add({
			method: 'GET',
			path: '/v1/transcription/jobs/',
			kind: 'error500',
			count: 1,
		});
		const result = await run(sim(), { parameters: create({ pollInterval: 6 }), input: [audio()] });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(submits()).toHaveLength(1);
		expect(polls()).toHaveLength(2);
		expect(sim().log[1].fault).toBe('error500');
	});

	it('stops waiting when the execution is cancelled, naming the job to fetch later', async () => {
		let cancel: () => void = () => {};
		runtime.sleep = async (ms, signal) => {
			cancel();
			await sim().clock.advance(ms);
			if (signal?.aborted) throw new Error('aborted');
		};
		const result = await run(sim(), {
			parameters: create(),
			input: [audio()],
			onStarted: (fn) => {
				cancel = fn;
			},
		});
		expect(result.error?.message).toMatch(
			/^The execution was cancelled while waiting for transcription job job_\w+$/,
		);
		expect((result.error as { description?: string }).description).toContain('fetch it with Get');
		expect(polls()).toHaveLength(0);
		expect(submits()).toHaveLength(1);
		expect(result.items).toHaveLength(0);
	});

	const text = audio('notes.txt', 'hello', 'text/plain');
	it.each([
		[
			'a missing binary field',
			create({ binaryPropertyName: 'audio' }),
			audio(),
			/^Input Binary Field: the item has no binary field "audio" \[item 0\]/,
		],
		['an empty file', create(), audio('empty.wav', Buffer.alloc(0)), /is empty/],
		[
			'a file that is not audio',
			create(),
			text,
			/^Input Binary Field: the file "notes.txt" is text\/plain, not audio/,
		],
		[
			'auto-detect combined with a language',
			create({ languages: ['unknown', 'hi-IN'] }),
			audio(),
			/^Languages: Auto-Detect \("unknown"\) cannot be combined/,
		],
		[
			'an unknown language code',
			create({ languages: '={{ ["hi-IN", "fr-FR"] }}' }),
			audio(),
			/^Languages: "fr-FR" is not a supported language code/,
		],
		[
			'an unknown format',
			create({ format: '={{ "fancy" }}' }),
			audio(),
			/^Format: must be "standard" or "code_mixed"/,
		],
		[
			'poll interval 0',
			create({ pollInterval: 0 }),
			audio(),
			/^Poll Interval \(Seconds\): must be a number of seconds from 1, got 0/,
		],
		[
			'timeout 0',
			create({ timeout: 0 }),
			audio(),
			/^Timeout \(Seconds\): must be a number of seconds from 1/,
		],
		[
			'an empty binary field name',
			create({ binaryPropertyName: '={{ "" }}' }),
			audio(),
			/^Input Binary Field: is required/,
		],
	])('errors before any request on %s', async (_, parameters, item, message) => {
		const result = await run(sim(), { parameters, input: [item] });
		expect(result.error?.message).toMatch(message);
		expect(sim().log).toHaveLength(0);
	});

	it('does not check poll settings when not waiting', async () => {
		const result = await run(sim(), {
			parameters: create({ waitForCompletion: false, pollInterval: 0, timeout: 0 }),
			input: [audio()],
		});
		expect(result.error).toBeUndefined();
	});
});

describe('Transcription → Get', () => {
	it('returns the job as FormantAI has it, any status', async () => {
		const created = await run(sim(), {
			parameters: create({ waitForCompletion: false }),
			input: [audio()],
		});
		const id = created.items[0].json.id as string;
		const pending = await run(sim(), {
			parameters: { resource: 'transcription', operation: 'get', jobId: id },
		});
		expect(pending.items[0].json).toEqual({ id, engine: 'sarvam', status: 'pending' });

		await sim().clock.advance(5_000);
		const simple = await run(sim(), {
			parameters: { resource: 'transcription', operation: 'get', jobId: id, simplify: true },
		});
		expect(simple.items[0].json).toEqual({
			id,
			status: 'completed',
			language: 'hi-IN',
			text: 'नमस्ते, मैं राहुल बोल रहा हूं. जी, बताइए.',
			speaker_text: 'speaker_0: नमस्ते, मैं राहुल बोल रहा हूं.\nspeaker_1: जी, बताइए.',
		});
	});

	it('returns a failed job rather than throwing: the lookup itself worked', async () => {
		const created = await run(sim(), {
			parameters: create({ waitForCompletion: false }),
			input: [audio('fail.wav')],
		});
		await sim().clock.advance(5_000);
		const result = await run(sim(), {
			parameters: {
				resource: 'transcription',
				operation: 'get',
				jobId: String(created.items[0].json.id),
			},
		});
		expect(result.items[0].json).toMatchObject({
			status: 'failed',
			error: { message: 'audio could not be decoded' },
		});
	});

	it("turns FormantAI's 404 into a clear error", async () => {
		const result = await run(sim(), {
			parameters: { resource: 'transcription', operation: 'get', jobId: 'job_missing' },
		});
		expect(result.error?.message).toContain('transcription job not found');
	});

	it('errors before any request on an empty job ID', async () => {
		const result = await run(sim(), {
			parameters: { resource: 'transcription', operation: 'get', jobId: '={{ " " }}' },
		});
		expect(result.error?.message).toMatch(/^Job ID: is required/);
		expect(sim().log).toHaveLength(0);
	});
});

describe('speaker text', () => {
	it('joins consecutive turns of one speaker and skips empty ones', async () => {
		const { speakerText } = await import('../../nodes/FormantAi/actions/transcription/common');
		expect(
			speakerText([
				{ speaker: 'speaker_0', text: 'Hi.' },
				{ speaker: 'speaker_0', text: 'Anyone there?' },
				{ speaker: 'speaker_1', text: ' ' },
				{ speaker: 'speaker_1', text: 'Yes.' },
			]),
		).toBe('speaker_0: Hi. Anyone there?\nspeaker_1: Yes.');
		expect(speakerText(undefined)).toBe('');
	});
});
