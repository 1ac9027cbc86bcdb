import { describe, expect, it } from 'vitest';
import { sha256Hex, signRequest } from './aws-signature-v4.ts';

// The worked examples of AWS's "Signature Calculations for the Authorization Header" (S3 API reference): their
// keys, bucket and time, and the signatures AWS publishes for them.
const key = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3' };
const at = new Date('2013-05-24T00:00:00Z');
const origin = 'https://examplebucket.s3.amazonaws.com';
const authorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

describe('AWS Signature Version 4, against the examples AWS publishes', () => {
  it('signs GET Object with a Range header', () => {
    const signed = signRequest({ method: 'GET', origin, path: '/test.txt', headers: { Range: 'bytes=0-9' } }, key, at);
    expect(signed.headers.authorization).toBe(authorization('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'));
    expect(signed.url).toBe('https://examplebucket.s3.amazonaws.com/test.txt');
    expect(signed.headers).toMatchObject({ 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(signed.headers).not.toHaveProperty('host');
  });

  it('signs PUT Object, encoding the key ($) and hashing the body', () => {
    const body = 'Welcome to Amazon S3.';
    const signed = signRequest(
      {
        method: 'PUT',
        origin,
        path: '/test$file.text',
        headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
        payloadHash: sha256Hex(body),
      },
      key,
      at,
    );
    expect(sha256Hex(body)).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(signed.headers.authorization).toBe(
      authorization('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'),
    );
    expect(signed.url).toBe('https://examplebucket.s3.amazonaws.com/test%24file.text');
  });

  it('signs GET Bucket Lifecycle (a parameter without a value)', () => {
    const signed = signRequest({ method: 'GET', origin, path: '/', query: { lifecycle: '' } }, key, at);
    expect(signed.headers.authorization).toBe(authorization('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'));
  });

  it('signs List Objects, with its parameters sorted', () => {
    const signed = signRequest({ method: 'GET', origin, path: '/', query: { prefix: 'J', 'max-keys': '2' } }, key, at);
    expect(signed.headers.authorization).toBe(authorization('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'));
    expect(signed.url).toBe('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J');
  });
});
