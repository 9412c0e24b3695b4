import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deriveBatchRates } from '../../helpers/metrics';
import { formantAiRequest } from '../../transport';
import { batchIdFields } from '../../helpers/locators';
import { readBatchId, unwrapData } from './common';

const properties: INodeProperties[] = batchIdFields({
	hint: 'The output adds "derived": rates the node computes from FormantAI\'s counters, in percent of total_processed (connect_rate_percent = completed_count / total_processed; outcome_share_percent.<outcome> = <outcome>_count / total_processed), null while nothing is processed',
});

export const description = updateDisplayOptions(
	{ show: { resource: ['batch'], operation: ['getMetrics'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const batchId = readBatchId(this, itemIndex);
	const body = await formantAiRequest.call(this, {
		method: 'GET',
		path: `/v1/batch-calls/${batchId}/metrics`,
		itemIndex,
	});
	const metrics = unwrapData(body);
	// FormantAI's counters as they are; what the node computes is kept apart under `derived`.
	return [{ json: { batch_id: batchId, ...metrics, derived: deriveBatchRates(metrics) } }];
}
