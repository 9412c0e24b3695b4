import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * One operation: its fields and how it runs. `execute` runs once per input item and returns that
 * item's output (the router links it to the item). An operation whose input items together make
 * one request (a campaign built from rows) implements `executeAll` and links its output itself.
 */
export interface OperationModule {
	description: INodeProperties[];
	/**
	 * Optional: checks one item and builds its request, sending nothing. The router runs it for
	 * every item before the first `execute`, and hands its result to `execute`.
	 */
	prepare?: (this: IExecuteFunctions, itemIndex: number) => Promise<unknown>;
	execute?: (
		this: IExecuteFunctions,
		itemIndex: number,
		prepared?: unknown,
	) => Promise<INodeExecutionData[]>;
	/** When present and it returns true for this run, `executeAll` is used instead of `execute`. */
	runsOnce?: (this: IExecuteFunctions) => boolean;
	executeAll?: (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	) => Promise<INodeExecutionData[]>;
}

export type ResourceOperations = Record<string, OperationModule>;
