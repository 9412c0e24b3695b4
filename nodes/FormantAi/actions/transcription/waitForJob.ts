import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { formantAiRequest, pause, runtime } from '../../transport';
import { isDone, isFailed, jobErrorText, unwrapJob } from './common';
import type { WaitOptions } from './input';

/**
 * Polls a submitted job until it is completed or failed, or until the timeout: then the job is
 * handed back as it stands with `timedOut` (the job goes on at FormantAI).
 */
export async function waitForJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	submitted: IDataObject,
	{ pollMs, timeoutMs }: WaitOptions,
): Promise<{ job: IDataObject; timedOut: boolean }> {
	const id = submitted.id;
	if (typeof id !== 'string' && typeof id !== 'number') {
		throw new NodeOperationError(
			ctx.getNode(),
			'FormantAI accepted the transcription job but returned no job ID to follow',
			{ itemIndex, description: 'Turn off Wait for Completion to see the answer as it came.' },
		);
	}
	const signal = ctx.getExecutionCancelSignal();
	const cancelled = () =>
		new NodeOperationError(
			ctx.getNode(),
			`The execution was cancelled while waiting for transcription job ${id}`,
			{ itemIndex, description: `The job goes on at FormantAI: fetch it with Get (Job ID ${id}).` },
		);
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
		await pause(ctx, Math.min(pollMs, remaining), signal, cancelled);
		job = unwrapJob(
			await formantAiRequest.call(ctx, {
				method: 'GET',
				path: `/v1/transcription/jobs/${encodeURIComponent(String(id))}`,
				itemIndex,
			}),
		);
	}
}
