import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Campaign } from './campaign';
import { output } from './campaign';
import { campaignFromFile } from './csvSource';
import { campaignFromItems } from './itemsSource';
import { upload } from './uploadGuard';

export { description } from './create.description';

/** Input Items makes one campaign of all items; a CSV file makes one campaign per item. */
export function runsOnce(this: IExecuteFunctions): boolean {
	return this.getNodeParameter('source', 0, 'inputItems') === 'inputItems';
}

async function send(
	ctx: IExecuteFunctions,
	itemIndex: number,
	campaign: Campaign,
): Promise<INodeExecutionData[]> {
	const batch = await upload(ctx, itemIndex, campaign.common, campaign.file, campaign.fileName);
	return output(batch, campaign.common, campaign.bad);
}

/** CSV File: checks one item's file and builds its campaign; nothing is sent. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Campaign> {
	return await campaignFromFile(this, itemIndex);
}

/** CSV File: uploads one item's campaign. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	prepared?: unknown,
): Promise<INodeExecutionData[]> {
	const campaign = (prepared as Campaign | undefined) ?? (await campaignFromFile(this, itemIndex));
	return await send(this, itemIndex, campaign);
}

/** Input Items: all items become the rows of one campaign. */
export async function executeAll(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await send(this, 0, campaignFromItems(this, items));
}
