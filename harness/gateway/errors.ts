// Errors in a gateway file: each issue names the file, the line:column when known, the field path
// and what was expected. A GatewayError is a UserError, so the CLI prints it and exits 2.
import { UserError } from "../cli/errors.ts";

export interface GatewayIssue {
  /** File the issue is in (the gateway file, or a config/schema file it names). */
  file: string;
  /** 1-based position, when the YAML parser could place the field. */
  line?: number;
  col?: number;
  /** Field path in the file's own spelling, e.g. `filters[1].config`; "" for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: GatewayIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.col ?? 1}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export class GatewayError extends UserError {
  readonly issues: GatewayIssue[];
  constructor(issues: GatewayIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "GatewayError";
    this.issues = issues;
  }
}
