import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { placeCall } from './place';
import type { PreparedCall } from './prepare';
import { prepareCall } from './prepare';

export { description } from './create.description';

/** Checks one item and builds its call; nothing is sent. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedCall> {
	return prepareCall(this, itemIndex);
}

/** Places one item's call (prepared by `prepare`, or here when called alone). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	prepared?: unknown,
): Promise<INodeExecutionData[]> {
	const call = (prepared as PreparedCall | undefined) ?? prepareCall(this, itemIndex);
	if ('skipped' in call) return [{ json: call.skipped }];
	return await placeCall(this, itemIndex, call);
}
