import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { fieldError, requiredString } from '../../helpers/validation';
import { downloadBinary, isFormantAiError, pause, runtime } from '../../transport';
import { conversationIdFields } from '../../helpers/locators';
import { conversationIdValue } from './get.operation';

const properties: INodeProperties[] = [
	...conversationIdFields,
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the output binary field to put the recording in',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Check Every (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 10,
				description: 'How often to ask again while waiting for the recording',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 120,
				description: 'How long to wait for the recording in total before failing',
			},
			{
				displayName: 'Wait Until Ready',
				name: 'waitForRecording',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep asking until the recording exists (FormantAI answers "not found" until the telephony provider has delivered it, which can take a while after the call ends)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['downloadRecording'] } },
	properties,
);

function seconds(value: unknown, fallback: number, min: number, max: number): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? Math.max(min, Math.min(max, n)) : fallback;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const conversationId = conversationIdValue(this, itemIndex);
	const binaryPropertyName = requiredString(
		this,
		itemIndex,
		'Put Output File in Field',
		this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
		'Name the binary field for the recording, e.g. data.',
	);
	if (/\s/.test(binaryPropertyName)) {
		throw fieldError(
			this,
			itemIndex,
			'Put Output File in Field',
			`"${binaryPropertyName}" contains spaces`,
		);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const wait = options.waitForRecording === true;
	const maxWaitMs = seconds(options.maxWaitSeconds, 120, 1, 3600) * 1000;
	const intervalMs = seconds(options.pollIntervalSeconds, 10, 1, 600) * 1000;
	const signal = this.getExecutionCancelSignal?.();
	const started = runtime.now();
	let checks = 0;

	for (;;) {
		checks++;
		const outcome = await downloadBinary
			.call(this, {
				path: `/v1/conversations/${encodeURIComponent(conversationId)}/recording`,
				itemIndex,
				fallbackFileName: `${conversationId}.wav`,
				fallbackMimeType: 'audio/wav',
			})
			.then(
				(binary) => ({ binary }),
				(error: unknown) => ({ error }),
			);
		if ('binary' in outcome) {
			const { binary } = outcome;
			const json: IDataObject = {
				conversation_id: conversationId,
				file_name: binary.fileName ?? `${conversationId}.wav`,
				mime_type: binary.mimeType,
				file_size: binary.fileSize ?? null,
			};
			return [{ json, binary: { [binaryPropertyName]: binary } }];
		}
		// The transport's errors already carry FormantAI's message, a hint and the item.
		if (!isFormantAiError(outcome.error, 'not_found')) throw outcome.error;
		const apiError = outcome.error as NodeApiError;
		const elapsed = runtime.now() - started;
		if (wait && elapsed + intervalMs <= maxWaitMs) {
			await pause(
				this,
				intervalMs,
				signal,
				() =>
					new NodeOperationError(
						this.getNode(),
						`The execution was cancelled while waiting for the recording of conversation ${conversationId}`,
						{ itemIndex, description: 'Nothing more was asked of FormantAI.' },
					),
			);
			continue;
		}
		if (wait) {
			apiError.message = `The recording of conversation ${conversationId} did not become available within ${Math.round(maxWaitMs / 1000)} s (${checks} checks; FormantAI's last answer: ${apiError.message})`;
			apiError.description =
				'Recordings exist only when the telephony provider returns one (calls that were not answered have none) and can lag behind the end of the call. Raise Max Wait, try again later, or check the conversation with Get.';
		} else {
			apiError.description = `FormantAI has no recording for conversation ${conversationId} (yet): it is missing when the ID is wrong, the call was not answered, or the recording is still being processed. Turn on Options → Wait Until Ready to wait for it.`;
		}
		throw apiError;
	}
}
