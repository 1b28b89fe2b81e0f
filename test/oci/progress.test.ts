// Upload progress: one line per blob, rewritten in place on a terminal; nothing when disabled.
import { afterEach, expect, it, vi } from "vitest";
import { formatBytes, stderrProgress } from "../../harness/oci/progress.ts";

afterEach(() => vi.restoreAllMocks());

it("rewrites the current line for the same blob and starts a new one for the next", () => {
  const writes: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation(((s: string) => (writes.push(s), true)) as never);
  const progress = stderrProgress(true);
  progress.update("uploading aaa", 0, 2048);
  progress.update("uploading aaa", 2048, 2048);
  progress.update("uploading bbb", 512, 1024);
  progress.finish();
  expect(writes).toEqual([
    "uploading aaa 0 B/2.0 KiB 0%",
    "\r\x1b[2Kuploading aaa 2.0 KiB/2.0 KiB 100%",
    "\nuploading bbb 512 B/1.0 KiB 50%",
    "\n",
  ]);
});

it("writes nothing when disabled (not a TTY, or --json)", () => {
  const write = vi.spyOn(process.stderr, "write").mockImplementation((() => true) as never);
  const progress = stderrProgress(false);
  progress.update("uploading aaa", 1, 2);
  progress.finish();
  expect(write).not.toHaveBeenCalled();
  expect(formatBytes(3 * 1024 * 1024 + 1)).toBe("3.0 MiB");
});
