import type { IBinaryData, IWebhookFunctions } from 'n8n-workflow';

import { downloadBinary, isFormantAiError, runtime } from '../FormantAi/transport';
import type { FormantAiEvent } from './event';
import { parts } from './event';

/**
 * Waits between tries while the recording is not ready (FormantAI may store it after the call
 * ends). 1 s + 2 s = 3 s in all, well inside FormantAI's 10 s delivery timeout.
 */
export const RECORDING_WAITS_MS = [1_000, 2_000];

/** Longest a recording download may take to start answering. */
export const RECORDING_TIMEOUT_MS = 5_000;

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
	this: IWebhookFunctions,
	event: FormantAiEvent,
): Promise<RecordingResult> {
	if (!mayHaveRecording(event)) return { status: 'none' };
	const conversationId = String(parts(event).call.conversation_id);
	const path = `/v1/conversations/${encodeURIComponent(conversationId)}/recording`;
	for (let attempt = 0; ; attempt++) {
		try {
			const binary = await downloadBinary.call(this, {
				path,
				fallbackFileName: `${conversationId}.wav`,
				fallbackMimeType: 'audio/wav',
				// One quick retry of a 5xx at most: the whole delivery has 10 s.
				retry: { maxRetries: 1, maxWaitMs: 1_000 },
				// A stalled download must not outlast FormantAI's 10 s wait for our answer.
				timeoutMs: RECORDING_TIMEOUT_MS,
			});
			return { status: 'attached', binary };
		} catch (error) {
			if (!isFormantAiError(error, 'not_found')) {
				return { status: 'error', error: (error as Error).message };
			}
			if (attempt >= RECORDING_WAITS_MS.length) return { status: 'not_ready' };
			await runtime.sleep(RECORDING_WAITS_MS[attempt]);
		}
	}
}
