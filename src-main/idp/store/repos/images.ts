import type { Database } from '../database';

/** An uploaded picture, named `authgearimages:///<app>/<object>` in standard attributes. */
export interface ImageFile {
  appId: string;
  objectId: string;
  contentType: string;
  data: Uint8Array;
  createdAt: number;
}

export class ImageRepo {
  constructor(private readonly db: Database) {}

  insert(f: ImageFile): void {
    this.db.run('INSERT INTO image_file (app_id, object_id, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)', [f.appId, f.objectId, f.contentType, f.data.length, f.data, f.createdAt]);
  }

  get(appId: string, objectId: string): ImageFile | undefined {
    const r = this.db.get<any>('SELECT * FROM image_file WHERE app_id = ? AND object_id = ?', [appId, objectId]);
    return r && { appId: r.app_id, objectId: r.object_id, contentType: r.content_type, data: r.data, createdAt: r.created_at };
  }
}
