import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether this run is an AI agent calling the node as a tool. How n8n does it (n8n-workflow /
 * n8n-core 2.x): a node with `usableAsTool` is also registered as a second node type whose name
 * is ours plus `Tool` (`n8n-nodes-formantai.formantAiTool`, the same suffix n8n's `@tool` display
 * option tests); when the agent calls it, the engine runs that node's `execute` with
 * `rewireOutputLogTo: 'ai_tool'`, the agent's arguments filled in through `$fromAI()`
 * expressions and merged into the input item together with a `toolCallId`. Any one of these
 * signs counts, so a renamed type or a hand-built tool workflow is still recognised.
 */
export function isToolMode(ctx: IExecuteFunctions, itemIndex: number): boolean {
	if (nodeRunsAsTool(ctx)) return true;
	const json = ctx.getInputData()[itemIndex]?.json;
	return typeof json?.toolCallId === 'string' && json.toolCallId !== '';
}

// The node-level signs are the same for every item of a run: worked out once per run.
const nodeSigns = new WeakMap<object, boolean>();

function nodeRunsAsTool(ctx: IExecuteFunctions): boolean {
	const known = nodeSigns.get(ctx);
	if (known !== undefined) return known;
	const node = ctx.getNode() as ReturnType<IExecuteFunctions['getNode']> & {
		rewireOutputLogTo?: string;
	};
	const tool =
		(typeof node.type === 'string' && /tool$/i.test(node.type)) ||
		node.rewireOutputLogTo === 'ai_tool' ||
		/\$fromai\s*\(/i.test(JSON.stringify(node.parameters ?? {}));
	nodeSigns.set(ctx, tool);
	return tool;
}
