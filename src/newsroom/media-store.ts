import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where image files live. The embedded default is a folder (`DATA_DIR/media`); an S3-compatible bucket
 * (`s3-media-store.ts`, chosen by the MEDIA_S3_* settings) implements the same three calls.
 */
export interface MediaStore {
  put(key: string, data: Buffer): Promise<void>;
  /** The file's bytes, or null when there is no such file. */
  get(key: string): Promise<Buffer | null>;
  /** Removes every file under `prefix/`. */
  removeAll(prefix: string): Promise<void>;
  /** Where readers can fetch a file directly (a bucket's public URL, a CDN); absent: the site serves the bytes. */
  urlOf?(key: string): string;
}

/** Files under one directory; keys are relative paths made by the media service (never from a request). */
export function folderMediaStore(root: string): MediaStore {
  const resolve = (key: string) => {
    const file = path.resolve(root, key);
    if (!file.startsWith(path.resolve(root) + path.sep)) throw new Error(`media key outside the store: ${key}`);
    return file;
  };
  return {
    async put(key, data) {
      const file = resolve(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Written under a temporary name and renamed, so a reader never gets half a file.
      await fs.writeFile(`${file}.tmp`, data);
      await fs.rename(`${file}.tmp`, file);
    },
    async get(key) {
      try {
        return await fs.readFile(resolve(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async removeAll(prefix) {
      await fs.rm(resolve(prefix), { recursive: true, force: true });
    },
  };
}
