// Loads the regex test module (real wasm built from sdk/regex) and wraps its exports in a
// JavaScript-friendly API for the tests and the benchmark.
import { readFile } from "node:fs/promises";
import { buildWasm } from "../../support/build.ts";

export const FLAG_I = 1;
export const FLAG_S = 2;
export const FLAG_M = 4;
export const FLAG_BYTES = 8;

export type Compiled = { ok: true; handle: number } | { ok: false; error: string; offset: number };

interface Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  inputBuffer(len: number): number;
  patternBuffer(len: number): number;
  replacementBuffer(len: number): number;
  outputBuffer(): number;
  spansBuffer(): number;
  outputLength(): number;
  compile(patternLen: number, flags: number, stepLimit: number): number;
  release(handle: number): void;
  usesBacktracking(handle: number): number;
  groupCount(handle: number): number;
  groupIndex(handle: number, nameLen: number): number;
  test(handle: number, inputLen: number): number;
  testRepeatedly(handle: number, inputLen: number, times: number): number;
  execRepeatedly(handle: number, inputLen: number, times: number): number;
  exec(handle: number, inputLen: number, start: number): number;
  findAll(handle: number, inputLen: number): number;
  replace(handle: number, inputLen: number, replacementLen: number, all: number): number;
  namedGroup(handle: number, inputLen: number, nameLen: number): number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function regexWasmPath(): Promise<string> {
  return buildWasm("test/regex/fixture/entry.ts", { alsoHash: ["sdk/regex"] });
}

export class RegexEngine {
  readonly logs: string[] = [];
  private constructor(readonly exports: Exports) {}

  static async load(): Promise<RegexEngine> {
    const bytes = await readFile(await regexWasmPath());
    let engine: RegexEngine | undefined;
    const imports = {
      env: {
        proxy_log: (_level: number, ptr: number, len: number) => {
          engine?.logs.push(decoder.decode(new Uint8Array(engine.exports.memory.buffer, ptr, len)));
          return 0;
        },
      },
    };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    engine = new RegexEngine(instance.exports as unknown as Exports);
    engine.exports._initialize();
    return engine;
  }

  private write(alloc: (len: number) => number, data: Uint8Array): number {
    const ptr = alloc(data.length);
    new Uint8Array(this.exports.memory.buffer, ptr, data.length).set(data);
    return data.length;
  }

  private bytes(input: string | Uint8Array): Uint8Array {
    return typeof input === "string" ? encoder.encode(input) : input;
  }

  private output(len: number): string {
    return decoder.decode(new Uint8Array(this.exports.memory.buffer, this.exports.outputBuffer(), len));
  }

  compile(pattern: string, flags = 0, stepLimit = 0): Compiled {
    const len = this.write((n) => this.exports.patternBuffer(n), encoder.encode(pattern));
    const r = this.exports.compile(len, flags, stepLimit);
    if (r >= 0) return { ok: true, handle: r };
    return { ok: false, error: this.output(this.exports.outputLength()), offset: -1 - r };
  }

  /** Compiles or throws with the engine's message (for tests whose patterns are known good). */
  mustCompile(pattern: string, flags = 0, stepLimit = 0): number {
    const c = this.compile(pattern, flags, stepLimit);
    if (!c.ok) throw new Error(`/${pattern}/ did not compile: ${c.error} at offset ${c.offset}`);
    return c.handle;
  }

  /** 1 match, 0 no match, 2 step limit exceeded. */
  testRaw(handle: number, input: string | Uint8Array): number {
    const len = this.write((n) => this.exports.inputBuffer(n), this.bytes(input));
    return this.exports.test(handle, len);
  }

  test(handle: number, input: string | Uint8Array): boolean {
    return this.testRaw(handle, input) === 1;
  }

  /** Writes the input once (for repeated timing calls); returns its length. */
  load(input: string | Uint8Array): number {
    return this.write((n) => this.exports.inputBuffer(n), this.bytes(input));
  }

  /** Group spans [start, end] (byte offsets, -1 if unset), or null (no match), or "limit". */
  exec(handle: number, input: string | Uint8Array, start = 0): Array<[number, number]> | null | "limit" {
    const len = this.write((n) => this.exports.inputBuffer(n), this.bytes(input));
    const n = this.exports.exec(handle, len, start);
    if (n === -2) return "limit";
    if (n < 0) return null;
    const spans = new Int32Array(this.exports.memory.buffer, this.exports.spansBuffer(), 2 * n);
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) out.push([spans[2 * i], spans[2 * i + 1]]);
    return out;
  }

  findAll(handle: number, input: string | Uint8Array): Array<[number, number]> {
    const len = this.write((n) => this.exports.inputBuffer(n), this.bytes(input));
    const n = this.exports.findAll(handle, len);
    const spans = new Int32Array(this.exports.memory.buffer, this.exports.spansBuffer(), 2 * n);
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) out.push([spans[2 * i], spans[2 * i + 1]]);
    return out;
  }

  replace(handle: number, input: string, replacement: string, all = true): string {
    const len = this.write((n) => this.exports.inputBuffer(n), encoder.encode(input));
    const rlen = this.write((n) => this.exports.replacementBuffer(n), encoder.encode(replacement));
    return this.output(this.exports.replace(handle, len, rlen, all ? 1 : 0));
  }

  named(handle: number, input: string, name: string): string | null {
    const len = this.write((n) => this.exports.inputBuffer(n), encoder.encode(input));
    const nlen = this.write((n) => this.exports.patternBuffer(n), encoder.encode(name));
    const r = this.exports.namedGroup(handle, len, nlen);
    return r < 0 ? null : this.output(r);
  }

  groupIndex(handle: number, name: string): number {
    const nlen = this.write((n) => this.exports.patternBuffer(n), encoder.encode(name));
    return this.exports.groupIndex(handle, nlen);
  }

  release(handle: number): void {
    this.exports.release(handle);
  }
}
