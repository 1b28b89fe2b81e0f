// A stand-in `docker` command for tests on machines without a Docker engine: it records every call
// and answers like a healthy engine with Compose v2 (or however a test scripts it).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Answers `info`, `compose version`, and any `compose -p … -f …` subcommand (ps prints one running envoy). */
export const HEALTHY_DOCKER = `
case "$1 $2" in
  "info --format") echo "28.2.2" ;;
  "compose version") echo "Docker Compose version v2.40.0" ;;
  compose\\ -p) case " $* " in
      *" ps "*) echo '[{"Service":"envoy","State":"running"}]' ;;
      *) ;;
    esac ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac`;

export class FakeDocker {
  readonly bin: string;
  readonly callLog: string;
  private readonly originalPath = process.env.PATH;

  constructor(dir: string) {
    this.bin = path.join(dir, "bin");
    this.callLog = path.join(dir, "docker-calls.log");
    mkdirSync(this.bin, { recursive: true });
    writeFileSync(this.callLog, "");
  }

  /** Puts a `docker` with this bash body ("$@" are its arguments) first on PATH. */
  install(body: string = HEALTHY_DOCKER): void {
    const script = path.join(this.bin, "docker");
    writeFileSync(script, `#!/bin/bash\necho "$*" >> ${JSON.stringify(this.callLog)}\n${body}\n`);
    chmodSync(script, 0o755);
    process.env.PATH = `${this.bin}:${this.originalPath}`;
  }

  calls(): string[] {
    return readFileSync(this.callLog, "utf8").split("\n").filter(Boolean);
  }

  clearCalls(): void {
    writeFileSync(this.callLog, "");
  }

  uninstall(): void {
    process.env.PATH = this.originalPath;
  }
}
