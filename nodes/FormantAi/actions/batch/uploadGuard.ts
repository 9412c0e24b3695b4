import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_MIME_TYPE } from '../../helpers/assumptions';
import { executionIdentity, runIndexOf } from '../../helpers/idempotency';
import { outcome } from '../../helpers/outcome';
import type { FilePart } from '../../transport';
import { buildForm, formantAiRequest } from '../../transport';
import type { Common } from './campaign';
import { unwrapData } from './common';

/** A bounded memory of keys: when full, the oldest key is forgotten first. */
export class RecentKeys {
	private readonly keys = new Set<string>();

	constructor(private readonly capacity: number) {}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	add(key: string): void {
		// A Set iterates in insertion order: its first key is the oldest.
		while (this.keys.size >= this.capacity) {
			const oldest = this.keys.values().next().value as string;
			this.keys.delete(oldest);
		}
		this.keys.add(key);
	}

	delete(key: string): void {
		this.keys.delete(key);
	}
}

/**
 * Uploads already sent by this n8n process, by execution (the same across n8n's Retry of a failed
 * execution), node, run and item. Without it, Retry On Fail or a Retry of the execution after a
 * lost answer (or after another item failed) would start a second campaign that calls everyone
 * again.
 */
const sentUploads = new RecentKeys(10_000);

function uploadKey(ctx: IExecuteFunctions, itemIndex: number): string {
	return [executionIdentity(ctx), ctx.getNode().id, runIndexOf(ctx, itemIndex), itemIndex].join(
		'\u0000',
	);
}

/** What to do when a campaign may exist although its upload failed: check, never resend blindly. */
function mayExist(name: string): string {
	return `FormantAI may have created the campaign "${name}", and it calls every row: before running this node again, look for it with Batch → Get Many or in the FormantAI dashboard.`;
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
	file: Uint8Array | FilePart,
	fileName: string,
): Promise<IDataObject> {
	const key = uploadKey(ctx, itemIndex);
	if (sentUploads.has(key)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`This campaign was already uploaded by an earlier try of this node in this execution, so it is not sent again [item ${itemIndex}]`,
			{
				itemIndex,
				description: `n8n ran the node again for the same execution (Retry On Fail, or Retry of the failed execution). ${mayExist(common.name)} Turn Retry On Fail off for this node.`,
			},
		);
	}
	sentUploads.add(key);
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
			sentUploads.delete(key);
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
	return unwrapData(sent.value);
}
