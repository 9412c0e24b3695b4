import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { positiveInteger } from '../../helpers/validation';

/** The Batch ID field of Get and Get Metrics. */
export const batchIdField: INodeProperties = {
	displayName: 'Batch ID',
	name: 'batchId',
	type: 'number',
	required: true,
	default: 0,
	placeholder: 'e.g. 456',
	description: 'ID of the campaign, as returned by Create or listed by Get Many',
};

export function readBatchId(ctx: IExecuteFunctions, itemIndex: number): number {
	return positiveInteger(
		ctx,
		itemIndex,
		'Batch ID',
		ctx.getNodeParameter('batchId', itemIndex),
		'Use the "id" of a campaign returned by Create or Get Many.',
	);
}

/** FormantAI wraps batch responses in `data`. */
export function unwrapData(body: unknown): IDataObject {
	const data = (body as IDataObject | undefined)?.data;
	return typeof data === 'object' && data !== null && !Array.isArray(data)
		? (data as IDataObject)
		: ((body ?? {}) as IDataObject);
}
