import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { type S3Server, startS3Server } from '../../test/s3-server.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { uploadImage } from './media.service.ts';
import { s3MediaStore } from './s3-media-store.ts';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(() => s3.close());

const location = () => ({ endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });

describe('the S3 media store, against a real S3-compatible server that checks every signature', () => {
  it('puts, gets and removes files under a prefix, leaving the others', async () => {
    const store = s3MediaStore(location());
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await store.put('a1/480.jpeg', bytes);
    await store.put('a1/960.webp', Buffer.from('webp'));
    await store.put('b2/480.jpeg', Buffer.from('other'));
    expect(await store.get('a1/480.jpeg')).toEqual(bytes);
    expect(await store.get('a1/1600.avif')).toBeNull();

    await store.removeAll('a1');
    expect(await store.get('a1/480.jpeg')).toBeNull();
    expect(await store.get('a1/960.webp')).toBeNull();
    expect((await store.get('b2/480.jpeg'))?.toString()).toBe('other');
    expect(s3.verified).toEqual(expect.arrayContaining(['PUT /sahifa-media/a1/480.jpeg', 'DELETE /sahifa-media/a1/960.webp']));
    expect(s3.verified.some((request) => request.startsWith('GET /sahifa-media?list-type=2&prefix=a1%2F'))).toBe(true);
  });

  it('fails loudly when the server refuses the signature (a wrong secret)', async () => {
    const store = s3MediaStore({ ...location(), secretAccessKey: 'not-the-secret' });
    await expect(store.put('c3/480.jpeg', Buffer.from('x'))).rejects.toThrow('media store: PUT c3/480.jpeg answered 403 SignatureDoesNotMatch');
    await expect(store.get('b2/480.jpeg')).rejects.toThrow('403 SignatureDoesNotMatch');
  });
});

describeEachEngine('uploaded images in an S3 bucket (MEDIA_S3_*)', (database) => {
  const environment = () => ({
    SITE_URL: 'https://news.example',
    MEDIA_S3_ENDPOINT: s3.endpoint,
    MEDIA_S3_BUCKET: s3.bucket,
    MEDIA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    MEDIA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('stores every variant of an upload in the bucket and serves them at /media, or sends readers to the public URL', async () => {
    const config = loadConfig(environment());
    expect(config.mediaS3).toMatchObject({ bucket: 'sahifa-media', region: 'us-east-1' });
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#8a1c1c' } }).png().toBuffer();
    const id = await uploadImage(database.handle.db, s3MediaStore(config.mediaS3!), { data: png, originalName: 'p.png', alt: 'صورة', caption: '', credit: '' }, { id: null, name: 'محرر' });
    expect(s3.verified.filter((request) => request.startsWith(`PUT /sahifa-media/${id}/`))).toHaveLength(9); // 3 widths × 3 formats

    const app = await buildApp({ config, database: database.handle });
    apps.push(app);
    const image = await app.inject({ url: `/media/${id}/960.webp` });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect((await sharp(image.rawPayload).metadata()).width).toBe(960);
    expect((await app.inject({ url: `/media/${id}/1200.webp` })).statusCode).toBe(404);

    const cdn = await buildApp({ config: loadConfig({ ...environment(), MEDIA_S3_PUBLIC_URL: 'https://cdn.news.example/media/' }), database: database.handle });
    apps.push(cdn);
    const redirect = await cdn.inject({ url: `/media/${id}/480.avif` });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(`https://cdn.news.example/media/${id}/480.avif`);
    expect((await cdn.inject({ url: `/media/${id}/../../etc/passwd` })).statusCode).toBe(404);
  });

  it('refuses a partial configuration, naming what is missing', () => {
    expect(() => loadConfig({ MEDIA_S3_BUCKET: 'sahifa-media', MEDIA_S3_ENDPOINT: 'https://s3.example' })).toThrow(
      'an S3 media store also needs MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY',
    );
  });
});
