import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_MIME_TYPE } from '../../helpers/assumptions';
import { runIndexOf } from '../../helpers/idempotency';
import { outcome } from '../../helpers/outcome';
import {
	forgetCampaign,
	recordCampaignCreated,
	recordCampaignSending,
	sentCampaign,
} from '../../helpers/sendRecord';
import type { FilePart } from '../../transport';
import { buildForm, formantAiRequest } from '../../transport';
import type { Common } from './campaign';
import { unwrapData } from './common';

/**
 * Which upload of the execution this is: the node's run (loops run a node several times) and
 * item. The send record it keys lives in the execution itself (see helpers/sendRecord), so n8n's
 * Retry On Fail and a Retry of the failed execution, on any worker, find what the first try sent.
 */
function uploadKey(ctx: IExecuteFunctions, itemIndex: number): string {
	return `${runIndexOf(ctx, itemIndex)}:${itemIndex}`;
}

/** What to do when a campaign may exist although its upload failed: check, never resend blindly. */
function mayExist(name: string): string {
	return `FormantAI may have created the campaign "${name}", and it calls every row: before running this node again, look for a campaign named "${name}" with Batch → Get Many or in the FormantAI dashboard.`;
}

/** Whether FormantAI answered and refused (4xx): then nothing was created and sending again is safe. */
function wasRefused(error: unknown): boolean {
	const status = (error as { context?: { formantAi?: { status?: unknown } } })?.context?.formantAi
		?.status;
	return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Uploads the campaign, once per execution: the request is never retried (a second upload would
 * call every row again), and a later try of the same execution outputs the campaign the first
 * one created, or, when that answer was lost, says how to check instead of uploading again.
 */
export async function upload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	common: Common,
	file: Uint8Array | FilePart,
	fileName: string,
): Promise<IDataObject> {
	const key = uploadKey(ctx, itemIndex);
	const earlier = sentCampaign(ctx, key);
	if (earlier?.state === 'created') return earlier.batch;
	if (earlier) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The campaign "${earlier.name}" was sent by an earlier try of this execution and its answer was lost, so it is not uploaded again [item ${itemIndex}]`,
			{
				itemIndex,
				description: `${mayExist(earlier.name)} If it is not there, run the workflow again as a new execution to upload it.`,
			},
		);
	}
	recordCampaignSending(ctx, key, common.name);
	const form = buildForm(
		{ agent_id: String(common.agentId), name: common.name },
		{
			field: 'file',
			data: file,
			fileName,
			mimeType: CSV_MIME_TYPE,
		},
	);
	const sent = await outcome(
		formantAiRequest.call(ctx, {
			method: 'POST',
			path: '/v1/batch-call',
			body: form,
			itemIndex,
			retry: { retry: false },
		}),
	);
	if (!sent.ok) {
		if (wasRefused(sent.error)) {
			forgetCampaign(ctx, key);
		} else {
			// No answer, or a 5xx: FormantAI may have created the campaign all the same.
			const error = sent.error as {
				description?: string | null;
				context?: { formantAi?: { type?: unknown } };
			};
			const network =
				error.context?.formantAi?.type === 'network_error'
					? 'Check the network and the Region or Base URL in the FormantAI API credential. '
					: '';
			error.description = `The answer to the upload was lost. ${network}${mayExist(common.name)}`;
		}
		throw sent.error;
	}
	const batch = unwrapData(sent.value);
	recordCampaignCreated(ctx, key, batch);
	return batch;
}
