import { type SigningKey, sha256Hex, signRequest } from '../lib/aws-signature-v4.ts';
import type { MediaStore } from './media-store.ts';

/** Where the bucket is and who may write to it (MEDIA_S3_* settings). */
export interface S3Location {
  /** `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:9000` (MinIO), an R2 account endpoint… */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where readers fetch the files directly (the bucket's public URL or a CDN in front of it), if anywhere. */
  publicUrl?: string;
}

const TYPES: Record<string, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };

/**
 * Files in an S3-compatible bucket, by path-style URLs (`endpoint/bucket/key`, which AWS, MinIO, R2 and Ceph all
 * answer), signed with AWS Signature Version 4. Three calls and a listing do not need an SDK: the signer is
 * sixty lines, checked against AWS's published examples.
 */
export function s3MediaStore(location: S3Location, fetchImpl: typeof fetch = fetch): MediaStore {
  const origin = location.endpoint.replace(/\/+$/, '');
  const key: SigningKey = { accessKeyId: location.accessKeyId, secretAccessKey: location.secretAccessKey, region: location.region, service: 's3' };

  async function send(method: string, objectKey: string, options: { query?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {}) {
    const signed = signRequest(
      {
        method,
        origin,
        path: `/${location.bucket}${objectKey ? `/${objectKey}` : ''}`,
        ...(options.query ? { query: options.query } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body ? { payloadHash: sha256Hex(options.body) } : {}),
      },
      key,
    );
    return fetchImpl(signed.url, { method, headers: signed.headers, ...(options.body ? { body: new Uint8Array(options.body.buffer as ArrayBuffer, options.body.byteOffset, options.body.byteLength) } : {}) });
  }

  async function fail(response: Response, what: string): Promise<never> {
    const body = await response.text();
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '';
    throw new Error(`media store: ${what} answered ${response.status} ${code}`.trim());
  }

  return {
    async put(objectKey, data) {
      const type = TYPES[objectKey.split('.').pop() ?? ''] ?? 'application/octet-stream';
      // The cache header is stored with the object, for readers who fetch it from the public URL.
      const response = await send('PUT', objectKey, { body: data, headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' } });
      if (!response.ok) await fail(response, `PUT ${objectKey}`);
      await response.arrayBuffer();
    },
    async get(objectKey) {
      const response = await send('GET', objectKey);
      if (response.status === 404) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok) await fail(response, `GET ${objectKey}`);
      return Buffer.from(await response.arrayBuffer());
    },
    async removeAll(prefix) {
      // Listed a page (up to 1,000 keys) at a time and deleted one by one: an image has nine files.
      let continuation: string | undefined;
      do {
        const query: Record<string, string> = { 'list-type': '2', prefix: `${prefix}/`, ...(continuation ? { 'continuation-token': continuation } : {}) };
        const listing = await send('GET', '', { query });
        if (!listing.ok) await fail(listing, `list ${prefix}/`);
        const xml = await listing.text();
        for (const match of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) {
          const response = await send('DELETE', unescapeXml(match[1]!));
          if (!response.ok && response.status !== 404) await fail(response, `DELETE ${match[1]}`);
          await response.arrayBuffer();
        }
        continuation = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? unescapeXml(/<NextContinuationToken>([^<]*)</.exec(xml)?.[1] ?? '') : undefined;
      } while (continuation);
    },
    ...(location.publicUrl ? { urlOf: (objectKey: string) => `${location.publicUrl!.replace(/\/+$/, '')}/${objectKey}` } : {}),
  };
}

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
