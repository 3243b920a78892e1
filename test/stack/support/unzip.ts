/** Reads one entry of a zip archive (stored or deflated), enough to look inside the packaged artifacts. */
import { inflateRawSync } from "node:zlib";

export class ZipEntryNotFoundError extends Error {
  override readonly name = "ZipEntryNotFoundError";
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER_BYTES = 30;

/** The names of every entry, in central-directory order. */
export function zipEntryNames(zip: Buffer): string[] {
  return centralEntries(zip).map((entry) => entry.name);
}

export function readZipEntry(zip: Buffer, name: string): Buffer {
  const entry = centralEntries(zip).find((candidate) => candidate.name === name);
  if (!entry) throw new ZipEntryNotFoundError(`no entry ${name} in the archive`);
  const nameLength = zip.readUInt16LE(entry.localHeaderOffset + 26);
  const extraLength = zip.readUInt16LE(entry.localHeaderOffset + 28);
  const start = entry.localHeaderOffset + LOCAL_HEADER_BYTES + nameLength + extraLength;
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 0 ? Buffer.from(data) : inflateRawSync(data);
}

interface CentralEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

function centralEntries(zip: Buffer): CentralEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY)
    throw new ZipEntryNotFoundError("not a zip archive");
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count && zip.readUInt32LE(offset) === CENTRAL_DIRECTORY_ENTRY; i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
