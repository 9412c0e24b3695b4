export interface MultipartFile {
	field: string;
	filename: string;
	contentType: string;
	data: Buffer;
}

export interface MultipartBody {
	fields: Record<string, string>;
	files: MultipartFile[];
}

/** Boundary from a `multipart/form-data; boundary=...` header, or null when not multipart. */
export function multipartBoundary(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]).trim() : null;
}

function parseHeaders(block: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of block.split('\r\n')) {
		const i = line.indexOf(':');
		if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	return out;
}

function dispositionParam(disposition: string, name: string): string | undefined {
	// filename*=UTF-8''… (RFC 5987) wins over filename=…
	if (name === 'filename') {
		const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
		if (star) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
	}
	const m = new RegExp(`(?:^|;)\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(
		disposition,
	);
	if (!m) return undefined;
	return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
}

/**
 * Small RFC 7578 parser working on raw bytes (files may be binary). Throws on malformed input.
 * Part headers are decoded as UTF-8 so non-ASCII filenames survive.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
	const delim = Buffer.from(`--${boundary}`);
	const result: MultipartBody = { fields: {}, files: [] };
	let pos = body.indexOf(delim);
	if (pos < 0) throw new Error('multipart boundary not found');
	for (;;) {
		pos += delim.length;
		// "--" after a delimiter closes the body.
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) throw new Error('multipart part without headers');
		const headers = parseHeaders(body.toString('utf8', pos, headerEnd));
		const contentStart = headerEnd + 4;
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), contentStart);
		if (next < 0) throw new Error('multipart body not terminated');
		const data = body.subarray(contentStart, next);
		const disposition = headers['content-disposition'] ?? '';
		const name = dispositionParam(disposition, 'name');
		if (name === undefined) throw new Error('multipart part without a name');
		const filename = dispositionParam(disposition, 'filename');
		if (filename !== undefined) {
			result.files.push({
				field: name,
				filename,
				contentType: headers['content-type'] ?? 'application/octet-stream',
				data: Buffer.from(data),
			});
		} else {
			result.fields[name] = data.toString('utf8');
		}
		pos = next + 2;
	}
	return result;
}
