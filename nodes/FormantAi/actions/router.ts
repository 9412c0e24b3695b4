import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { batchOperations } from './batch/Batch.resource';
import { callOperations } from './call/Call.resource';
import { conversationOperations } from './conversation/Conversation.resource';
import { transcriptionOperations } from './transcription/Transcription.resource';
import type { OperationModule, ResourceOperations } from './types';

const resources: Record<string, ResourceOperations> = {
	batch: batchOperations,
	call: callOperations,
	conversation: conversationOperations,
	transcription: transcriptionOperations,
};

/** The JSON of an error item under Continue On Fail: FormantAI's message and the fix, never secrets. */
export function errorJson(
	error: Error & { description?: unknown; httpCode?: unknown; context?: IDataObject },
): IDataObject {
	const json: IDataObject = { error: error.message };
	if (typeof error.description === 'string' && error.description)
		json.description = error.description;
	if (typeof error.httpCode === 'string' && error.httpCode) json.httpCode = error.httpCode;
	const formantAi = error.context?.formantAi as IDataObject | undefined;
	if (formantAi?.type) json.type = formantAi.type;
	return json;
}

/** Gives an error the item it belongs to and makes it an n8n error (rethrown as is if it is one). */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

function findOperation(ctx: IExecuteFunctions): OperationModule {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" is not known for the resource "${resource}"`,
		);
	}
	return module;
}

/** The item loop, error handling and item linking, once for every operation. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const module = findOperation(this);
	const output: INodeExecutionData[] = [];

	if (module.executeAll && module.runsOnce?.call(this)) {
		const allItems = items.map((_, item) => ({ item }));
		try {
			const results = await module.executeAll.call(this, items);
			for (const result of results)
				output.push({ ...result, pairedItem: result.pairedItem ?? allItems });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, 0);
			output.push({ json: errorJson(error as Error), pairedItem: allItems });
		}
		return [output];
	}

	if (!module.execute) {
		throw new NodeOperationError(this.getNode(), 'This operation cannot run item by item');
	}
	// Every item is checked and built before the first request: a bad item 3 must not leave
	// items 0–2 called and the run failed (n8n's Retry would then start from a half-done run).
	const prepared: unknown[] = [];
	const refused = new Map<number, unknown>();
	if (module.prepare) {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				prepared[itemIndex] = await module.prepare.call(this, itemIndex);
			} catch (error) {
				if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
				refused.set(itemIndex, error);
			}
		}
	}
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (refused.has(itemIndex)) throw refused.get(itemIndex);
			const results = await module.execute.call(this, itemIndex, prepared[itemIndex]);
			// One by one: spreading 130,000 results into push() overflows the call stack.
			const pairedItem = { item: itemIndex };
			for (const result of results) {
				if (result.pairedItem === undefined) result.pairedItem = pairedItem;
				output.push(result);
			}
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			output.push({ json: errorJson(error as Error), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
