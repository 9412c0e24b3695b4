import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { conversationIdProblem } from '../../helpers/conversationId';
import { conversationIdFields, fieldLabel, locatorValue } from '../../helpers/locators';
import { simplifyConversation } from '../../helpers/simplify';
import { isToolMode } from '../../helpers/toolMode';
import { fieldError } from '../../helpers/validation';
import { formantAiRequest } from '../../transport';

const properties: INodeProperties[] = [
	...conversationIdFields,
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return one flat record: ISO start/end times, each result as its own result_… field, and the transcript as "Agent: … / Customer: …" text plus its turns, instead of the raw API record',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['get'] } },
	properties,
);

/** The conversation ID parameter, checked before anything is sent. */
export function conversationIdValue(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = locatorValue(ctx, 'conversationId', itemIndex);
	const problem = conversationIdProblem(value);
	if (problem) {
		throw fieldError(
			ctx,
			itemIndex,
			fieldLabel(ctx, 'Conversation ID'),
			problem,
			'Use the conversation_id from a webhook payload or from Get Many, e.g. e36853de-9cbb-441e-ad75-d3c8ac82abfb_1.',
		);
	}
	return String(value).trim();
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const conversationId = conversationIdValue(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const response = await formantAiRequest.call(this, {
		method: 'GET',
		path: `/v1/conversations/${encodeURIComponent(conversationId)}`,
		itemIndex,
	});
	const record = ((response as IDataObject)?.data ?? {}) as IDataObject;
	const json = simplify
		? simplifyConversation(record, { compact: isToolMode(this, itemIndex) })
		: record;
	return [{ json }];
}
