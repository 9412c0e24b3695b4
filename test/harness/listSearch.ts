import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { TestCredentialsHelper } from './credentials';
import { engineAdditionalData } from './index';

const node = new FormantAi();
const nodeTypes: INodeTypes = {
	getByName: () => node as INodeType,
	getByNameAndVersion: () => node as INodeType,
	getKnownTypes: () => ({}),
};

export type ListSearchMethod = 'searchAgents' | 'searchBatches' | 'searchConversations';

/**
 * Calls one of the node's listSearch methods the way n8n's editor does: through n8n-core's real
 * LoadOptionsContext for a version 2 node, with `credential` as the FormantAI API credential
 * (undefined: the node has no credential selected).
 */
export async function listSearch(
	method: ListSearchMethod,
	credential: ICredentialDataDecryptedObject | undefined,
	options: { filter?: string; paginationToken?: string; parameters?: INodeParameters } = {},
): Promise<INodeListSearchResult> {
	const subject: INode = {
		id: 'subject',
		name: 'FormantAI',
		type: 'formantAi',
		typeVersion: 2,
		position: [0, 0],
		parameters: options.parameters ?? { resource: 'call', operation: 'create' },
		credentials: credential ? { formantAiApi: { id: 'formantAiApi', name: 'FormantAI' } } : {},
	};
	const workflow = new Workflow({
		id: 'list-search',
		name: 'List search',
		nodes: [subject],
		connections: {},
		active: false,
		nodeTypes,
		staticData: {},
	});
	const additionalData = engineAdditionalData({
		executionId: 'list-search',
		mode: 'internal',
		workflow,
		credentialsHelper: new TestCredentialsHelper(credential ? { formantAiApi: credential } : {}),
	});
	const context = new LoadOptionsContext(workflow, subject, additionalData, 'parameters.agentId');
	const search = node.methods.listSearch[method];
	return await search.call(context, options.filter, options.paginationToken);
}
