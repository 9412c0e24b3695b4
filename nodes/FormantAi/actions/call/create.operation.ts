import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { placeCall } from './place';
import type { Call } from './prepare';
import { prepareCall } from './prepare';

export { description } from './create.description';

/** Checks one item and builds its call; nothing is sent. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Call> {
	return prepareCall(this, itemIndex);
}

/** Places one item's call (prepared by `prepare`, or here when called alone). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	prepared?: unknown,
): Promise<INodeExecutionData[]> {
	const call = (prepared as Call | undefined) ?? prepareCall(this, itemIndex);
	return await placeCall(this, itemIndex, call);
}
