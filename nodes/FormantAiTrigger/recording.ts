import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { downloadBinary, isFormantAiError, runtime } from '../FormantAi/transport';
import type { FormantAiEvent } from './event';
import { parts } from './event';

/**
 * The download runs inside the execution, after n8n has answered FormantAI, so it is not bound by
 * FormantAI's 10 s per delivery. While the recording is not stored yet (404) it is asked again
 * after these waits, and everything (tries and waits) ends by one overall deadline.
 */
export const RECORDING_WAITS_MS = [2_000, 5_000, 10_000, 20_000];

/** One overall deadline for the tries and the waits between them. */
export const RECORDING_DEADLINE_MS = 60_000;

/** Longest one try may take to start answering (never past the overall deadline). */
export const RECORDING_TIMEOUT_MS = 20_000;

export type RecordingStatus = 'attached' | 'none' | 'not_ready' | 'error';

export interface RecordingResult {
	status: RecordingStatus;
	binary?: IBinaryData;
	/** What went wrong, for `error` (the transport never includes the API key). */
	error?: string;
}

/**
 * Whether the event says there is (or may be) a recording. `recording_url` is only sent with
 * "Include recording URL" on: null means none; absent means unknown, and then only a completed
 * call can have one (recordings exist only for connected calls).
 */
export function mayHaveRecording(event: FormantAiEvent): boolean {
	const { call } = parts(event);
	if (typeof call.conversation_id !== 'string' || call.conversation_id === '') return false;
	if (call.recording_url === null) return false;
	if (typeof call.recording_url === 'string' && call.recording_url !== '') return true;
	return event.event_type === 'call.completed';
}

/**
 * Downloads the call's recording through the FormantAI API credential's own base URL, never
 * from the URL in the payload: an unsigned (or forged) event must not make n8n send the API key
 * to an address of the sender's choice.
 */
export async function fetchRecording(
	this: IExecuteFunctions,
	event: FormantAiEvent,
): Promise<RecordingResult> {
	if (!mayHaveRecording(event)) return { status: 'none' };
	const conversationId = String(parts(event).call.conversation_id);
	const path = `/v1/conversations/${encodeURIComponent(conversationId)}/recording`;
	const deadline = runtime.now() + RECORDING_DEADLINE_MS;
	for (let attempt = 0; ; attempt++) {
		const left = deadline - runtime.now();
		if (left <= 0) return { status: 'not_ready' };
		try {
			const binary = await downloadBinary.call(this, {
				path,
				fallbackFileName: `${conversationId}.wav`,
				fallbackMimeType: 'audio/wav',
				retry: { maxRetries: 1, maxWaitMs: 1_000 },
				timeoutMs: Math.min(RECORDING_TIMEOUT_MS, left),
			});
			return { status: 'attached', binary };
		} catch (error) {
			if (!isFormantAiError(error, 'not_found')) {
				return { status: 'error', error: (error as Error).message };
			}
			const wait = RECORDING_WAITS_MS[attempt];
			if (wait === undefined || runtime.now() + wait >= deadline) return { status: 'not_ready' };
			await runtime.sleep(wait);
		}
	}
}
