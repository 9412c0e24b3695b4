import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CHUNK_BYTES, FilePart } from './filePart';
import type { ApiRequest } from './request';
import { formantAiRequestFull } from './request';

/** Content-Disposition's file name, if the server gave one. */
export function fileNameFromDisposition(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
		} catch {
			// fall through to the plain parameter
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
	const name = plain ? (plain[2] ?? plain[1]).trim() : '';
	return name || undefined;
}

export interface DownloadOptions {
	path: string;
	itemIndex?: number;
	/** Used when the response does not name the file. */
	fallbackFileName: string;
	/** Used when the response has no usable Content-Type. */
	fallbackMimeType: string;
	retry?: ApiRequest['retry'];
	timeoutMs?: ApiRequest['timeoutMs'];
}

/**
 * Downloads a file into n8n's binary data, streaming it (in filesystem mode it goes straight to
 * disk, so a large recording is never held in memory whole).
 */
export async function downloadBinary(
	this: IExecuteFunctions | IWebhookFunctions,
	options: DownloadOptions,
): Promise<IBinaryData> {
	const response = await formantAiRequestFull.call(this, {
		method: 'GET',
		path: options.path,
		response: 'stream',
		itemIndex: options.itemIndex,
		retry: options.retry,
		timeoutMs: options.timeoutMs,
	});
	const headers = response.headers;
	const disposition = headers['content-disposition'];
	const fileName =
		fileNameFromDisposition(Array.isArray(disposition) ? disposition[0] : disposition) ??
		options.fallbackFileName;
	const rawType = headers['content-type'];
	const contentType = String(Array.isArray(rawType) ? rawType[0] : (rawType ?? ''))
		.split(';')[0]
		.trim();
	const mimeType =
		contentType && contentType !== 'application/octet-stream'
			? contentType
			: options.fallbackMimeType;
	return await this.helpers.prepareBinaryData(
		response.body as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
		fileName,
		mimeType,
	);
}

export interface UploadFile {
	/** Form field name, e.g. `file` or `audio`. */
	field: string;
	/** The bytes, or a part read from n8n's binary store only while the request sends it. */
	data: Uint8Array | FilePart;
	fileName: string;
	mimeType: string;
}

/** A multipart body from text fields and one file, as native FormData (no extra packages). */
export function buildForm(fields: Record<string, string | undefined>, file: UploadFile): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (value !== undefined) form.append(name, value);
	}
	// The part carries its file name: FormData keeps a File appended without one as it is.
	const part =
		file.data instanceof FilePart
			? file.data.named(file.fileName, file.mimeType)
			: FilePart.fromBytes(file.data, file.fileName, file.mimeType);
	form.append(file.field, part);
	return form;
}

/**
 * Reads a binary property of an input item as an upload (see `binaryPart`); an empty file is
 * refused before anything is sent.
 */
export async function binaryUpload(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	field: string,
): Promise<UploadFile & { data: FilePart; binary: IBinaryData }> {
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const fileName = binary.fileName ?? `${field}.bin`;
	const mimeType = binary.mimeType || 'application/octet-stream';
	const data = await binaryPart(this, itemIndex, binaryPropertyName, binary, fileName, mimeType);
	if (data.size === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Binary field "${binaryPropertyName}": the file "${binary.fileName ?? 'unnamed'}" is empty [item ${itemIndex}]`,
			{ itemIndex, description: 'Pass a file with content, or check the node that produced it.' },
		);
	}
	return { field, data, fileName, mimeType, binary };
}

/**
 * A binary property of an input item as an unread part. A file in n8n's filesystem, database or
 * S3 store (it has an id) is streamed from the store each time the part is read, its size from
 * the store's metadata; a file in memory (n8n's default mode) is read from its bytes in chunks.
 * Nothing is copied whole.
 */
export async function binaryPart(
	ctx: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	binary: IBinaryData,
	fileName: string,
	mimeType: string,
): Promise<FilePart> {
	const id = binary.id;
	if (!id) {
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
		return FilePart.fromBytes(bytes, fileName, mimeType);
	}
	const { fileSize } = await ctx.helpers.getBinaryMetadata(id);
	return new FilePart(
		fileSize,
		fileName,
		mimeType,
		async () => await ctx.helpers.getBinaryStream(id, CHUNK_BYTES),
	);
}
