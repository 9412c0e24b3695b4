import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * One operation: its fields and how it runs. `execute` runs once per input item and returns that
 * item's output (the router links it to the item). An operation whose input items together make
 * one request (a campaign built from rows) implements `executeAll` and links its output itself.
 */
export interface OperationModule {
	description: INodeProperties[];
	execute?: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;
	/** When present and it returns true for this run, `executeAll` is used instead of `execute`. */
	runsOnce?: (this: IExecuteFunctions) => boolean;
	executeAll?: (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	) => Promise<INodeExecutionData[]>;
}

export type ResourceOperations = Record<string, OperationModule>;
