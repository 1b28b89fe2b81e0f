// A parsed YAML (or JSON) text that remembers where each field is, so errors can say line:column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { GatewayIssue } from "./errors.ts";
import type { PathSegment } from "./field-path.ts";

export interface Position {
  line: number;
  col: number;
}

export class YamlSource {
  readonly value: unknown;
  readonly parseIssues: GatewayIssue[];
  readonly file: string;
  private readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(text: string, file: string) {
    this.file = file;
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    this.parseIssues = this.doc.errors.map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return { file, line: pos.line, col: pos.col, path: "", message: firstLine(e.message) };
    });
    this.value = this.parseIssues.length ? undefined : this.toValue();
  }

  private toValue(): unknown {
    try {
      // The alias limit stops "billion laughs" documents from expanding without bound.
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      this.parseIssues.push({ file: this.file, path: "", message: `cannot read the YAML: ${firstLine((e as Error).message)}` });
      return undefined;
    }
  }

  /** Position of the value at `path`, or of the deepest ancestor that exists. With `key`, of that key. */
  positionOf(path: readonly PathSegment[], options: { key?: boolean } = {}): Position | undefined {
    let node: unknown = this.doc.contents;
    let best = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        if (options.key && i === path.length - 1) {
          best = rangeStart(pair.key) ?? best;
          break;
        }
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
      } else {
        break;
      }
      best = rangeStart(node) ?? best;
    }
    if (best === undefined) return undefined;
    const pos = this.lines.linePos(best);
    return { line: pos.line, col: pos.col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
