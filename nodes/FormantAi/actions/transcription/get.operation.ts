import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { requiredString } from '../../helpers/validation';
import { formantAiRequest } from '../../transport';
import { simplifyField, simplifyJob, unwrapJob } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. job_abc123',
		description: 'ID of the transcription job, as returned by Create',
	},
	simplifyField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['get'] } },
	properties,
);

/** The job in whatever state it is (a failed job is returned, not thrown: the lookup worked). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = requiredString(
		this,
		itemIndex,
		'Job ID',
		this.getNodeParameter('jobId', itemIndex),
		'Use the "id" returned by Transcription → Create, e.g. job_abc123.',
	);
	const body = await formantAiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcription/jobs/${encodeURIComponent(jobId)}`,
		itemIndex,
	});
	const job = unwrapJob(body);
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	return [{ json: simplify ? simplifyJob(job) : job }];
}
