import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_MIME_TYPE } from '../../helpers/assumptions';
import { executionIdentity, runIndexOf } from '../../helpers/idempotency';
import { outcome } from '../../helpers/outcome';
import { buildForm, formantAiRequest } from '../../transport';
import type { Common } from './campaign';
import { unwrapData } from './common';

/**
 * Uploads already sent in this process, by execution, node, run and item. n8n's Retry On Fail runs the
 * node again in the same execution; without this, a retry after a lost answer (or after another
 * item failed) would start a second campaign that calls everyone again.
 */
const sentUploads = new Set<string>();
const SENT_UPLOADS_KEPT = 10_000;

function uploadKey(ctx: IExecuteFunctions, itemIndex: number): string {
	return [executionIdentity(ctx), ctx.getNode().id, runIndexOf(ctx, itemIndex), itemIndex].join(
		'\u0000',
	);
}

/** Whether FormantAI answered and refused (4xx): then nothing was created and sending again is safe. */
function wasRefused(error: unknown): boolean {
	const status = (error as { context?: { formantAi?: { status?: unknown } } })?.context?.formantAi
		?.status;
	return typeof status === 'number' && status >= 400 && status < 500;
}

/** Uploads the campaign (never retried: a second upload would call every row again). */
export async function upload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	common: Common,
	csv: string,
	fileName: string,
): Promise<IDataObject> {
	const key = uploadKey(ctx, itemIndex);
	if (sentUploads.has(key)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`This campaign was already uploaded by an earlier try of this node in this execution, so it is not sent again [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					"n8n's Retry On Fail ran the node again. FormantAI may have created the campaign on the earlier try: check Get Many before running again, and turn Retry On Fail off for this node.",
			},
		);
	}
	if (sentUploads.size >= SENT_UPLOADS_KEPT) sentUploads.clear();
	sentUploads.add(key);
	const form = buildForm(
		{ agent_id: String(common.agentId), name: common.name },
		{
			field: 'file',
			data: new TextEncoder().encode(csv),
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
		if (wasRefused(sent.error)) sentUploads.delete(key);
		throw sent.error;
	}
	return unwrapData(sent.value);
}
