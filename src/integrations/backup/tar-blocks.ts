import { Header, Pax } from 'tar';

const BLOCK = 512;

/** Two zero blocks end a tar archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

export interface FileHeader {
  path: string;
  size: number;
  mode: number;
  mtime: Date;
  uid?: number;
  gid?: number;
}

/**
 * The header block(s) of a regular file. node-tar encodes them: ustar's split of long names,
 * and a pax header where ustar cannot hold a field (a volume's path easily passes 100 characters).
 */
export function fileHeader(file: FileHeader): Buffer {
  const fields = { ...file, mode: file.mode & 0o7777 };
  const header = new Header({ ...fields, type: 'File' });
  const needsPax = header.encode();
  if (!header.block) throw new Error(`could not encode a tar header for ${file.path}`);
  return needsPax ? Buffer.concat([new Pax(fields).encode(), header.block]) : header.block;
}

/** The zeros that fill a file's last block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}
