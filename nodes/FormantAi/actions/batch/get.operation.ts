import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { formantAiRequest } from '../../transport';
import { batchIdFields } from '../../helpers/locators';
import { readBatchId, unwrapData } from './common';

const properties: INodeProperties[] = batchIdFields();

export const description = updateDisplayOptions(
	{ show: { resource: ['batch'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const batchId = readBatchId(this, itemIndex);
	const body = await formantAiRequest.call(this, {
		method: 'GET',
		path: `/v1/batch-calls/${batchId}`,
		itemIndex,
	});
	return [{ json: unwrapData(body) }];
}
