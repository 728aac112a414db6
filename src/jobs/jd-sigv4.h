/* jd-sigv4.h — AWS Signature Version 4 (header form), both sides: the pieces of
 * the canonical request, signing a request, and verifying a signed request the
 * way AWS does (with AWS's error types and messages). Pure functions; the client
 * (JdControlPlane) and the local service (JdServiceHttp) share this one
 * implementation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-jobs-error.h"

G_BEGIN_DECLS

#define JD_SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define JD_SIGV4_EMPTY_PAYLOAD_HASH \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* Largest accepted distance between X-Amz-Date and the verifier's clock. */
#define JD_SIGV4_MAX_SKEW_SECONDS (5 * 60)


typedef struct {
  const char *name;   /* any case */
  const char *value;
} JdSigv4Header;

/* A request as it travels on the wire. */
typedef struct {
  const char          *method;     /* "GET", "PUT", ... */
  const char          *path;       /* raw path as sent, still percent-encoded; "" = "/" */
  const char          *query;      /* raw query without '?', or NULL */
  const JdSigv4Header *headers;    /* must hold Host */
  gsize                n_headers;
  const guint8        *body;       /* may be NULL when body_len is 0 */
  gsize                body_len;
} JdSigv4Request;

/* Credentials and scope of one signer or verifier. */
typedef struct {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;       /* NULL unless temporary credentials */
  const char *region;
} JdSigv4Credentials;

const char *jd_sigv4_error_to_aws_type     (JdJobsErrorCode code);

/* The building blocks (AWS's numbering: reference §7). */
char       *jd_sigv4_uri_encode            (const char   *str,
                                            gssize        len,
                                            gboolean      keep_slash);
char       *jd_sigv4_canonical_uri         (const char   *raw_path);
char       *jd_sigv4_canonical_query       (const char   *raw_query);
char       *jd_sigv4_canonical_headers     (const JdSigv4Header *headers,
                                            gsize         n_headers,
                                            const char   *signed_headers);
char       *jd_sigv4_default_signed_headers (const JdSigv4Header *headers,
                                             gsize         n_headers);
char       *jd_sigv4_payload_hash          (const guint8 *body,
                                            gsize         body_len);
char       *jd_sigv4_canonical_request     (const JdSigv4Request *request,
                                            const char   *signed_headers,
                                            const char   *payload_hash);
char       *jd_sigv4_scope                 (const char   *date8,
                                            const char   *region,
                                            const char   *service);
char       *jd_sigv4_string_to_sign        (const char   *amz_date,
                                            const char   *scope,
                                            const char   *canonical_request);
void        jd_sigv4_signing_key           (const char   *secret_access_key,
                                            const char   *date8,
                                            const char   *region,
                                            const char   *service,
                                            guint8        key[32]);
char       *jd_sigv4_signature             (const guint8  key[32],
                                            const char   *string_to_sign);
char       *jd_sigv4_format_amz_date       (GDateTime    *time);
GDateTime  *jd_sigv4_parse_amz_date        (const char   *amz_date);

/* Signs @request (whose headers must include Host) at @now for @service
 * ("iot" for the control plane). Signs every given header except the ones SDKs
 * never sign (User-Agent, Connection, ...), plus X-Amz-Date and, with a
 * session token, X-Amz-Security-Token. The caller adds the returned
 * Authorization and X-Amz-Date headers (and X-Amz-Security-Token =
 * credentials->session_token when set) to the request it sends. */
void        jd_sigv4_sign                  (const JdSigv4Request     *request,
                                            const JdSigv4Credentials *credentials,
                                            const char               *service,
                                            GDateTime                *now,
                                            char                    **out_authorization,
                                            char                    **out_amz_date);

/* Verifies a signed request (headers include Authorization and X-Amz-Date)
 * against the one known key pair and region, accepting the credential-scope
 * services in @services (NULL-terminated, e.g. {"iot", "execute-api", NULL}).
 * @now is the verifier's clock (NULL = the current time). On success
 * @out_service (optional) gets the service name of the scope. */
gboolean    jd_sigv4_verify                (const JdSigv4Request     *request,
                                            const JdSigv4Credentials *credentials,
                                            const char *const        *services,
                                            GDateTime                *now,
                                            char                    **out_service,
                                            GError                  **error);

G_END_DECLS
