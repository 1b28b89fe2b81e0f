// Files embedded at build time (CRS rules, .data files, crs-setup.conf): Envoy gives a filter no
// file access, so harness/build/crs.ts generates an entry that registers them at start-up.
import { FileSet } from "./seclang/parse-rule";

const files = new FileSet();

/** Called by the generated CRS entry's top-level code, before any configuration. */
export function registerEmbeddedFiles(names: string[], contents: string[]): void {
  for (let i = 0; i < names.length; i++) files.add(names[i], contents[i]);
}

export function embeddedFiles(): FileSet {
  return files;
}
