// sdk/abi/generational-gc.ts through a test entry (fixtures/gc/entry.ts) compiled to real wasm: old
// objects that receive young references keep them through young and full collections, survivors
// are promoted after their second collection, and garbage of both generations is freed.
import { readFile } from "node:fs/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { buildWasm } from "../support/build.ts";

type Gc = Record<string, (...args: number[]) => number>;

async function load(): Promise<Gc> {
  const module = await WebAssembly.compile(await readFile(await buildWasm("test/sdk/fixtures/gc/entry.ts")));
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(module)) (imports[imp.module] ??= {})[imp.name] = () => 0;
  const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  const ex = instance.exports as unknown as Gc;
  ex._initialize?.();
  return ex;
}

let gc: Gc;
beforeEach(async () => { gc = await load(); });

describe("generational collector", () => {
  it("old objects keep the young objects stored into them, through young and full collections", async () => {
    gc.setup(200);
    gc.collectYoung(); gc.collectYoung(); // the containers are old now
    for (let round = 0; round < 30; round++) {
      gc.mutate(round);
      gc.churn(500);
      gc.collectYoung();
      gc.churn(500);
      if (round % 7 === 6) gc.collectFull(); else gc.collectYoung();
      gc.churn(500);
      expect(gc.verify(round), `round ${round}`).toBe(1);
    }
  });

  it("a survivor replaced just before its parent is promoted stays reachable", async () => {
    gc.survivorStart();
    gc.collectYoung(); // parent and first child survive once
    gc.survivorReplace(); // a new young child in a parent about to be promoted
    gc.collectYoung(); // parent promoted, the new child survives once (stays young)
    gc.churn(2000);
    gc.collectYoung(); // only the remembered parent reaches the child now
    gc.churn(2000);
    gc.collectYoung();
    expect(gc.survivorCheck()).toBe(1);
  });

  it("frees young garbage at each collection and old garbage at a full one", async () => {
    gc.setup(10);
    gc.collectYoung(); gc.collectYoung();
    gc.churn(20000); gc.collectYoung();
    const steady = gc.pages();
    for (let i = 0; i < 50; i++) { gc.churn(20000); gc.collectYoung(); } // ~40 MB of garbage
    expect(gc.pages()).toBe(steady);

    gc.bigAllocate(8 << 20);
    gc.collectYoung(); gc.collectYoung(); // old now
    gc.bigDrop();
    gc.collectYoung();
    const withOldGarbage = gc.pages();
    gc.collectFull();
    gc.bigAllocate(8 << 20); // fits in the block the full collection freed
    expect(gc.pages()).toBe(withOldGarbage);
  });
});
