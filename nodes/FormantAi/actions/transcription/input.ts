import type { IExecuteFunctions } from 'n8n-workflow';

import {
	AUDIO_MIME_PREFIXES,
	AUTO_DETECT_LANGUAGE,
	TRANSCRIPTION_DEFAULT_POLL_SECONDS,
	TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
	TRANSCRIPTION_LANGUAGES,
} from '../../helpers/assumptions';
import { fieldError, secondsParameter } from '../../helpers/validation';

/** The languages FormantAI transcribes, plus Auto-Detect, by name. */
export const languageOptions = [
	...TRANSCRIPTION_LANGUAGES,
	{ name: 'Auto-Detect', value: AUTO_DETECT_LANGUAGE },
].sort((a, b) => a.name.localeCompare(b.name));

const KNOWN_LANGUAGES = new Set(languageOptions.map((option) => option.value));

const FORMATS = ['code_mixed', 'standard'];

/** Known codes only, each once; Auto-Detect alone or not at all. */
export function readLanguages(ctx: IExecuteFunctions, itemIndex: number): string[] {
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

export function readFormat(ctx: IExecuteFunctions, itemIndex: number): string {
	const format = ctx.getNodeParameter('format', itemIndex, 'standard') as string;
	if (!FORMATS.includes(format)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Format',
			`must be "standard" or "code_mixed", got "${format}"`,
		);
	}
	return format;
}

export interface WaitOptions {
	pollMs: number;
	timeoutMs: number;
	simplify: boolean;
}

/** How to wait for the job, or undefined when Wait for Completion is off. */
export function readWait(ctx: IExecuteFunctions, itemIndex: number): WaitOptions | undefined {
	if (!(ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean)) return undefined;
	return {
		pollMs: secondsParameter(ctx, itemIndex, {
			name: 'pollInterval',
			field: 'Poll Interval (Seconds)',
			fallback: TRANSCRIPTION_DEFAULT_POLL_SECONDS,
		}),
		timeoutMs: secondsParameter(ctx, itemIndex, {
			name: 'timeout',
			field: 'Timeout (Seconds)',
			fallback: TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS,
		}),
		simplify: ctx.getNodeParameter('simplify', itemIndex, false) as boolean,
	};
}

/** An audio type, or none given (FormantAI then looks at the bytes). */
export function isAudioType(mimeType: string | undefined): boolean {
	const type = (mimeType ?? '').toLowerCase().trim();
	return type === '' || AUDIO_MIME_PREFIXES.some((prefix) => type.startsWith(prefix));
}
