import { createHash, randomBytes } from 'crypto';

import type { MultipartBody } from './multipart';
import { invalid, notFound, type Reply, type SimContext, type TranscriptionJob } from './state';

/** The language codes the docs list, plus `unknown` (auto-detect). */
export const LANGUAGES = [
	'hi-IN',
	'bn-IN',
	'kn-IN',
	'ml-IN',
	'mr-IN',
	'pa-IN',
	'ta-IN',
	'te-IN',
	'en-IN',
	'gu-IN',
	'as-IN',
	'ur-IN',
	'unknown',
];

const TEXTS: Record<string, string[]> = {
	'hi-IN': ['नमस्ते, मैं राहुल बोल रहा हूं.', 'जी, बताइए.'],
	'en-IN': ['Hello, this is Rahul speaking.', 'Yes, please go ahead.'],
	code_mixed: ['नमस्ते, I am calling about your payment.', 'हां, please बताइए.'],
};

function parseBool(raw: string | undefined, field: string): boolean {
	if (raw === undefined || raw === '') return false;
	const v = raw.trim().toLowerCase();
	if (v === 'true') return true;
	if (v === 'false') return false;
	throw invalid(`${field} must be true or false`);
}

export function submitJob(ctx: SimContext, form: MultipartBody): Reply {
	const audio = form.files.find((f) => f.field === 'audio');
	if (!audio) throw invalid('audio file is required');
	if (audio.data.length === 0) throw invalid('audio file is empty');

	const langRaw = form.fields.languages;
	const languages =
		langRaw === undefined || langRaw.trim() === ''
			? ['unknown']
			: langRaw
					.split(',')
					.map((s) => s.trim())
					.filter((s) => s !== '');
	for (const l of languages) {
		if (!LANGUAGES.includes(l)) throw invalid(`unsupported language: ${l}`);
	}
	const diarize = parseBool(form.fields.diarize, 'diarize');
	const formatRaw = form.fields.format?.trim() || 'standard';
	if (formatRaw !== 'standard' && formatRaw !== 'code_mixed')
		throw invalid('format must be standard or code_mixed');

	const job: TranscriptionJob = {
		id: `job_${randomBytes(6).toString('hex')}`,
		engine: 'sarvam',
		status: 'pending',
		created_at: ctx.clock.now(),
		languages,
		diarize,
		format: formatRaw,
		filename: audio.filename,
		size: audio.data.length,
		sha256: createHash('sha256').update(audio.data).digest('hex'),
		// Deterministic failure hook (simulator choice): a file name containing "fail".
		willFail: /fail/i.test(audio.filename),
	};
	ctx.state.jobs.set(job.id, job);
	ctx.clock.schedule(
		job.created_at + ctx.opts.transcriptionDelayMs,
		`transcription ${job.id}`,
		() => completeJob(job),
	);
	return { status: 200, body: { id: job.id, engine: job.engine, status: job.status } };
}

function completeJob(job: TranscriptionJob): void {
	if (job.willFail) {
		job.status = 'failed';
		job.error = { message: 'audio could not be decoded', type: 'transcription_failed' };
		return;
	}
	// auto-detect "hears" Hindi; otherwise the first requested language.
	const language = job.languages[0] === 'unknown' ? 'hi-IN' : job.languages[0];
	const lines =
		job.format === 'code_mixed' ? TEXTS.code_mixed : (TEXTS[language] ?? TEXTS['en-IN']);
	job.status = 'completed';
	job.language = language;
	job.text = lines.join(' ');
	if (job.diarize) {
		job.utterances = lines.map((text, i) => ({
			speaker: `speaker_${i % 2}`,
			text,
			start: i === 0 ? 0.2 : 3.1,
			end: i === 0 ? 2.8 : 4.6,
		}));
	}
}

export function jobJson(job: TranscriptionJob): Record<string, unknown> {
	const out: Record<string, unknown> = { id: job.id, engine: job.engine, status: job.status };
	if (job.status === 'completed') {
		out.text = job.text;
		out.language = job.language;
		if (job.utterances) out.utterances = job.utterances;
	}
	if (job.status === 'failed') out.error = job.error;
	return out;
}

export function getJob(ctx: SimContext, id: string): Reply {
	const job = ctx.state.jobs.get(id);
	if (!job) throw notFound('transcription job not found');
	return { status: 200, body: jobJson(job) };
}
