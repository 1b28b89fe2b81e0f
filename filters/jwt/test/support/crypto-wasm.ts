// Loads the crypto test entry (fixture/crypto-entry.ts) compiled to real wasm and wraps its
// exports so tests can pass byte arrays.
import { readFile } from "node:fs/promises";
import { buildWasm } from "../../../../test/support/build.ts";

export interface CryptoWasm {
  digest(bits: number, data: Uint8Array): Uint8Array;
  /** Each returns 1 (valid), 0 (invalid) or -1 (unusable key); `iterations` repeats it for timing. */
  hmac(bits: number, key: Uint8Array, msg: Uint8Array, tag: Uint8Array, tagSize: number, iterations?: number): number;
  rsa(pss: boolean, bits: number, n: Uint8Array, e: Uint8Array, msg: Uint8Array, sig: Uint8Array, iterations?: number): number;
  ecdsa(curveBits: number, x: Uint8Array, y: Uint8Array, msg: Uint8Array, sig: Uint8Array, iterations?: number): number;
  ed25519(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, iterations?: number): number;
  exports: Record<string, unknown>;
}

/** Every import the module asks for becomes a stub that traps if called: the crypto needs no host. */
// proxy_log is kept so an abort's message (logged before the trap) shows up in the error.
function stubImports(module: WebAssembly.Module, memory: () => WebAssembly.Memory, logs: string[]): WebAssembly.Imports {
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = imp.kind !== "function" ? undefined
      : imp.name === "proxy_log" ? (_level: number, ptr: number, len: number) => { logs.push(Buffer.from(memory().buffer, ptr, len).toString()); return 0; }
      : (...args: unknown[]) => { throw new Error(`host call ${imp.module}.${imp.name}(${args.join(",")}) from crypto code`); };
  }
  return imports as WebAssembly.Imports;
}

export interface TestModule {
  exports: Record<string, any>;
  /** Writes the arguments one after another into the module's INPUT and returns (offset, length) pairs. */
  place(...parts: (Uint8Array | string)[]): number[];
  /** `len` bytes at the start of INPUT. */
  output(len: number): Uint8Array;
}

/** Instantiates a test entry that exports inputPtr() and takes (offset, length) arguments. */
export async function instantiateTestModule(wasmBytes: BufferSource): Promise<TestModule> {
  const module = await WebAssembly.compile(wasmBytes);
  const logs: string[] = [];
  let mem: WebAssembly.Memory | undefined;
  const instance = await WebAssembly.instantiate(module, stubImports(module, () => mem!, logs));
  const raw = instance.exports as Record<string, any>;
  mem = raw.memory as WebAssembly.Memory;
  // Traps carry the abort message the module logged just before. After each call the module
  // collects (its collect() export), as the SDK does after each proxy-wasm callback.
  const ex: Record<string, any> = {};
  for (const [name, value] of Object.entries(raw)) {
    ex[name] = typeof value !== "function" ? value : (...args: unknown[]) => {
      logs.length = 0;
      try {
        const result = value(...args);
        if (name !== "collect") raw.collect?.();
        return result;
      } catch (e) { throw new Error(`${name}: ${(e as Error).message} ${logs.join(" | ")}`); }
    };
  }
  if (typeof ex._initialize === "function") ex._initialize();
  const memory = ex.memory as WebAssembly.Memory;
  const base = Number(ex.inputPtr());
  const place = (...parts: (Uint8Array | string)[]): number[] => {
    const view = new Uint8Array(memory.buffer, base, 1 << 20);
    const out: number[] = [];
    let off = 0;
    for (const part of parts) {
      const p = typeof part === "string" ? Buffer.from(part, "utf8") : part;
      if (off + p.length > view.length) throw new Error(`test input of ${off + p.length} bytes exceeds the 1 MiB INPUT buffer`);
      view.set(p, off);
      out.push(off, p.length);
      off += p.length;
    }
    return out;
  };
  return { exports: ex, place, output: (len) => new Uint8Array(memory.buffer, base, len).slice() };
}

export async function instantiateCrypto(wasmBytes: BufferSource): Promise<CryptoWasm> {
  const { exports: ex, place, output } = await instantiateTestModule(wasmBytes);
  return {
    exports: ex,
    digest(bits, data) {
      return output(ex.digestInto(bits, ...place(data)));
    },
    hmac: (bits, key, msg, tag, tagSize, iterations = 1) => ex.hmacCheck(bits, ...place(key, msg, tag), tagSize, iterations),
    rsa: (pss, bits, n, e, msg, sig, iterations = 1) => ex.rsaCheck(pss ? 1 : 0, bits, ...place(n, e, msg, sig), iterations),
    ecdsa: (curveBits, x, y, msg, sig, iterations = 1) => ex.ecdsaCheck(curveBits, ...place(x, y, msg, sig), iterations),
    ed25519: (pk, msg, sig, iterations = 1) => ex.ed25519Check(...place(pk, msg, sig), iterations),
  };
}

export async function loadCryptoWasm(): Promise<CryptoWasm> {
  const path = await buildWasm("filters/jwt/test/fixture/crypto-entry.ts", { alsoHash: ["filters/jwt"] });
  return instantiateCrypto(await readFile(path));
}

export interface JwtWasm {
  /** -1: key set unusable; 0: valid; otherwise the filter's JwtStatus number. */
  verify(token: string, keys: string, nowSeconds: number, skewSeconds: number, jwsOnly?: boolean): number;
  keySetUsable(keys: string): boolean;
}

export async function loadJwtWasm(): Promise<JwtWasm> {
  const path = await buildWasm("filters/jwt/test/fixture/jwt-entry.ts", { alsoHash: ["filters/jwt"] });
  const { exports: ex, place } = await instantiateTestModule(await readFile(path));
  return {
    verify: (token, keys, now, skew, jwsOnly = false) => ex.verifyToken(...place(token, keys), BigInt(now), BigInt(skew), jwsOnly ? 1 : 0),
    keySetUsable: (keys) => ex.keySetUsable(...place(keys)) === 1,
  };
}
