/* jd-sigv4.c — AWS Signature Version 4: canonicalization, signing, verification.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sigv4"

#include <string.h>

#include "jd-sigv4.h"

/* Headers SDKs leave out of SignedHeaders (botocore's list plus smithy's). */
static const char *const unsigned_headers[] = {
  "authorization", "connection", "expect", "keep-alive", "proxy-authenticate",
  "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
  "user-agent", "x-amzn-trace-id", "accept-encoding", "content-length",
};

/**
 * jd_sigv4_error_to_aws_type:
 * @code: the code of a verification failure
 *
 * Returns: the `x-amzn-ErrorType` AWS answers with for @code.
 */
const char *
jd_sigv4_error_to_aws_type (JdJobsErrorCode code)
{
  switch (code)
    {
    case JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION:
    case JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION:
    case JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION:
    case JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION:
      return jd_control_plane_error_code_to_aws (code);
    default:
      return "InvalidSignatureException";
    }
}

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/**
 * jd_sigv4_uri_encode:
 * @str: bytes to encode
 * @len: length of @str, or -1 if nul-terminated
 * @keep_slash: leave `/` as is (for paths)
 *
 * AWS's UriEncode: every byte but `A-Za-z0-9-._~` becomes `%XX` (upper-case hex).
 *
 * Returns: (transfer full): the encoded string
 */
char *
jd_sigv4_uri_encode (const char *str,
                     gssize      len,
                     gboolean    keep_slash)
{
  GString *out;

  g_return_val_if_fail (str != NULL, NULL);

  if (len < 0)
    len = strlen (str);

  out = g_string_sized_new (len + 8);
  for (gssize i = 0; i < len; i++)
    {
      guchar c = (guchar) str[i];

      if (is_unreserved (c) || (keep_slash && c == '/'))
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "%%%02X", c);
    }

  return g_string_free (out, FALSE);
}

/* Decodes %XX escapes (and nothing else); invalid escapes stay literal. */
static char *
percent_decode (const char *str,
                gsize       len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '%' && i + 2 < len
          && g_ascii_isxdigit (str[i + 1]) && g_ascii_isxdigit (str[i + 2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (str[i + 1]) * 16
                                          + g_ascii_xdigit_value (str[i + 2])));
          i += 2;
        }
      else
        g_string_append_c (out, str[i]);
    }

  return g_string_free (out, FALSE);
}

/**
 * jd_sigv4_canonical_uri:
 * @raw_path: the path as sent on the wire (percent-encoded)
 *
 * Normalizes the path (drops `.` and empty segments, resolves `..`, keeps a
 * trailing `/`) and URI-encodes it once more, leaving `/` alone.
 *
 * Returns: (transfer full): the canonical URI
 */
char *
jd_sigv4_canonical_uri (const char *raw_path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) normal = g_string_new ("/");
  gboolean trailing;

  if (raw_path == NULL || raw_path[0] == '\0')
    return g_strdup ("/");

  trailing = g_str_has_suffix (raw_path, "/");
  parts = g_strsplit (raw_path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }

  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (normal, '/');
      g_string_append (normal, g_ptr_array_index (kept, i));
    }
  if (trailing && kept->len > 0)
    g_string_append_c (normal, '/');

  return jd_sigv4_uri_encode (normal->str, normal->len, TRUE);
}

typedef struct {
  char *key;
  char *value;
} QueryPair;

static int
query_pair_compare (gconstpointer a,
                    gconstpointer b)
{
  const QueryPair *pa = a;
  const QueryPair *pb = b;
  int r = strcmp (pa->key, pb->key);

  return r != 0 ? r : strcmp (pa->value, pb->value);
}

static void
query_pair_clear (gpointer data)
{
  QueryPair *pair = data;

  g_free (pair->key);
  g_free (pair->value);
}

/**
 * jd_sigv4_canonical_query:
 * @raw_query: (nullable): the query as sent on the wire, without `?`
 *
 * Returns: (transfer full): the canonical query string (maybe empty)
 */
char *
jd_sigv4_canonical_query (const char *raw_query)
{
  g_autoptr(GArray) pairs = NULL;
  g_auto(GStrv) items = NULL;
  GString *out;

  if (raw_query == NULL || raw_query[0] == '\0')
    return g_strdup ("");

  pairs = g_array_new (FALSE, TRUE, sizeof (QueryPair));
  g_array_set_clear_func (pairs, query_pair_clear);

  items = g_strsplit (raw_query, "&", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      const char *eq = strchr (item, '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      QueryPair pair;

      if (item[0] == '\0')
        continue;

      key = percent_decode (item, eq != NULL ? (gsize) (eq - item) : strlen (item));
      value = eq != NULL ? percent_decode (eq + 1, strlen (eq + 1)) : g_strdup ("");

      pair.key = jd_sigv4_uri_encode (key, -1, FALSE);
      pair.value = jd_sigv4_uri_encode (value, -1, FALSE);
      g_array_append_val (pairs, pair);
    }

  g_array_sort (pairs, query_pair_compare);

  out = g_string_new (NULL);
  for (guint i = 0; i < pairs->len; i++)
    {
      QueryPair *pair = &g_array_index (pairs, QueryPair, i);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", pair->key, pair->value);
    }

  return g_string_free (out, FALSE);
}

/* Trims and collapses runs of whitespace to one space. */
static void
append_header_value (GString    *out,
                     const char *value)
{
  gboolean in_space = FALSE;
  gboolean started = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          in_space = TRUE;
          continue;
        }
      if (in_space && started)
        g_string_append_c (out, ' ');
      in_space = FALSE;
      started = TRUE;
      g_string_append_c (out, *p);
    }
}

/**
 * jd_sigv4_canonical_headers:
 * @headers: the request's headers
 * @n_headers: how many
 * @signed_headers: the `;`-separated lowercase names to include, sorted
 *
 * Builds the canonical header block: one `name:value\n` line per signed
 * name, values of repeated headers joined by `,`. A signed name absent from
 * @headers gives `name:` with an empty value.
 *
 * Returns: (transfer full): the block
 */
char *
jd_sigv4_canonical_headers (const JdSigv4Header *headers,
                            gsize                n_headers,
                            const char          *signed_headers)
{
  g_auto(GStrv) names = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (signed_headers != NULL, NULL);

  names = g_strsplit (signed_headers, ";", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean first = TRUE;

      if (names[i][0] == '\0')
        continue;

      g_string_append_printf (out, "%s:", names[i]);
      for (gsize j = 0; j < n_headers; j++)
        {
          if (g_ascii_strcasecmp (headers[j].name, names[i]) != 0)
            continue;
          if (!first)
            g_string_append_c (out, ',');
          append_header_value (out, headers[j].value != NULL ? headers[j].value : "");
          first = FALSE;
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_unsigned_header (const char *lower_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (unsigned_headers); i++)
    if (strcmp (unsigned_headers[i], lower_name) == 0)
      return TRUE;
  return g_str_has_prefix (lower_name, "proxy-") || g_str_has_prefix (lower_name, "sec-");
}

static int
strcmp_ptr (gconstpointer a,
            gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * jd_sigv4_default_signed_headers:
 * @headers: the request's headers
 * @n_headers: how many
 *
 * Returns: (transfer full): the sorted `;`-joined lowercase names of the
 *   headers a signer signs (all but the ones SDKs leave out), deduplicated
 */
char *
jd_sigv4_default_signed_headers (const JdSigv4Header *headers,
                                 gsize                n_headers)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < n_headers; i++)
    {
      g_autofree char *lower = g_ascii_strdown (headers[i].name, -1);
      gboolean seen = FALSE;

      if (is_unsigned_header (lower))
        continue;
      for (guint j = 0; j < names->len && !seen; j++)
        seen = strcmp (g_ptr_array_index (names, j), lower) == 0;
      if (!seen)
        g_ptr_array_add (names, g_steal_pointer (&lower));
    }

  g_ptr_array_sort (names, strcmp_ptr);
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ';');
      g_string_append (out, g_ptr_array_index (names, i));
    }

  return g_string_free (out, FALSE);
}

/**
 * jd_sigv4_payload_hash:
 * @body: (nullable): the body bytes
 * @body_len: their length
 *
 * Returns: (transfer full): lowercase hex SHA-256 of the body
 */
char *
jd_sigv4_payload_hash (const guint8 *body,
                       gsize         body_len)
{
  if (body == NULL || body_len == 0)
    return g_strdup (JD_SIGV4_EMPTY_PAYLOAD_HASH);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, body, body_len);
}

/**
 * jd_sigv4_canonical_request:
 * @request: the request
 * @signed_headers: `;`-joined sorted lowercase names
 * @payload_hash: hex SHA-256 of the body (or the X-Amz-Content-SHA256 value)
 *
 * Returns: (transfer full): the canonical request
 */
char *
jd_sigv4_canonical_request (const JdSigv4Request *request,
                            const char           *signed_headers,
                            const char           *payload_hash)
{
  g_autofree char *uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *headers = NULL;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (signed_headers != NULL, NULL);
  g_return_val_if_fail (payload_hash != NULL, NULL);

  uri = jd_sigv4_canonical_uri (request->path);
  query = jd_sigv4_canonical_query (request->query);
  headers = jd_sigv4_canonical_headers (request->headers, request->n_headers, signed_headers);

  return g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s",
                          request->method, uri, query, headers,
                          signed_headers, payload_hash);
}

/**
 * jd_sigv4_scope:
 *
 * Returns: (transfer full): `date8/region/service/aws4_request`
 */
char *
jd_sigv4_scope (const char *date8,
                const char *region,
                const char *service)
{
  return g_strdup_printf ("%s/%s/%s/aws4_request", date8, region, service);
}

/**
 * jd_sigv4_string_to_sign:
 *
 * Returns: (transfer full): the string to sign for @canonical_request
 */
char *
jd_sigv4_string_to_sign (const char *amz_date,
                         const char *scope,
                         const char *canonical_request)
{
  g_autofree char *hash =
    g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical_request, -1);

  return g_strdup_printf (JD_SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hash);
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_len,
             const char   *data,
             guint8        out[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize len = 32;

  g_hmac_update (hmac, (const guchar *) data, strlen (data));
  g_hmac_get_digest (hmac, out, &len);
  g_assert (len == 32);
}

/**
 * jd_sigv4_signing_key:
 * @key: (out caller-allocates): 32 bytes of kSigning
 */
void
jd_sigv4_signing_key (const char *secret_access_key,
                      const char *date8,
                      const char *region,
                      const char *service,
                      guint8      key[32])
{
  g_autofree char *k_secret = g_strconcat ("AWS4", secret_access_key, NULL);
  guint8 k_date[32], k_region[32], k_service[32];

  hmac_sha256 ((const guint8 *) k_secret, strlen (k_secret), date8, k_date);
  hmac_sha256 (k_date, 32, region, k_region);
  hmac_sha256 (k_region, 32, service, k_service);
  hmac_sha256 (k_service, 32, "aws4_request", key);

  memset (k_secret, 0, strlen (k_secret));
}

/**
 * jd_sigv4_signature:
 *
 * Returns: (transfer full): lowercase hex HMAC-SHA256(@key, @string_to_sign)
 */
char *
jd_sigv4_signature (const guint8  key[32],
                    const char   *string_to_sign)
{
  guint8 mac[32];
  GString *out = g_string_sized_new (64);

  hmac_sha256 (key, 32, string_to_sign, mac);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (out, "%02x", mac[i]);

  return g_string_free (out, FALSE);
}

/**
 * jd_sigv4_format_amz_date:
 *
 * Returns: (transfer full): @time in UTC as `YYYYMMDDTHHMMSSZ`
 */
char *
jd_sigv4_format_amz_date (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

/**
 * jd_sigv4_parse_amz_date:
 *
 * Returns: (transfer full) (nullable): the time, or %NULL if not of the form
 *   `YYYYMMDDTHHMMSSZ`
 */
GDateTime *
jd_sigv4_parse_amz_date (const char *amz_date)
{
  int f[6];
  static const int widths[6] = { 4, 2, 2, 2, 2, 2 };
  const char *p = amz_date;

  if (amz_date == NULL || strlen (amz_date) != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z')
    return NULL;

  for (guint i = 0; i < 6; i++)
    {
      f[i] = 0;
      if (i == 3)
        p++;   /* the 'T' */
      for (int w = 0; w < widths[i]; w++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return NULL;
          f[i] = f[i] * 10 + (*p - '0');
        }
    }

  return g_date_time_new_utc (f[0], f[1], f[2], f[3], f[4], f[5]);
}

static const char *
find_header (const JdSigv4Request *request,
             const char           *name)
{
  for (gsize i = 0; i < request->n_headers; i++)
    if (g_ascii_strcasecmp (request->headers[i].name, name) == 0)
      return request->headers[i].value;
  return NULL;
}

/**
 * jd_sigv4_sign:
 * @request: the request to sign (Host among its headers)
 * @credentials: key pair, optional session token, region
 * @service: the credential-scope service name
 * @now: (nullable): the signing time (NULL = now)
 * @out_authorization: (out): the Authorization header value
 * @out_amz_date: (out): the X-Amz-Date header value
 */
void
jd_sigv4_sign (const JdSigv4Request     *request,
               const JdSigv4Credentials *credentials,
               const char               *service,
               GDateTime                *now,
               char                    **out_authorization,
               char                    **out_amz_date)
{
  g_autoptr(GDateTime) current = NULL;
  g_autoptr(GArray) headers = NULL;
  g_autofree char *amz_date = NULL;
  g_autofree char *date8 = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *payload_hash = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  JdSigv4Request full;
  JdSigv4Header extra;
  const char *content_sha;
  guint8 key[32];

  g_return_if_fail (request != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (service != NULL);
  g_return_if_fail (out_authorization != NULL);
  g_return_if_fail (out_amz_date != NULL);

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  amz_date = jd_sigv4_format_amz_date (current);
  date8 = g_strndup (amz_date, 8);

  /* The request's own headers minus any stale X-Amz-Date / token, plus ours. */
  headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
  for (gsize i = 0; i < request->n_headers; i++)
    {
      if (g_ascii_strcasecmp (request->headers[i].name, "x-amz-date") == 0
          || g_ascii_strcasecmp (request->headers[i].name, "x-amz-security-token") == 0
          || g_ascii_strcasecmp (request->headers[i].name, "authorization") == 0)
        continue;
      g_array_append_val (headers, request->headers[i]);
    }
  extra.name = "x-amz-date";
  extra.value = amz_date;
  g_array_append_val (headers, extra);
  if (credentials->session_token != NULL)
    {
      extra.name = "x-amz-security-token";
      extra.value = credentials->session_token;
      g_array_append_val (headers, extra);
    }

  full = *request;
  full.headers = (const JdSigv4Header *) (gpointer) headers->data;
  full.n_headers = headers->len;

  signed_headers = jd_sigv4_default_signed_headers (full.headers, full.n_headers);
  content_sha = find_header (&full, "x-amz-content-sha256");
  payload_hash = content_sha != NULL ? g_strdup (content_sha)
                                     : jd_sigv4_payload_hash (request->body, request->body_len);
  canonical = jd_sigv4_canonical_request (&full, signed_headers, payload_hash);
  scope = jd_sigv4_scope (date8, credentials->region, service);
  to_sign = jd_sigv4_string_to_sign (amz_date, scope, canonical);
  jd_sigv4_signing_key (credentials->secret_access_key, date8, credentials->region, service, key);
  signature = jd_sigv4_signature (key, to_sign);
  memset (key, 0, sizeof key);

  *out_authorization = g_strdup_printf (JD_SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                        credentials->access_key_id, scope, signed_headers, signature);
  *out_amz_date = g_steal_pointer (&amz_date);
}

static gboolean
constant_time_equal (const char *a,
                     const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (a[i] ^ b[i]);

  return diff == 0;
}

typedef struct {
  char *credential;
  char *signed_headers;
  char *signature;
} AuthParts;

static void
auth_parts_clear (AuthParts *parts)
{
  g_clear_pointer (&parts->credential, g_free);
  g_clear_pointer (&parts->signed_headers, g_free);
  g_clear_pointer (&parts->signature, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuthParts, auth_parts_clear)

/* Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`,
 * tolerating missing spaces after the commas. */
static gboolean
parse_authorization (const char *value,
                     AuthParts  *parts,
                     GError    **error)
{
  g_auto(GStrv) items = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  const char *rest;

  if (!g_str_has_prefix (value, JD_SIGV4_ALGORITHM)
      || (value[strlen (JD_SIGV4_ALGORITHM)] != ' ' && value[strlen (JD_SIGV4_ALGORITHM)] != '\0'))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                   "Authorization header requires the '" JD_SIGV4_ALGORITHM "' algorithm. Authorization=%s",
                   value);
      return FALSE;
    }

  rest = value + strlen (JD_SIGV4_ALGORITHM);
  items = g_strsplit (rest, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      static const char *const names[] = { "Credential", "SignedHeaders", "Signature" };
      char **slots[] = { &parts->credential, &parts->signed_headers, &parts->signature };
      const char *item = g_strstrip (items[i]);
      const char *equal = strchr (item, '=');

      if (*item == '\0')
        continue;
      if (equal == NULL)
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                       "'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.",
                       item, value);
          return FALSE;
        }

      /* A parameter given twice is malformed: which one was signed? */
      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        if ((gsize) (equal - item) == strlen (names[k]) && strncmp (item, names[k], equal - item) == 0)
          {
            if (*slots[k] != NULL)
              {
                g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                             "Authorization header has a duplicate '%s' parameter. Authorization=%s",
                             names[k], value);
                return FALSE;
              }
            *slots[k] = g_strdup (equal + 1);
          }
    }

  if (parts->credential == NULL || parts->credential[0] == '\0')
    g_string_append (missing, "Authorization header requires 'Credential' parameter. ");
  if (parts->signature == NULL || parts->signature[0] == '\0')
    g_string_append (missing, "Authorization header requires 'Signature' parameter. ");
  if (parts->signed_headers == NULL || parts->signed_headers[0] == '\0')
    g_string_append (missing, "Authorization header requires 'SignedHeaders' parameter. ");

  if (missing->len > 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                   "%sAuthorization=%s", missing->str, value);
      return FALSE;
    }

  return TRUE;
}

/* SignedHeaders must name `host` and no empty header. The order is the
 * signer's: the canonical request is rebuilt in that same order. */
static gboolean
signed_headers_valid (const char *signed_headers)
{
  g_auto(GStrv) names = g_strsplit (signed_headers, ";", -1);
  gboolean has_host = FALSE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (names[i][0] == '\0')
        return FALSE;
      if (g_ascii_strcasecmp (names[i], "host") == 0)
        has_host = TRUE;
    }

  return has_host;
}

/**
 * jd_sigv4_verify:
 * @request: the received request, with its raw path and query
 * @credentials: the only known key pair, optional session token, and region
 * @services: NULL-terminated accepted credential-scope services
 * @now: (nullable): the verifier's time
 * @out_service: (out) (optional): the scope's service
 * @error: a #JD_JOBS_ERROR on failure, its message in AWS's words
 *
 * Returns: %TRUE if the signature is valid and current
 */
gboolean
jd_sigv4_verify (const JdSigv4Request     *request,
                 const JdSigv4Credentials *credentials,
                 const char *const        *services,
                 GDateTime                *now,
                 char                    **out_service,
                 GError                  **error)
{
  g_auto(AuthParts) parts = { NULL, NULL, NULL };
  g_auto(GStrv) scope_parts = NULL;
  g_autoptr(GDateTime) current = NULL;
  g_autoptr(GDateTime) sent = NULL;
  g_autofree char *payload_hash = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *expected = NULL;
  const char *authorization;
  const char *amz_date;
  const char *content_sha;
  const char *service = NULL;
  gint64 skew;
  guint8 key[32];
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);
  g_return_val_if_fail (services != NULL, FALSE);

  authorization = find_header (request, "authorization");
  if (authorization == NULL || authorization[0] == '\0')
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION,
                           "Missing Authentication Token");
      return FALSE;
    }

  if (!parse_authorization (authorization, &parts, error))
    return FALSE;

  scope_parts = g_strsplit (parts.credential, "/", -1);
  if (g_strv_length (scope_parts) != 5 || strcmp (scope_parts[4], "aws4_request") != 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                   "Credential should be scoped to a valid region. Credential=%s",
                   parts.credential);
      return FALSE;
    }

  amz_date = find_header (request, "x-amz-date");
  if (amz_date == NULL)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                           "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
      return FALSE;
    }
  sent = jd_sigv4_parse_amz_date (amz_date);
  if (sent == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                   "Date must be in ISO-8601 'basic format'. Got '%s'.", amz_date);
      return FALSE;
    }

  if (strncmp (scope_parts[1], amz_date, 8) != 0 || strlen (scope_parts[1]) != 8)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%.8s', from '%s'.",
                   scope_parts[1], amz_date, amz_date);
      return FALSE;
    }

  for (guint i = 0; services[i] != NULL; i++)
    if (strcmp (services[i], scope_parts[3]) == 0)
      service = services[i];
  if (service == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                   "Credential should be scoped to correct service: '%s'. ", services[0]);
      return FALSE;
    }

  if (strcmp (scope_parts[2], credentials->region) != 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                   "Credential should be scoped to a valid region, not '%s'. ", scope_parts[2]);
      return FALSE;
    }

  if (strcmp (scope_parts[0], credentials->access_key_id) != 0)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION,
                           "The security token included in the request is invalid.");
      return FALSE;
    }

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  skew = g_date_time_to_unix (sent) - g_date_time_to_unix (current);
  if (skew < -JD_SIGV4_MAX_SKEW_SECONDS || skew > JD_SIGV4_MAX_SKEW_SECONDS)
    {
      g_autoptr(GDateTime) limit = NULL;
      g_autofree char *now_text = jd_sigv4_format_amz_date (current);
      g_autofree char *limit_text = NULL;

      if (skew < 0)
        {
          limit = g_date_time_add_seconds (current, -JD_SIGV4_MAX_SKEW_SECONDS);
          limit_text = jd_sigv4_format_amz_date (limit);
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                       "Signature expired: %s is now earlier than %s (%s - 5 min.)",
                       amz_date, limit_text, now_text);
        }
      else
        {
          limit = g_date_time_add_seconds (current, JD_SIGV4_MAX_SKEW_SECONDS);
          limit_text = jd_sigv4_format_amz_date (limit);
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                       "Signature not yet current: %s is still later than %s (%s + 5 min.)",
                       amz_date, limit_text, now_text);
        }
      return FALSE;
    }

  if (!signed_headers_valid (parts.signed_headers))
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                           "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
      return FALSE;
    }

  names = g_strsplit (parts.signed_headers, ";", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (find_header (request, names[i]) == NULL)
      {
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                     "Signed header '%s' is missing from the request.", names[i]);
        return FALSE;
      }

  if (credentials->session_token != NULL)
    {
      const char *token = find_header (request, "x-amz-security-token");

      if (token == NULL || !constant_time_equal (token, credentials->session_token))
        {
          g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION,
                               "The security token included in the request is invalid.");
          return FALSE;
        }
    }

  payload_hash = jd_sigv4_payload_hash (request->body, request->body_len);
  content_sha = find_header (request, "x-amz-content-sha256");
  if (content_sha != NULL && strcmp (content_sha, "UNSIGNED-PAYLOAD") != 0
      && g_ascii_strcasecmp (content_sha, payload_hash) != 0)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                           "The provided 'x-amz-content-sha256' header does not match what was computed.");
      return FALSE;
    }
  if (content_sha != NULL)
    {
      g_free (payload_hash);
      payload_hash = g_strdup (content_sha);
    }

  canonical = jd_sigv4_canonical_request (request, parts.signed_headers, payload_hash);
  scope = jd_sigv4_scope (scope_parts[1], scope_parts[2], service);
  to_sign = jd_sigv4_string_to_sign (amz_date, scope, canonical);
  jd_sigv4_signing_key (credentials->secret_access_key, scope_parts[1], scope_parts[2], service, key);
  expected = jd_sigv4_signature (key, to_sign);
  memset (key, 0, sizeof key);

  if (!constant_time_equal (expected, parts.signature))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                   "The request signature we calculated does not match the signature you provided. "
                   "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                   "The Canonical String for this request should have been\n'%s'\n\n"
                   "The String-to-Sign should have been\n'%s'\n",
                   canonical, to_sign);
      return FALSE;
    }

  if (out_service != NULL)
    *out_service = g_strdup (service);

  return TRUE;
}
