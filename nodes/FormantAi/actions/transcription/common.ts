import type { IDataObject, INodeProperties } from 'n8n-workflow';

import {
	TRANSCRIPTION_DONE_STATUS,
	TRANSCRIPTION_ERROR_FIELDS,
	TRANSCRIPTION_FAILED_STATUSES,
	TRANSCRIPTION_MAY_BE_WRAPPED,
} from '../../helpers/assumptions';

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return only the job ID, status, language, text and speaker_text (the utterances as readable "speaker: text" lines) instead of the full job',
};

/** Transcription answers are documented without the `data` wrapper of other endpoints. */
export function unwrapJob(body: unknown): IDataObject {
	const job = (body ?? {}) as IDataObject;
	const data = job.data as IDataObject | undefined;
	if (
		TRANSCRIPTION_MAY_BE_WRAPPED &&
		job.id === undefined &&
		typeof data === 'object' &&
		data !== null &&
		!Array.isArray(data)
	) {
		return data;
	}
	return job;
}

export function isDone(job: IDataObject): boolean {
	return job.status === TRANSCRIPTION_DONE_STATUS;
}

export function isFailed(job: IDataObject): boolean {
	return typeof job.status === 'string' && TRANSCRIPTION_FAILED_STATUSES.includes(job.status);
}

/** The reason a job failed, wherever FormantAI put it. */
export function jobErrorText(job: IDataObject): string {
	for (const path of TRANSCRIPTION_ERROR_FIELDS) {
		let value: unknown = job;
		for (const key of path.split('.')) {
			value = typeof value === 'object' && value !== null ? (value as IDataObject)[key] : undefined;
		}
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return 'FormantAI gave no reason';
}

interface Utterance {
	speaker?: unknown;
	text?: unknown;
}

/** Utterances as "speaker_0: …" lines, consecutive turns of one speaker joined. */
export function speakerText(utterances: unknown): string {
	if (!Array.isArray(utterances)) return '';
	const lines: Array<{ speaker: string; text: string }> = [];
	for (const utterance of utterances as Utterance[]) {
		const text = typeof utterance?.text === 'string' ? utterance.text.trim() : '';
		if (!text) continue;
		const speaker =
			typeof utterance.speaker === 'string' || typeof utterance.speaker === 'number'
				? String(utterance.speaker)
				: 'speaker';
		const last = lines[lines.length - 1];
		if (last && last.speaker === speaker) last.text += ` ${text}`;
		else lines.push({ speaker, text });
	}
	return lines.map((line) => `${line.speaker}: ${line.text}`).join('\n');
}

export function simplifyJob(job: IDataObject): IDataObject {
	return {
		id: job.id ?? null,
		status: job.status ?? null,
		language: job.language ?? null,
		text: job.text ?? null,
		speaker_text: speakerText(job.utterances),
	};
}
