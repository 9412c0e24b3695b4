import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	AUTO_DETECT_LANGUAGE,
	TRANSCRIPTION_DEFAULT_POLL_SECONDS,
	TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
	TRANSCRIPTION_MAX_BYTES,
} from '../../helpers/assumptions';
import { fieldError, requireBinary, requiredString } from '../../helpers/validation';
import { binaryUpload, buildForm, formantAiRequest } from '../../transport';
import { simplifyField, simplifyJob, unwrapJob } from './common';
import { isAudioType, languageOptions, readFormat, readLanguages, readWait } from './input';
import { waitForJob } from './waitForJob';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the audio file',
		description:
			'The audio to transcribe, e.g. a call recording from Conversation → Download Recording',
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
	const format = readFormat(this, itemIndex);
	const wait = readWait(this, itemIndex);

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

	const { job, timedOut } = await waitForJob(this, itemIndex, submitted, wait);
	return [{ json: { ...(wait.simplify ? simplifyJob(job) : job), timed_out: timedOut } }];
}
