// JWT verification cost: the wasm crypto engine per algorithm against Node's native
// crypto.verify (OpenSSL) measured in the same run, and the jwt_authn filter's cached-token path
// through the embedded host against the no-op filter floor (CPU time).
// Targets: RS256 ≤ 5×, PS256 ≤ 5×, ES256 ≤ 8×, EdDSA ≤ 8×, HS256 ≤ 3× native; cached ≤ 2× floor.
import { constants, createHmac, generateKeyPairSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { exportJWK, SignJWT } from "jose";
import type { HeaderList } from "../harness/host/api.ts";
import { createManualClock, loadPlugin, SharedState } from "../harness/host/index.ts";
import { loadCryptoWasm, type CryptoWasm } from "../filters/jwt/test/support/crypto-wasm.ts";
import { buildWasm } from "../test/support/build.ts";
import { cpuMicrosPerRequest, median } from "./support/stream-cost.ts";
import type { BenchRow, BenchSuite } from "./types.ts";

const ROUNDS = 3;
const ROUND_MS = 250;

/** Process CPU time in ms: on a shared machine wall time mostly measures the neighbours. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU µs per call of `run(n)` (which performs n verifications), sized to about ROUND_MS per round. */
function timePerCall(run: (n: number) => void): number {
  run(2);
  let n = 1;
  for (;;) {
    const t = cpuMs();
    run(n);
    const ms = cpuMs() - t;
    if (ms > 20 || n > 1 << 20) {
      n = Math.max(1, Math.round((n * ROUND_MS) / Math.max(ms, 0.001)));
      break;
    }
    n *= 4;
  }
  const t = cpuMs();
  run(n);
  return ((cpuMs() - t) * 1000) / n;
}

interface AlgCase {
  name: string;
  limit: number;
  wasm: (n: number) => void;
  native: (n: number) => void;
}

function check(result: number, what: string): void {
  if (result !== 1) throw new Error(`${what}: the wasm engine did not verify the benchmark signature (${result})`);
}

async function algorithmCases(c: CryptoWasm): Promise<AlgCase[]> {
  // A typical signing input: header.payload of a ~300-byte token.
  const input = Buffer.from(`${Buffer.from('{"alg":"RS256","kid":"k1","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ iss: "https://issuer.example", sub: "user-1234567890", aud: ["api"], iat: 1704067200, exp: 1704070800, scope: "read write", email: "someone@example.com" })).toString("base64url")}`);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsaJwk = rsa.publicKey.export({ format: "jwk" });
  const n = Buffer.from(rsaJwk.n!, "base64url");
  const e = Buffer.from(rsaJwk.e!, "base64url");
  const rs = sign("sha256", input, rsa.privateKey);
  const pssOptions = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const ps = sign("sha256", input, { key: rsa.privateKey, ...pssOptions });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecJwk = ec.publicKey.export({ format: "jwk" });
  const es = sign("sha256", input, { key: ec.privateKey, dsaEncoding: "ieee-p1363" });
  const ed = generateKeyPairSync("ed25519");
  const edJwk = ed.publicKey.export({ format: "jwk" });
  const eds = sign(null, input, ed.privateKey);
  const secret = randomBytes(32);
  const tag = createHmac("sha256", secret).update(input).digest();
  const nativeLoop = (f: () => boolean) => (count: number) => {
    for (let i = 0; i < count; i++) if (!f()) throw new Error("native verify failed");
  };
  const pub = (k: KeyObject) => k;
  return [
    {
      name: "RS256 verify (2048-bit)", limit: 5,
      wasm: (count) => check(c.rsa(false, 256, n, e, input, rs, count), "RS256"),
      native: nativeLoop(() => verify("sha256", input, pub(rsa.publicKey), rs)),
    },
    {
      name: "PS256 verify (2048-bit)", limit: 5,
      wasm: (count) => check(c.rsa(true, 256, n, e, input, ps, count), "PS256"),
      native: nativeLoop(() => verify("sha256", input, { key: rsa.publicKey, ...pssOptions }, ps)),
    },
    {
      name: "ES256 verify (P-256)", limit: 8,
      wasm: (count) => check(c.ecdsa(256, Buffer.from(ecJwk.x!, "base64url"), Buffer.from(ecJwk.y!, "base64url"), input, es, count), "ES256"),
      native: nativeLoop(() => verify("sha256", input, { key: ec.publicKey, dsaEncoding: "ieee-p1363" }, es)),
    },
    {
      name: "EdDSA verify (Ed25519)", limit: 8,
      wasm: (count) => check(c.ed25519(Buffer.from(edJwk.x!, "base64url"), input, eds, count), "EdDSA"),
      native: nativeLoop(() => verify(null, input, ed.publicKey, eds)),
    },
    {
      name: "HS256 verify", limit: 3,
      wasm: (count) => check(c.hmac(256, secret, input, tag, 32, count), "HS256"),
      native: nativeLoop(() => timingSafeEqual(createHmac("sha256", secret).update(input).digest(), tag)),
    },
  ];
}

/**
 * The cached-token path against the no-op floor, in CPU time per request. A third case makes only
 * the host calls that path cannot avoid (the :path and Authorization headers, one clock read), so
 * the report splits the cost into the host calls (SDK wrappers included) and the filter's own work.
 */
async function cachedPathRows(): Promise<BenchRow[]> {
  const [noop, hostCalls, jwt] = await Promise.all([
    buildWasm("bench/fixtures/noop/index.ts"),
    buildWasm("filters/jwt/test/fixture/host-calls-entry.ts"),
    buildWasm("filters/jwt/index.ts", { alsoHash: ["filters/jwt"] }),
  ]);
  const now = 1_704_067_200;
  const clock = createManualClock(BigInt(now) * 1_000_000_000n);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256" };
  const token = await new SignJWT({ iss: "https://issuer.example", aud: "api", sub: "user-1" })
    .setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuedAt(now).setExpirationTime(now + 3600).sign(rsa.privateKey);
  const config = {
    providers: { idp: { issuer: "https://issuer.example", audiences: ["api"], local_jwks: { inline_string: JSON.stringify({ keys: [jwk] }) }, forward: true } },
    rules: [{ match: { prefix: "/" }, requires: { provider_name: "idp" } }],
  };
  const load = (wasm: string, cfg: object) => loadPlugin({ wasm, config: cfg, clock, sharedState: new SharedState(), logLevel: "info" });
  const headers: HeaderList = [
    [":method", "GET"], [":path", "/api/items"], [":authority", "example.com"], [":scheme", "http"],
    ["user-agent", "bench/1.0"], ["accept", "*/*"], ["authorization", `Bearer ${token}`],
  ];
  const shape = { requestHeaders: () => headers };
  const cases = [
    { key: "floor", plugin: await load(noop, {}) },
    { key: "host calls", plugin: await load(hostCalls, {}) },
    { key: "jwt", plugin: await load(jwt, config) },
  ];
  try {
    for (const c of cases) await cpuMicrosPerRequest([c.plugin], 5000, shape);
    const samples = new Map<string, number[]>(cases.map((c) => [c.key, []]));
    // Interleaved rounds against drift; each sample is preceded by its own short warm-up, because
    // switching between modules' instances otherwise leaves the host's JIT state to the previous one.
    for (let round = 0; round < 7; round++) {
      for (const c of cases) {
        await cpuMicrosPerRequest([c.plugin], 1000, shape);
        samples.get(c.key)!.push(await cpuMicrosPerRequest([c.plugin], 4000, shape));
      }
    }
    const floor = median(samples.get("floor")!);
    const calls = median(samples.get("host calls")!);
    const cached = median(samples.get("jwt")!);
    return [
      { name: "no-op filter (floor)", value: floor, unit: "CPU µs/request" },
      { name: "the cached path's 3 host calls alone", value: calls, unit: "CPU µs/request", baseline: "no-op floor", ratio: calls / floor },
      { name: "jwt_authn, cached RS256 token", value: cached, unit: "CPU µs/request", baseline: "no-op floor", ratio: cached / floor, target: "≤ 2×", pass: cached / floor <= 2 },
      { name: "  of which host calls (over the floor)", value: calls - floor, unit: "CPU µs/request" },
      { name: "  of which filter work (over the host calls)", value: cached - calls, unit: "CPU µs/request" },
    ];
  } finally {
    for (const c of cases) await c.plugin.close();
  }
}

const suite: BenchSuite = {
  name: "jwt (wasm crypto vs native, cached-token path)",
  async run(): Promise<BenchRow[]> {
    const c = await loadCryptoWasm();
    const cases = await algorithmCases(c);
    const wasmSamples = cases.map(() => [] as number[]);
    const nativeSamples = cases.map(() => [] as number[]);
    // Interleaved rounds, so a busy neighbour slows both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      cases.forEach((k, i) => {
        nativeSamples[i]!.push(timePerCall(k.native));
        wasmSamples[i]!.push(timePerCall(k.wasm));
      });
    }
    const rows: BenchRow[] = [];
    cases.forEach((k, i) => {
      const native = median(nativeSamples[i]!);
      const wasm = median(wasmSamples[i]!);
      rows.push({ name: `${k.name}, native (OpenSSL)`, value: native, unit: "CPU µs/verify" });
      rows.push({ name: `${k.name}, wasm`, value: wasm, unit: "CPU µs/verify", baseline: "native", ratio: wasm / native, target: `≤ ${k.limit}×`, pass: wasm / native <= k.limit });
    });
    rows.push(...(await cachedPathRows()));
    return rows;
  },
};

export default suite;
