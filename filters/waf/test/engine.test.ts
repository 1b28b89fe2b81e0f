// The SecLang engine through its test entry (real .wasm, no proxy host): lexer, transformations,
// @pm, detectors, and rule evaluation semantics (chains, flow, setvar, ctl, macros, exclusions).
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngineFixture, type EngineFixture } from "./support/fixture.ts";

let f: EngineFixture;
beforeAll(async () => { f = await loadEngineFixture(false); }, 240_000);

/** Configures `directives` and evaluates one request; returns status and matched rule ids. */
function run(directives: string, req: { method?: string; uri?: string; headers?: Array<[string, string]>; body?: string } = {}) {
  const conf = f.call("configure", directives, "0", "1", "");
  if (!conf.ok) throw new Error(conf.text);
  const headers = req.headers ?? [["Host", "localhost"]];
  const fields: string[] = [req.method ?? "GET", req.uri ?? "/", "HTTP/1.1", String(headers.length)];
  for (const [k, v] of headers) fields.push(k, v);
  fields.push(req.body ?? "");
  const lines = f.call("evaluate", ...fields).text.split("\n").filter((l) => l.length > 0);
  const [interrupted, status] = lines[0].split(" ");
  const matches = lines.slice(1).map((l) => {
    const [head, msg, data] = l.split("\t");
    const [id, logged, variable] = head.split(" ");
    return { id: Number(id), logged: logged === "1", variable, msg, data };
  });
  return { blocked: interrupted === "1", status: Number(status), ids: matches.map((m) => m.id), matches };
}

describe("lexer", () => {
  it("joins continuation lines, drops comments, keeps backslashes except before quotes", () => {
    const out = f.call("lex", '# comment\nSecRule ARGS "@rx a\\"b\\d" \\\n    "id:1,\\\n    pass"\n\n  SecMarker END\n');
    expect(out.text).toBe('SecRule(ARGS|@rx a"b\\d|id:1,    pass)\nSecMarker(END)\n');
  });

  it("reports an unterminated quote with file and line", () => {
    const out = f.call("lex", 'SecAction "id:1\n');
    expect(out.ok).toBe(false);
    expect(out.text).toContain("test.conf:1: unterminated double-quoted argument");
  });
});

describe("transformations", () => {
  const t = (...args: string[]) => f.call("transform", ...args).text;
  it("urlDecode / urlDecodeUni", () => {
    expect(t("urlDecode", "a%20b+c%zz%4")).toBe("a b c%zz%4");
    expect(t("urlDecodeUni", "%u0041%uff1c%41")).toBe("A<A");
  });
  it("htmlEntityDecode, jsDecode, cssDecode", () => {
    expect(t("htmlEntityDecode", "&lt;a&#x3e;&#62&quot;&amp;&bogus;")).toBe('<a>>"&&bogus;');
    expect(t("jsDecode", "\\x3cscript\\u003e\\101\\n")).toBe("<script>A\n");
    expect(t("cssDecode", "\\6a avascript\\3a")).toBe("javascript:");
  });
  it("cmdLine, compressWhitespace, removeWhitespace, lowercase", () => {
    expect(t("cmdLine", "C^a\"t  /etc ;PASS'wd")).toBe("cat/etc passwd");
    expect(t("compressWhitespace", "a \t\n b")).toBe("a b");
    expect(t("removeWhitespace", " a b\tc ")).toBe("abc");
    expect(t("lowercase", "AbC")).toBe("abc");
  });
  it("normalizePath(Win), replaceComments", () => {
    expect(t("normalizePath", "/a/./b/../../c//d")).toBe("/c/d");
    expect(t("normalizePathWin", "c:\\x\\..\\y")).toBe("c:/y");
    expect(t("replaceComments", "sel/*x*/ect/* open")).toBe("sel ect ");
  });
  it("base64Decode, hexEncode, hexDecode, sha1, length, utf8toUnicode, chains", () => {
    expect(t("base64Decode", "aGVsbG8=")).toBe("hello");
    expect(t("hexEncode", "AB")).toBe("4142");
    expect(t("hexDecode", "4142")).toBe("AB");
    expect(t("sha1", "hexEncode", "abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(t("length", "hello")).toBe("5");
    // Every padding case (one and two blocks, lengths around 55/56/64) and bytes above 0x7f (no NUL: it separates the fixture's fields), against Node's SHA-1.
    for (let n = 0; n <= 200; n++) {
      const input = Buffer.from(Array.from({ length: n }, (_, i) => ((i * 37 + n) % 255) + 1));
      expect(f.call("transform", "sha1", "hexEncode", input).text, `length ${n}`).toBe(createHash("sha1").update(input).digest("hex"));
    }
    expect(f.call("transform", "utf8toUnicode", Buffer.from("é", "utf8")).text).toBe("%u00e9");
    expect(t("urlDecodeUni", "htmlEntityDecode", "lowercase", "%26lt;SCRIPT")).toBe("<script");
  });
  it("rejects an unknown transformation", () => {
    expect(f.call("transform", "rot13", "x").ok).toBe(false);
  });
});

describe("@pm (Aho–Corasick)", () => {
  const pm = (...args: string[]) => f.call("pm", ...args).text;
  it("finds any phrase, case-insensitively, with overlapping prefixes", () => {
    expect(pm("he", "she", "his", "hers", "ahishers")).toBe("1:his");
    expect(pm("passwd", "shadow", "/ETC/Passwd")).toBe("1:Passwd");
    expect(pm("abcd", "bcx", "abcx")).toBe("1:bcx");
    expect(pm("foo", "bar", "nothing here")).toBe("0");
  });
});

describe("detectors", () => {
  const sqli = (s: string) => f.call("sqli", s).text.length > 0;
  const xss = (s: string) => f.call("xss", s).text === "1";
  it("@detectSQLi flags injected SQL and leaves prose alone", () => {
    for (const s of ["1' or 1=1--", "1234 OR 1=1", "x' and 526=527", "1 union select password from users", "'; drop table users--", "sleep(20)", "@@version"]) {
      expect(sqli(s), s).toBe(true);
    }
    for (const s of ["hello world", "O'Reilly books", "select a color", "john.doe@example.com", "1+1", "rock and roll"]) {
      expect(sqli(s), s).toBe(false);
    }
  });
  it("@detectXSS flags script-running HTML and leaves text alone", () => {
    for (const s of ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "<svg/onload=alert(1)>", "\" onmouseover=\"alert(1)", "<iframe src=//x>"]) {
      expect(xss(s), s).toBe(true);
    }
    for (const s of ["a < b and c > d", "<b>bold</b>", "hello", "I <3 cats", "online=yes"]) {
      expect(xss(s), s).toBe(false);
    }
  });
});

describe("rule evaluation", () => {
  const base = 'SecDefaultAction "phase:1,log,pass"\nSecDefaultAction "phase:2,log,pass"\n';

  it("blocks with deny and the rule's status; variables, selectors and transformations apply", () => {
    const rules = base + 'SecRule ARGS:q "@contains <script" "id:1,phase:2,deny,status:406,t:none,t:urlDecodeUni,t:lowercase,msg:\'xss in %{MATCHED_VAR_NAME}\'"';
    const hit = run(rules, { uri: "/?q=%3CScRiPt" });
    expect(hit).toMatchObject({ blocked: true, status: 406, ids: [1] });
    expect(hit.matches[0].msg).toBe("xss in ARGS:q");
    expect(run(rules, { uri: "/?other=%3Cscript" }).blocked).toBe(false);
  });

  it("chains match only when every link matches; MATCHED_VARS and captures flow to the next link", () => {
    const rules = base +
      'SecRule REQUEST_HEADERS:Content-Type "@rx ^([a-z]+)/" "id:2,phase:1,deny,capture,chain"\n' +
      '  SecRule TX:1 "@streq text" "chain"\n' +
      '    SecRule MATCHED_VARS "@streq text" "t:none"';
    expect(run(rules, { headers: [["Content-Type", "text/plain"]] }).blocked).toBe(true);
    expect(run(rules, { headers: [["Content-Type", "application/json"]] }).blocked).toBe(false);
  });

  it("setvar with macros, anomaly scoring and @ge against a TX threshold", () => {
    const rules = base +
      'SecAction "id:10,phase:1,nolog,pass,setvar:tx.threshold=5,setvar:tx.score=0"\n' +
      'SecRule ARGS "@rx attack" "id:11,phase:2,pass,setvar:tx.score=+3,setvar:\'tx.last=%{rule.id}\'"\n' +
      'SecRule ARGS_NAMES "@rx attack" "id:12,phase:2,pass,setvar:tx.score=+3"\n' +
      'SecRule TX:score "@ge %{tx.threshold}" "id:19,phase:2,deny,msg:\'score %{tx.score} after %{tx.last}\'"';
    const both = run(rules, { uri: "/?attack=attack" });
    expect(both.blocked).toBe(true);
    expect(both.matches.find((m) => m.id === 19)!.msg).toBe("score 6 after 11");
    expect(run(rules, { uri: "/?x=attack" }).blocked).toBe(false);
  });

  it("skipAfter jumps to the marker; skip:N skips rules; nolog rules are not logged", () => {
    const rules = base +
      'SecRule REQUEST_METHOD "@streq GET" "id:20,phase:1,pass,nolog,skipAfter:END"\n' +
      'SecAction "id:21,phase:1,deny"\n' +
      'SecMarker END\n' +
      'SecAction "id:22,phase:1,pass,skip:1"\n' +
      'SecAction "id:23,phase:1,deny"\n' +
      'SecAction "id:24,phase:1,pass"';
    const r = run(rules);
    expect(r.blocked).toBe(false);
    expect(r.ids).toEqual([20, 22, 24]);
    expect(r.matches[0].logged).toBe(false);
    expect(run(rules, { method: "POST" }).blocked).toBe(true);
  });

  it("counts (&), exclusions (!), regex selectors, and ctl:ruleRemoveTargetById / ruleRemoveById", () => {
    const rules = base +
      'SecRule &ARGS "@ge 3" "id:30,phase:2,pass"\n' +
      'SecRule ARGS|!ARGS:safe "@rx evil" "id:31,phase:2,pass"\n' +
      'SecRule ARGS:/^x_/ "@rx evil" "id:32,phase:2,pass"\n' +
      'SecRule REQUEST_FILENAME "@streq /admin" "id:33,phase:1,pass,nolog,ctl:ruleRemoveTargetById=34;ARGS:token,ctl:ruleRemoveById=35"\n' +
      'SecRule ARGS "@rx evil" "id:34,phase:2,pass"\n' +
      'SecAction "id:35,phase:2,pass"';
    expect(run(rules, { uri: "/?safe=evil&a=1&b=2" }).ids).toEqual([30, 34, 35]);
    expect(run(rules, { uri: "/?x_a=evil" }).ids).toEqual([31, 32, 34, 35]);
    expect(run(rules, { uri: "/admin?token=evil" }).ids).toEqual([33, 31]);
  });

  it("plain-text regex selectors pick keys as their regex would: case-insensitive, anchored, multiline keys", () => {
    const rules = base +
      'SecRule ARGS:/^X_/ "@rx evil" "id:50,phase:2,pass"\n' +
      'SecRule ARGS:/_id$/ "@rx evil" "id:51,phase:2,pass"\n' +
      'SecRule ARGS|!ARGS:/SAFE/ "@rx evil" "id:52,phase:2,pass"\n' +
      'SecRule ARGS:/^exact$/ "@rx evil" "id:53,phase:2,pass"\n' +
      'SecRule ARGS:/p_.*/ "@rx evil" "id:54,phase:2,pass"\n' +
      'SecRule ARGS:/^x[0-9]/ "@rx evil" "id:55,phase:2,pass"';
    expect(run(rules, { uri: "/?x_A=evil" }).ids).toEqual([50, 52]);
    expect(run(rules, { uri: "/?ax_a=evil" }).ids).toEqual([52]);
    expect(run(rules, { uri: "/?user_ID=evil" }).ids).toEqual([51, 52]);
    expect(run(rules, { uri: "/?my_unsafe_key=evil" }).ids).toEqual([]);
    expect(run(rules, { uri: "/?EXACT=evil" }).ids).toEqual([52, 53]);
    expect(run(rules, { uri: "/?exactly=evil" }).ids).toEqual([52]);
    expect(run(rules, { uri: "/?up_x=evil" }).ids).toEqual([52, 54]);
    expect(run(rules, { uri: "/?x9=evil" }).ids).toEqual([52, 55]);
    // Selectors compile multiline: ^ and $ also match at a newline inside the key (deny rules: a
    // name with a newline does not fit the fixture's one-line-per-match output).
    const prefix = base + 'SecRule ARGS:/^X_/ "@rx evil" "id:58,phase:2,deny"';
    expect(run(prefix, { uri: "/?a%0Ax_b=evil" }).blocked).toBe(true);
    expect(run(prefix, { uri: "/?ax_b=evil" }).blocked).toBe(false);
    const suffix = base + 'SecRule ARGS:/_id$/ "@rx evil" "id:59,phase:2,deny"';
    expect(run(suffix, { uri: "/?b_id%0Ac=evil" }).blocked).toBe(true);
    expect(run(suffix, { uri: "/?b_idc=evil" }).blocked).toBe(false);
    // TX keys, as CRS 920450 reads them.
    const tx = base +
      'SecRule REQUEST_HEADERS_NAMES "@rx ^.*$" "id:56,phase:1,pass,capture,t:lowercase,setvar:\'tx.header_name_%{tx.0}=/%{tx.0}/\',chain"\n' +
      '  SecRule TX:/^HEADER_NAME_/ "@within /proxy/ /x-bad/" "setvar:tx.bad=1"\n' +
      'SecRule TX:bad "@eq 1" "id:57,phase:1,deny"';
    expect(run(tx, { headers: [["Host", "a"], ["X-Bad", "1"]] }).blocked).toBe(true);
    expect(run(tx, { headers: [["Host", "a"], ["X-Good", "1"]] }).blocked).toBe(false);
  });

  it("@rx ^.*$ matches and captures every value, the empty one and one spanning lines too", () => {
    const rules = base +
      'SecRule ARGS "@rx ^.*$" "id:60,phase:2,pass,capture,setvar:tx.n=+1,setvar:\'tx.last=%{tx.0}\'"\n' +
      'SecRule ARGS "!@rx ^.*$" "id:61,phase:2,deny"\n' +
      'SecAction "id:62,phase:2,pass,logdata:\'%{tx.n} %{tx.last}\'"';
    const r = run(rules, { uri: "/?a=x%0Ay&b=&c=z%20w" });
    expect(r.blocked).toBe(false);
    expect(r.matches.find((m) => m.id === 62)!.data).toBe("3 z w");
  });

  it("multiMatch tests the value before and after each transformation that changes it", () => {
    const rules = base +
      'SecRule ARGS "@rx ^%41b$" "id:70,phase:2,pass,multiMatch,t:urlDecodeUni,t:lowercase,logdata:\'%{MATCHED_VAR}\'"\n' +
      'SecRule ARGS "@rx ^ab$" "id:71,phase:2,pass,multiMatch,t:urlDecodeUni,t:lowercase,logdata:\'%{MATCHED_VAR}\'"\n' +
      'SecRule ARGS "@rx ^Ab$" "id:72,phase:2,pass,multiMatch,t:urlDecodeUni,t:lowercase,logdata:\'%{MATCHED_VAR}\'"\n' +
      'SecRule ARGS "@rx ^Ab$" "id:73,phase:2,pass,t:urlDecodeUni,t:lowercase"';
    const r = run(rules, { uri: "/?q=%2541b" });
    expect(r.ids).toEqual([70, 71, 72]);
    expect(r.matches.map((m) => m.data)).toEqual(["%41b", "ab", "Ab"]);
    expect(run(rules, { uri: "/?q=AB" }).ids).toEqual([71]);
  });

  it("parses urlencoded, JSON and multipart bodies into ARGS, and cookies", () => {
    const rules = base + 'SecRule ARGS|REQUEST_COOKIES|FILES "@rx evil" "id:40,phase:2,deny,logdata:\'%{MATCHED_VAR_NAME}\'"';
    const form = run(rules, { method: "POST", headers: [["Content-Type", "application/x-www-form-urlencoded"]], body: "a=1&b=ev%69l" });
    expect(form.blocked).toBe(true);
    expect(form.matches[0].data).toBe("ARGS:b");
    const json = run(rules, { method: "POST", headers: [["Content-Type", "application/json"]], body: '{"user":{"tags":["ok","evil"]}}' });
    expect(json.matches[0].data).toBe("ARGS:json.user.tags.1");
    const body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"evil.php\"\r\n\r\ndata\r\n--XyZ--\r\n";
    const mp = run(rules, { method: "POST", headers: [["Content-Type", "multipart/form-data; boundary=XyZ"]], body });
    expect(mp.matches[0].data).toBe("FILES:f");
    expect(run(rules, { headers: [["Cookie", "a=1; session=evil"]] }).matches[0].data).toBe("REQUEST_COOKIES:session");
  });

  it("SecRuleRemoveById, SecRuleUpdateTargetById and SecRuleEngine DetectionOnly", () => {
    const rules = base +
      'SecRule ARGS "@rx evil" "id:50,phase:2,deny"\n' +
      'SecRule ARGS "@rx bad" "id:51,phase:2,deny"\n' +
      'SecRuleRemoveById 51\n' +
      'SecRuleUpdateTargetById 50 "!ARGS:comment"';
    expect(run(rules, { uri: "/?comment=evil" }).blocked).toBe(false);
    expect(run(rules, { uri: "/?x=bad" }).blocked).toBe(false);
    expect(run(rules, { uri: "/?x=evil" }).blocked).toBe(true);
    const detect = run("SecRuleEngine DetectionOnly\n" + rules, { uri: "/?x=evil" });
    expect(detect.blocked).toBe(false);
    expect(detect.ids).toEqual([50]);
  });

  it("reports bad rules with file, line and what is wrong", () => {
    const bad = (d: string) => f.call("configure", d, "0", "1", "").text;
    expect(bad('SecRule ARGS "@rx (" "id:1,pass"')).toMatch(/^directives:1: SecRule: bad @rx pattern/);
    expect(bad('\nSecRule ARGS "@nope x" "id:1,pass"')).toMatch(/^directives:2: SecRule: unknown operator '@nope'/);
    expect(bad('SecRule BOGUS "@rx x" "id:1,pass"')).toContain("unknown variable 'BOGUS'");
    expect(bad('SecRule ARGS "@rx x" "id:1,pass,t:rot13"')).toContain("unknown transformation 't:rot13'");
    expect(bad('SecRule ARGS "@rx x" "pass"')).toContain("rule has no id");
    expect(bad('SecAction "id:1,pass"\nSecAction "id:1,pass"')).toContain("duplicate rule id 1");
    expect(bad('SecRule ARGS "@rx x" "id:1,pass,chain"')).toContain("ends with 'chain' but no rule follows");
    expect(bad("SecFrobnicate On")).toContain("unknown directive");
    expect(bad('Include missing.conf')).toContain("no embedded file matches 'missing.conf'");
  });

  it("@rbl and @geoLookup rules load, say so once, and never match", () => {
    const out = f.call("configure", 'SecRule REMOTE_ADDR "@rbl sbl.example" "id:60,phase:1,deny"', "0", "1", "");
    expect(out.text).toContain("@rbl cannot work inside a proxy");
    expect(run('SecRule REMOTE_ADDR "@rbl sbl.example" "id:60,phase:1,deny"').blocked).toBe(false);
  });

  it("uses the default rule set when nothing is configured", () => {
    expect(run("", { uri: "/?id=1'%20or%201=1--" })).toMatchObject({ blocked: true, status: 403 });
    expect(run("", { uri: "/?q=hello" }).blocked).toBe(false);
  });
});
