import { createHash } from 'crypto';

import { simClient } from './index';
import { useSimulator } from './useSimulator';
import { wavHeader } from './wav';

function audioForm(
	fields: Record<string, string> = {},
	file: { bytes?: Uint8Array; name?: string } | null = {},
): FormData {
	const form = new FormData();
	if (file) {
		const bytes = file.bytes ?? new Uint8Array(wavHeader(1044));
		form.append(
			'audio',
			new Blob([new Uint8Array(bytes)], { type: 'audio/wav' }),
			file.name ?? 'call.wav',
		);
	}
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	return form;
}

describe('simulator: transcription', () => {
	const env = useSimulator({ now: Date.parse('2026-03-18T20:00:00Z') });

	it('runs the documented example: pending, then completed with utterances (no data wrapper)', async () => {
		const res = await env.api.post(
			'/v1/transcription/jobs',
			audioForm({ languages: 'hi-IN,en-IN', diarize: 'true', format: 'standard' }),
		);
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			id: expect.stringMatching(/^job_[0-9a-f]+$/),
			engine: 'sarvam',
			status: 'pending',
		});
		const id = res.data.id as string;

		await env.sim.clock.advance(4_999);
		expect((await env.api.get(`/v1/transcription/jobs/${id}`)).data).toEqual({
			id,
			engine: 'sarvam',
			status: 'pending',
		});
		await env.sim.clock.advance(1);
		const done = await env.api.get(`/v1/transcription/jobs/${id}`);
		expect(done.status).toBe(200);
		expect(done.data).toEqual({
			id,
			engine: 'sarvam',
			status: 'completed',
			text: expect.stringContaining('नमस्ते, मैं राहुल बोल रहा हूं.'),
			language: 'hi-IN',
			utterances: expect.any(Array),
		});
		for (const u of done.data.utterances) {
			expect(u).toEqual({
				speaker: expect.stringMatching(/^speaker_\d+$/),
				text: expect.any(String),
				start: expect.any(Number),
				end: expect.any(Number),
			});
		}
	});

	it('omits utterances without diarize=true; code_mixed changes the text', async () => {
		const a = (await env.api.post('/v1/transcription/jobs', audioForm({ languages: 'en-IN' }))).data
			.id;
		const b = (
			await env.api.post(
				'/v1/transcription/jobs',
				audioForm({ format: 'code_mixed', diarize: 'false' }),
			)
		).data.id;
		await env.sim.clock.advance(5_000);
		const ja = (await env.api.get(`/v1/transcription/jobs/${a}`)).data;
		expect(ja).toMatchObject({
			status: 'completed',
			language: 'en-IN',
			text: expect.stringContaining('Hello'),
		});
		expect(ja).not.toHaveProperty('utterances');
		const jb = (await env.api.get(`/v1/transcription/jobs/${b}`)).data;
		expect(jb.text).toMatch(/नमस्ते, I am/);
		expect(jb).not.toHaveProperty('utterances');
	});

	it('fails deterministically for a file name containing "fail"', async () => {
		const id = (
			await env.api.post('/v1/transcription/jobs', audioForm({}, { name: 'will-fail.wav' }))
		).data.id;
		await env.sim.clock.advance(5_000);
		expect((await env.api.get(`/v1/transcription/jobs/${id}`)).data).toEqual({
			id,
			engine: 'sarvam',
			status: 'failed',
			error: { message: 'audio could not be decoded', type: 'transcription_failed' },
		});
	});

	it.each([
		['audio file is required', {}, null],
		['audio file is empty', {}, { bytes: new Uint8Array(0) }],
		['unsupported language: fr-FR', { languages: 'hi-IN,fr-FR' }, {}],
		['diarize must be true or false', { diarize: 'yes' }, {}],
		['format must be standard or code_mixed', { format: 'verbatim' }, {}],
	])('400 invalid_request: %s', async (message, fields, file) => {
		const res = await env.api.post('/v1/transcription/jobs', audioForm(fields, file));
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error: { message, type: 'invalid_request' } });
	});

	it('404 not_found for an unknown job; 401 without a key', async () => {
		const res = await env.api.get('/v1/transcription/jobs/job_nope');
		expect(res.status).toBe(404);
		expect(res.data).toEqual({
			error: { message: 'transcription job not found', type: 'not_found' },
		});
		const unauth = await simClient(env.sim, { apiKey: null }).post(
			'/v1/transcription/jobs',
			audioForm(),
		);
		expect(unauth.status).toBe(401);
	});

	it('records the hash of the uploaded audio for tests (admin state only, not in the API)', async () => {
		const bytes = new Uint8Array(wavHeader(2044));
		const res = await env.api.post('/v1/transcription/jobs', audioForm({}, { bytes }));
		expect(Object.keys(res.data as object).sort()).toEqual(['engine', 'id', 'status']);
		const job = env.sim.state.jobs.get(res.data.id as string);
		expect(job).toMatchObject({
			size: bytes.length,
			sha256: createHash('sha256').update(bytes).digest('hex'),
		});
	});
});
