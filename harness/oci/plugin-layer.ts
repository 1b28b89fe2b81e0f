// The compat variant's single layer: a tar+gzip holding `plugin.wasm`, made byte-for-byte
// reproducible (fixed mtime, uid/gid 0, no user names, one entry, gzip without time or name), and
// the reverse: reading plugin.wasm back out the way Envoy Gateway's fetcher does.
import { Header, Parser, type ReadEntry } from "tar";
import { gunzipSync, gzipSync } from "node:zlib";
import path from "node:path";
import { PLUGIN_FILE_NAME } from "./media-types.ts";

const BLOCK = 512;
/** Envoy Gateway refuses layers over 256 MiB; so do we. */
export const MAX_WASM_SIZE = 256 * 1024 * 1024;
/** gzip header byte 9 names the OS; zlib writes 3 on Linux and 19 on macOS. 255 = unknown, everywhere. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNKNOWN = 255;

export interface PluginLayer {
  /** The uncompressed tar (its digest is the config's diff_id). */
  tar: Uint8Array;
  /** The tar+gzip blob pushed to the registry. */
  gzip: Uint8Array;
}

export function buildPluginLayer(wasm: Uint8Array): PluginLayer {
  const header = new Header({
    path: PLUGIN_FILE_NAME,
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: "",
    gname: "",
    size: wasm.length,
    mtime: new Date(0),
    type: "File",
  });
  const headerBlock = Buffer.alloc(BLOCK);
  header.encode(headerBlock, 0);
  const padding = (BLOCK - (wasm.length % BLOCK)) % BLOCK;
  // Header, content padded to a block, then the two zero blocks that end an archive.
  const tar = Buffer.concat([headerBlock, wasm, Buffer.alloc(padding), Buffer.alloc(2 * BLOCK)]);
  const gzip = gzipSync(tar, { level: 9 });
  gzip[GZIP_OS_OFFSET] = GZIP_OS_UNKNOWN;
  return { tar, gzip };
}

/**
 * Finds plugin.wasm (at any depth, as the fetchers match on the base name) in a tar+gzip layer.
 * Throws a precise error when the layer is not gzip, not tar, or has no plugin.wasm.
 */
export function extractPluginWasm(layer: Uint8Array): Uint8Array {
  let tar: Buffer;
  try {
    tar = gunzipSync(layer, { maxOutputLength: MAX_WASM_SIZE + 1024 * 1024 });
  } catch (error) {
    throw new Error(`the layer is not a valid gzip stream: ${(error as Error).message}`);
  }
  const found: Buffer[] = [];
  const names: string[] = [];
  let failure: string | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      names.push(entry.path);
      if (found.length === 0 && entry.type === "File" && path.posix.basename(entry.path) === PLUGIN_FILE_NAME) {
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => found.push(Buffer.concat(chunks)));
      } else {
        entry.resume();
      }
    },
  });
  parser.on("error", (e: Error) => { failure = e.message; });
  parser.on("warn", (_code: string, message: string | Error) => { failure ??= String(message); });
  parser.end(tar);
  // Parser.end on a Buffer processes synchronously.
  if (found.length > 0) return new Uint8Array(found[0]);
  if (failure) throw new Error(`the layer is not a valid tar archive: ${failure}`);
  throw new Error(`${PLUGIN_FILE_NAME} not found in the layer (it holds: ${names.length ? names.join(", ") : "nothing"})`);
}
