import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	AUDIO_MIME_PREFIXES,
	AUTO_DETECT_LANGUAGE,
	TRANSCRIPTION_DEFAULT_POLL_SECONDS,
	TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
	TRANSCRIPTION_LANGUAGES,
	TRANSCRIPTION_MAX_BYTES,
} from '../../helpers/assumptions';
import { fieldError, requireBinary, requiredString } from '../../helpers/validation';
import { binaryUpload, buildForm, formantAiRequest, runtime } from '../../transport';
import { isDone, isFailed, jobErrorText, simplifyField, simplifyJob, unwrapJob } from './common';

const FORMATS = ['code_mixed', 'standard'];

const languageOptions = [
	...TRANSCRIPTION_LANGUAGES,
	{ name: 'Auto-Detect', value: AUTO_DETECT_LANGUAGE },
].sort((a, b) => a.name.localeCompare(b.name));

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the audio file',
		description: 'The audio to transcribe, e.g. a call recording from Conversation → Get Recording',
	},
	{
		displayName: 'Languages',
		name: 'languages',
		type: 'multiOptions',
		options: languageOptions,
		default: [AUTO_DETECT_LANGUAGE],
		description:
			'Languages spoken in the audio. Auto-Detect lets FormantAI find the language and cannot be combined with others.',
	},
	{
		displayName: 'Diarize',
		name: 'diarize',
		type: 'boolean',
		default: true,
		description:
			'Whether to split the transcript by speaker (utterances with speaker, start and end), when FormantAI supports it for the audio',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{
				name: 'Code-Mixed',
				value: 'code_mixed',
				description: 'For speech that switches between English and an Indian language',
			},
			{ name: 'Standard', value: 'standard', description: 'Normal transcription' },
		],
		default: 'standard',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to poll the job until it is completed or failed and output the transcript. Off: output the pending job at once and fetch it later with Get.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: TRANSCRIPTION_DEFAULT_POLL_SECONDS,
		description: 'How long to wait between two checks of the job',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
		description:
			'How long to wait in total. When it runs out the job is output as it stands with timed_out set to true (fetch it later with Get).',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		...simplifyField,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['create'] } },
	properties,
);

const KNOWN_LANGUAGES = new Set(languageOptions.map((option) => option.value));

function readLanguages(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('languages', itemIndex, []) as unknown;
	const list = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
		.map((code) => code.trim())
		.filter((code) => code !== '');
	const languages = [...new Set(list)];
	const unknown = languages.filter((code) => !KNOWN_LANGUAGES.has(code));
	if (unknown.length > 0) {
		throw fieldError(
			ctx,
			itemIndex,
			'Languages',
			`"${unknown.join('", "')}" is not a supported language code`,
			`Use codes from the list (${[...KNOWN_LANGUAGES].join(', ')}).`,
		);
	}
	if (languages.includes(AUTO_DETECT_LANGUAGE) && languages.length > 1) {
		throw fieldError(
			ctx,
			itemIndex,
			'Languages',
			'Auto-Detect ("unknown") cannot be combined with other languages',
			'Choose either Auto-Detect alone, or the languages spoken in the audio.',
		);
	}
	return languages;
}

function readSeconds(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	field: string,
	fallback: number,
): number {
	const raw = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`must be a number of seconds from 1, got ${JSON.stringify(raw ?? null)}`,
			`Set ${field} to 1 or more (default ${fallback}).`,
		);
	}
	return value;
}

function isAudioType(mimeType: string | undefined): boolean {
	const type = (mimeType ?? '').toLowerCase().trim();
	return type === '' || AUDIO_MIME_PREFIXES.some((prefix) => type.startsWith(prefix));
}

async function waitForJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	submitted: IDataObject,
	pollMs: number,
	timeoutMs: number,
): Promise<{ job: IDataObject; timedOut: boolean }> {
	const id = submitted.id;
	if (typeof id !== 'string' && typeof id !== 'number') {
		throw new NodeOperationError(
			ctx.getNode(),
			'FormantAI accepted the transcription job but returned no job ID to follow',
			{
				itemIndex,
				description: 'Turn off Wait for Completion to see the answer as it came.',
			},
		);
	}
	const signal = ctx.getExecutionCancelSignal();
	const deadline = runtime.now() + timeoutMs;
	let job = submitted;
	for (;;) {
		if (isDone(job)) return { job, timedOut: false };
		if (isFailed(job)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Transcription job ${id} failed: ${jobErrorText(job)}`,
				{
					itemIndex,
					description:
						'FormantAI could not transcribe this audio. Check the file (a readable audio format, not silent or cut) and the languages, then submit it again as a new job.',
				},
			);
		}
		const remaining = deadline - runtime.now();
		if (remaining <= 0) return { job, timedOut: true };
		try {
			await runtime.sleep(Math.min(pollMs, remaining), signal);
		} catch {
			throw new NodeOperationError(
				ctx.getNode(),
				`The execution was cancelled while waiting for transcription job ${id}`,
				{
					itemIndex,
					description: `The job goes on at FormantAI: fetch it with Get (Job ID ${id}).`,
				},
			);
		}
		if (signal?.aborted) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The execution was cancelled while waiting for transcription job ${id}`,
				{
					itemIndex,
					description: `The job goes on at FormantAI: fetch it with Get (Job ID ${id}).`,
				},
			);
		}
		job = unwrapJob(
			await formantAiRequest.call(ctx, {
				method: 'GET',
				path: `/v1/transcription/jobs/${encodeURIComponent(String(id))}`,
				itemIndex,
			}),
		);
	}
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	// Every parameter is checked before the file is read or anything is sent.
	const field = requiredString(
		this,
		itemIndex,
		'Input Binary Field',
		this.getNodeParameter('binaryPropertyName', itemIndex),
	);
	const languages = readLanguages(this, itemIndex);
	const diarize = this.getNodeParameter('diarize', itemIndex, true) as boolean;
	const format = this.getNodeParameter('format', itemIndex, 'standard') as string;
	if (!FORMATS.includes(format)) {
		throw fieldError(
			this,
			itemIndex,
			'Format',
			`must be "standard" or "code_mixed", got "${format}"`,
		);
	}
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	let pollMs = 0;
	let timeoutMs = 0;
	let simplify = false;
	if (wait) {
		pollMs =
			readSeconds(
				this,
				itemIndex,
				'pollInterval',
				'Poll Interval (Seconds)',
				TRANSCRIPTION_DEFAULT_POLL_SECONDS,
			) * 1000;
		timeoutMs =
			readSeconds(
				this,
				itemIndex,
				'timeout',
				'Timeout (Seconds)',
				TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
			) * 1000;
		simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	}

	const binary = requireBinary(
		this,
		itemIndex,
		field,
		'This item has no files. Pass audio from a node that outputs a file (e.g. Conversation → Download Recording, HTTP Request or Read/Write Files from Disk).',
	);
	if (!isAudioType(binary.mimeType)) {
		throw fieldError(
			this,
			itemIndex,
			'Input Binary Field',
			`the file "${binary.fileName ?? field}" is ${binary.mimeType}, not audio`,
			'Pass an audio file (e.g. WAV or MP3).',
		);
	}
	const file = await binaryUpload.call(this, itemIndex, field, 'audio');
	if (TRANSCRIPTION_MAX_BYTES !== undefined && file.data.length > TRANSCRIPTION_MAX_BYTES) {
		throw fieldError(
			this,
			itemIndex,
			'Input Binary Field',
			`the file is ${file.data.length} bytes; at most ${TRANSCRIPTION_MAX_BYTES} are accepted`,
			'Split or compress the audio.',
		);
	}

	const form = buildForm(
		{
			languages: languages.length > 0 ? languages.join(',') : undefined,
			diarize: diarize ? 'true' : 'false',
			format,
		},
		file,
	);
	// An upload is never retried: a second copy would be a second job.
	const submitted = unwrapJob(
		await formantAiRequest.call(this, {
			method: 'POST',
			path: '/v1/transcription/jobs',
			body: form,
			itemIndex,
			retry: { retry: false },
		}),
	);
	if (!wait) return [{ json: submitted }];

	const { job, timedOut } = await waitForJob(this, itemIndex, submitted, pollMs, timeoutMs);
	return [{ json: { ...(simplify ? simplifyJob(job) : job), timed_out: timedOut } }];
}
