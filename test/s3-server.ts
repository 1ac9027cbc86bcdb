import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import aws4 from 'aws4';
import S3rver from 's3rver';

export interface S3Server {
  /** `http://127.0.0.1:<port>`: the endpoint to give the store. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Requests whose signature checked out, as `METHOD /path?query`. */
  readonly verified: string[];
  close(): Promise<void>;
}

/**
 * A real S3-compatible server on loopback (s3rver: buckets in a temporary folder, the S3 REST API and its XML),
 * behind a gate that checks every request's AWS Signature Version 4 with an independent signer (the aws4
 * package) and answers 403 SignatureDoesNotMatch, as S3 does, when it differs: s3rver itself does not check V4.
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-s3-'));
  const bucket = 'sahifa-media';
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port: s3Port } = await s3.run();
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const verified: string[] = [];

  const gate = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const given = String(request.headers.authorization ?? '');
      const signedNames = /SignedHeaders=([^,]+)/.exec(given)?.[1]?.split(';') ?? [];
      const headers = Object.fromEntries(signedNames.filter((name) => name !== 'host').map((name) => [name, String(request.headers[name] ?? '')]));
      // The body is checked against the hash that was signed; aws4 would add headers of its own for a body.
      const expected = aws4.sign({ host: request.headers.host!, path: request.url!, method: request.method!, service: 's3', region: 'us-east-1', headers }, credentials);
      const signature = (authorization: string) => /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];
      const bodyMatches = createHash('sha256').update(body).digest('hex') === request.headers['x-amz-content-sha256'];
      if (!signature(given) || signature(given) !== signature(String(expected.headers?.Authorization)) || !bodyMatches) {
        response.writeHead(403, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code></Error>');
        return;
      }
      verified.push(`${request.method} ${request.url}`);
      const forwarded = http.request({ host: '127.0.0.1', port: s3Port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  const { port } = gate.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    ...credentials,
    verified,
    async close() {
      await new Promise((resolve) => gate.close(resolve));
      await s3.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
