import { createHash, createHmac } from 'node:crypto';

/** Who signs, and for which region and service (`s3`). */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

/** A request to sign. `path` is not encoded yet ("/bucket/photos/a b.jpeg"); each segment is encoded here. */
export interface UnsignedRequest {
  method: string;
  /** `https://host[:port]`: the Host header every HTTP client sends for it is signed. */
  origin: string;
  path: string;
  query?: Record<string, string>;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (e.g. content-type). */
  headers?: Record<string, string>;
  /** The body's SHA-256 in hex; the hash of nothing for GET and DELETE. */
  payloadHash?: string;
}

export interface SignedRequest {
  /** The URL to send, encoded as it was signed. */
  url: string;
  /** Every header to send (without Host, which the client derives from the URL as it was signed). */
  headers: Record<string, string>;
}

export const EMPTY_PAYLOAD_HASH = createHash('sha256').update('').digest('hex');

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** RFC 3986 encoding, as AWS asks: every byte but A–Z a–z 0–9 - _ . ~ (encodeURIComponent leaves ! ' ( ) * too). */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Signs a request with AWS Signature Version 4 (Authorization header), as S3 and every S3-compatible store
 * (MinIO, R2, Spaces, Ceph) check it. `now` is the signing time; a store refuses one more than 15 minutes off.
 */
export function signRequest(request: UnsignedRequest, key: SigningKey, now = new Date()): SignedRequest {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = request.payloadHash ?? EMPTY_PAYLOAD_HASH;
  const canonicalPath = request.path.split('/').map(encode).join('/');
  const canonicalQuery = Object.entries(request.query ?? {})
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers['host'] = new URL(request.origin).host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${key.region}/${key.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), key.region), key.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  const { host: _host, ...toSend } = headers;
  return {
    url: `${request.origin}${canonicalPath}${canonicalQuery ? `?${canonicalQuery}` : ''}`,
    headers: {
      ...toSend,
      authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
    },
  };
}
