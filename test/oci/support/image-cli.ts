// Runs `proxyscript image …` through the same commander setup and error convention as
// harness/cli/main.ts (UserError → one line on stderr, exit 2), with only the image command
// registered: in-process (`runImageCli`, fast) or as a child process (this file as the script).
import { Command, CommanderError } from "commander";
import { UserError } from "../../../harness/cli/errors.ts";
import { register } from "../../../harness/cli/commands/image.ts";

export async function runImageCommand(args: string[], out: { stdout(s: string): void; stderr(s: string): void }): Promise<number> {
  const program = new Command("proxyscript").exitOverride().configureOutput({ writeErr: out.stderr, writeOut: out.stdout });
  register(program);
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      out.stderr(`proxyscript: ${err.message}\n`);
      return 2;
    }
    out.stderr(`proxyscript: internal error: ${(err as Error).stack}\n`);
    return 1;
  }
}

/** In-process run; captures what the command writes to process.stdout. */
export async function runImageCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await runImageCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = realWrite;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runImageCommand(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
