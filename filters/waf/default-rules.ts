// The rule set used when neither CRS nor directives are configured: a few high-confidence checks
// with anomaly scoring, so the filter protects something out of the box.
export const DEFAULT_RULES: string = `
SecRuleEngine On
SecRequestBodyAccess On
SecDefaultAction "phase:1,log,pass"
SecDefaultAction "phase:2,log,pass"
SecAction "id:10000,phase:1,nolog,pass,setvar:tx.anomaly_score=0,setvar:tx.inbound_anomaly_score_threshold=5"
SecRule REQUEST_METHOD "!@within GET HEAD POST PUT PATCH DELETE OPTIONS" "id:10001,phase:1,block,msg:'Method is not allowed',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule REQUEST_FILENAME|ARGS "@rx (?:^|[\\\\/])\\.\\.(?:[\\\\/]|$)" "id:10010,phase:2,block,t:none,t:urlDecodeUni,msg:'Path traversal',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES "@detectSQLi" "id:10020,phase:2,block,t:none,t:urlDecodeUni,capture,msg:'SQL injection',logdata:'Matched Data: %{TX.0} found within %{MATCHED_VAR_NAME}',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer "@detectXSS" "id:10030,phase:2,block,t:none,t:urlDecodeUni,t:htmlEntityDecode,msg:'Cross-site scripting',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule ARGS "@rx (?:;|\\||\\x60|\\$\\()\\s*(?:cat|ls|id|wget|curl|nc|bash|sh|rm|uname|whoami)\\b" "id:10040,phase:2,block,t:none,t:urlDecodeUni,t:cmdLine,msg:'Command injection',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule ARGS|REQUEST_FILENAME "@pm /etc/passwd /etc/shadow win.ini boot.ini /proc/self/environ" "id:10050,phase:2,block,t:none,t:urlDecodeUni,t:normalizePath,t:lowercase,msg:'OS file access attempt',severity:'CRITICAL',setvar:'tx.anomaly_score=+5'"
SecRule TX:ANOMALY_SCORE "@ge %{tx.inbound_anomaly_score_threshold}" "id:10900,phase:2,deny,status:403,log,msg:'Inbound Anomaly Score Exceeded (Total Score: %{TX.ANOMALY_SCORE})'"
`;
