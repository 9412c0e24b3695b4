import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { claimEvent } from './dedupe';
import type { FormantAiEvent } from './event';
import { simplifyEvent } from './event';
import { fetchRecording } from './recording';

function isEvent(json: IDataObject): json is FormantAiEvent {
	return typeof json.event_id === 'string' && typeof json.event_type === 'string';
}

/**
 * The trigger's part inside the execution (on a worker in queue mode), after n8n has recorded the
 * execution and answered FormantAI: claim the event once, then shape the item and attach the
 * recording. A copy of an event already claimed gives no items, so nothing after the trigger runs.
 * Manual runs ("Listen for test event") always show the event.
 */
export async function triggerExecute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const event = items[itemIndex].json;
		if (!isEvent(event)) {
			output.push(items[itemIndex]);
			continue;
		}
		if (this.getMode() !== 'manual' && !(await claimEvent.call(this, event.event_id))) continue;

		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		const json: IDataObject = simplify ? simplifyEvent(event) : { ...event };
		if (simplify) {
			json.signature_verified =
				this.getNodeParameter('authentication', itemIndex, 'webhookSecret') !== 'none';
		}
		const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
		if (this.getNodeParameter('attachRecording', itemIndex, false) as boolean) {
			const field = String(
				this.getNodeParameter('binaryPropertyName', itemIndex, 'data') || 'data',
			);
			const recording = await fetchRecording.call(this, event);
			json.recording_status = recording.status;
			if (recording.binary) item.binary = { [field]: recording.binary };
			if (recording.error) json.recording_error = recording.error;
		}
		output.push(item);
	}
	return [output];
}
