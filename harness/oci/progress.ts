// Upload/download progress on stderr: one line per blob, rewritten in place on a terminal,
// silent when stderr is not a TTY or output is JSON (so scripts and CI logs stay clean).

export interface Progress {
  update(label: string, done: number, total: number): void;
  finish(): void;
}

export const silentProgress: Progress = { update() {}, finish() {} };

export function stderrProgress(enabled: boolean = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return silentProgress;
  let lastLabel: string | undefined;
  return {
    update(label, done, total) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      const line = `${label} ${formatBytes(done)}/${formatBytes(total)} ${percent}%`;
      process.stderr.write(`${label === lastLabel ? "\r\x1b[2K" : lastLabel ? "\n" : ""}${line}`);
      lastLabel = label;
    },
    finish() {
      if (lastLabel) process.stderr.write("\n");
      lastLabel = undefined;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
