/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: an in-memory stand-in for n8n's database binary store, never shipped */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

import type { BinaryData } from 'n8n-core';

interface Row {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

/**
 * n8n's binary store for `N8N_DEFAULT_BINARY_DATA_MODE=database`, with a Map in place of the
 * `binary_data` table. It keeps the contract of n8n 2.41's own database manager (in the `n8n`
 * package, which tests cannot load): files stored whole, ids `database:<uuid>`, the size in the
 * metadata, and `getAsStream` a stream over the row's bytes (the database hands them back whole).
 */
export class TestDatabaseBinaryManager implements BinaryData.Manager {
	readonly rows = new Map<string, Row>();

	async init(): Promise<void> {}

	async store(
		_location: BinaryData.FileLocation,
		bufferOrStream: Buffer | Readable,
		metadata: BinaryData.PreWriteMetadata,
	): Promise<BinaryData.WriteResult> {
		const data = Buffer.isBuffer(bufferOrStream) ? bufferOrStream : await collect(bufferOrStream);
		const fileId = randomUUID();
		this.rows.set(fileId, { data, fileName: metadata.fileName, mimeType: metadata.mimeType });
		return { fileId, fileSize: data.length };
	}

	getPath(fileId: string): string {
		return `database://${fileId}`;
	}

	async getAsBuffer(fileId: string): Promise<Buffer> {
		return this.row(fileId).data;
	}

	async getAsStream(fileId: string): Promise<Readable> {
		return Readable.from(this.row(fileId).data);
	}

	async getMetadata(fileId: string): Promise<BinaryData.Metadata> {
		const { fileName, mimeType, data } = this.row(fileId);
		return { fileName, mimeType, fileSize: data.length };
	}

	async copyByFileId(_target: BinaryData.FileLocation, sourceFileId: string): Promise<string> {
		const fileId = randomUUID();
		this.rows.set(fileId, { ...this.row(sourceFileId) });
		return fileId;
	}

	async copyByFilePath(): Promise<BinaryData.WriteResult> {
		throw new Error('copyByFilePath is not used by these tests');
	}

	async rename(oldFileId: string, newFileId: string): Promise<void> {
		this.rows.set(newFileId, this.row(oldFileId));
		this.rows.delete(oldFileId);
	}

	private row(fileId: string): Row {
		const row = this.rows.get(fileId);
		if (!row) throw new Error(`no binary data row ${fileId}`);
		return row;
	}
}

async function collect(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
