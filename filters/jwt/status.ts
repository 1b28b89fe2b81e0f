// Verification outcomes with the exact texts Envoy's jwt_authn filter sends (they come from
// jwt_verify_lib's getStatusString), so clients see the same 401/403 bodies after a migration.

export enum JwtStatus {
  Ok = 0,
  JwtMissed,
  JwtNotYetValid,
  JwtExpired,
  JwtBadFormat,
  JwtHeaderParseErrorBadBase64,
  JwtHeaderParseErrorBadJson,
  JwtHeaderBadAlg,
  JwtHeaderNotImplementedAlg,
  JwtHeaderBadKid,
  JwtPayloadParseErrorBadBase64,
  JwtEd25519SignatureWrongLength,
  JwtPayloadParseErrorBadJson,
  JwtPayloadParseErrorIssNotString,
  JwtPayloadParseErrorSubNotString,
  JwtPayloadParseErrorIatNotInteger,
  JwtPayloadParseErrorIatOutOfRange,
  JwtPayloadParseErrorNbfNotInteger,
  JwtPayloadParseErrorNbfOutOfRange,
  JwtPayloadParseErrorExpNotInteger,
  JwtPayloadParseErrorExpOutOfRange,
  JwtPayloadParseErrorJtiNotString,
  JwtPayloadParseErrorAudNotString,
  JwtSignatureParseErrorBadBase64,
  JwtUnknownIssuer,
  JwtAudienceNotAllowed,
  JwtVerificationFail,
  JwtMultipleTokens,
  JwksNoValidKeys,
  JwksKidAlgMismatch,
  JwksFetchFail,
  /** Not in jwt_verify_lib: a header names a critical extension we do not implement (RFC 7515 §4.1.11). */
  JwtHeaderUnsupportedCrit,
  /** Not in jwt_verify_lib: the token is longer than the filter accepts. */
  JwtTooLarge,
}

export function statusMessage(status: JwtStatus): string {
  switch (status) {
    case JwtStatus.Ok: return "OK";
    case JwtStatus.JwtMissed: return "Jwt is missing";
    case JwtStatus.JwtNotYetValid: return "Jwt not yet valid";
    case JwtStatus.JwtExpired: return "Jwt is expired";
    case JwtStatus.JwtBadFormat: return "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections";
    case JwtStatus.JwtHeaderParseErrorBadBase64: return "Jwt header is an invalid Base64url encoded";
    case JwtStatus.JwtHeaderParseErrorBadJson: return "Jwt header is an invalid JSON";
    case JwtStatus.JwtHeaderBadAlg: return "Jwt header [alg] field is required and must be a string";
    case JwtStatus.JwtHeaderNotImplementedAlg: return "Jwt header [alg] is not supported";
    case JwtStatus.JwtHeaderBadKid: return "Jwt header [kid] field is not a string";
    case JwtStatus.JwtPayloadParseErrorBadBase64: return "Jwt payload is an invalid Base64url encoded";
    case JwtStatus.JwtEd25519SignatureWrongLength: return "Jwt ED25519 signature is wrong length";
    case JwtStatus.JwtPayloadParseErrorBadJson: return "Jwt payload is an invalid JSON";
    case JwtStatus.JwtPayloadParseErrorIssNotString: return "Jwt payload [iss] field is not a string";
    case JwtStatus.JwtPayloadParseErrorSubNotString: return "Jwt payload [sub] field is not a string";
    case JwtStatus.JwtPayloadParseErrorIatNotInteger: return "Jwt payload [iat] field is not an integer";
    case JwtStatus.JwtPayloadParseErrorIatOutOfRange: return "Jwt payload [iat] field is not a positive 64 bit integer";
    case JwtStatus.JwtPayloadParseErrorNbfNotInteger: return "Jwt payload [nbf] field is not an integer";
    case JwtStatus.JwtPayloadParseErrorNbfOutOfRange: return "Jwt payload [nbf] field is not a positive 64 bit integer";
    case JwtStatus.JwtPayloadParseErrorExpNotInteger: return "Jwt payload [exp] field is not an integer";
    case JwtStatus.JwtPayloadParseErrorExpOutOfRange: return "Jwt payload [exp] field is not a positive 64 bit integer";
    case JwtStatus.JwtPayloadParseErrorJtiNotString: return "Jwt payload [jti] field is not a string";
    case JwtStatus.JwtPayloadParseErrorAudNotString: return "Jwt payload [aud] field is not a string or string list";
    case JwtStatus.JwtSignatureParseErrorBadBase64: return "Jwt signature is an invalid Base64url encoded";
    case JwtStatus.JwtUnknownIssuer: return "Jwt issuer is not configured";
    case JwtStatus.JwtAudienceNotAllowed: return "Audiences in Jwt are not allowed";
    case JwtStatus.JwtVerificationFail: return "Jwt verification fails";
    case JwtStatus.JwtMultipleTokens: return "Found multiple Jwt tokens";
    case JwtStatus.JwksNoValidKeys: return "Jwks doesn't have any valid public key";
    case JwtStatus.JwksKidAlgMismatch: return "Jwks doesn't have key to match kid or alg from Jwt";
    case JwtStatus.JwksFetchFail: return "Jwks remote fetch is failed";
    case JwtStatus.JwtHeaderUnsupportedCrit: return "Jwt header [crit] names an unsupported extension";
    case JwtStatus.JwtTooLarge: return "Jwt is too large";
    default: return "Jwt verification fails";
  }
}
