// Loads the crypto test entry (fixture/crypto-entry.ts) compiled to real wasm and wraps its
// exports so tests can pass byte arrays.
import { buildWasm } from "../../../../test/support/build.ts";

export interface CryptoWasm {
  digest(bits: number, data: Uint8Array): Uint8Array;
  hmac(bits: number, key: Uint8Array, msg: Uint8Array, tag: Uint8Array, tagSize: number): number;
  rsa(pss: boolean, bits: number, n: Uint8Array, e: Uint8Array, msg: Uint8Array, sig: Uint8Array): number;
  ecdsa(curveBits: number, x: Uint8Array, y: Uint8Array, msg: Uint8Array, sig: Uint8Array): number;
  ed25519(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): number;
  exports: Record<string, unknown>;
}

/** Every import the module asks for becomes a stub that traps if called: the crypto needs no host. */
function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = imp.kind === "function" ? (...args: unknown[]) => { throw new Error(`host call ${imp.module}.${imp.name}(${args.join(",")}) from crypto code`); } : undefined;
  }
  return imports as WebAssembly.Imports;
}

export async function instantiateCrypto(wasmBytes: BufferSource): Promise<CryptoWasm> {
  const module = await WebAssembly.compile(wasmBytes);
  const instance = await WebAssembly.instantiate(module, stubImports(module));
  const ex = instance.exports as Record<string, any>;
  if (typeof ex._initialize === "function") ex._initialize();
  const memory = ex.memory as WebAssembly.Memory;
  const base = Number(ex.inputPtr());
  // Writes the arguments one after another into INPUT and returns [offset, length] pairs.
  const place = (...parts: Uint8Array[]): number[] => {
    const view = new Uint8Array(memory.buffer, base, 1 << 20);
    const out: number[] = [];
    let off = 0;
    for (const p of parts) {
      view.set(p, off);
      out.push(off, p.length);
      off += p.length;
    }
    return out;
  };
  return {
    exports: ex,
    digest(bits, data) {
      const len = ex.digestInto(bits, ...place(data));
      return new Uint8Array(memory.buffer, base, len).slice();
    },
    hmac: (bits, key, msg, tag, tagSize) => ex.hmacCheck(bits, ...place(key, msg, tag), tagSize),
    rsa: (pss, bits, n, e, msg, sig) => ex.rsaCheck(pss ? 1 : 0, bits, ...place(n, e, msg, sig)),
    ecdsa: (curveBits, x, y, msg, sig) => ex.ecdsaCheck(curveBits, ...place(x, y, msg, sig)),
    ed25519: (pk, msg, sig) => ex.ed25519Check(...place(pk, msg, sig)),
  };
}

export async function loadCryptoWasm(): Promise<CryptoWasm> {
  const path = process.env.JWT_CRYPTO_WASM ?? (await buildWasm("filters/jwt/test/fixture/crypto-entry.ts", { alsoHash: ["filters/jwt"] }));
  const { readFile } = await import("node:fs/promises");
  return instantiateCrypto(await readFile(path));
}
