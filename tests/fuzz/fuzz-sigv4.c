/* fuzz-sigv4.c — libFuzzer target: SigV4 canonicalization and verification on
 * a fuzzed request. The input is the method, the raw path and the raw query
 * (one line each), header lines "Name: value", an empty line, then the body.
 *
 * The request is verified as it is (a fuzzed Authorization header exercises
 * the parser), and, when it carries no signature (nor a payload hash) of its
 * own, signed with the one implementation and verified again: that must pass
 * at the signing time and fail as "Signature expired" ten minutes later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-sigv4"

#include <string.h>

#include "jd-fuzz.h"
#include "jd-sigv4.h"

#define MAX_HEADERS 32

static const JdSigv4Credentials credentials = {
  "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL, "us-east-1",
};
static const char *const services[] = { "iot", "execute-api", NULL };

/* Next line of [*pos, end) as a new string; NULL at the end. */
static char *
next_line (const char **pos,
           const char  *end)
{
  const char *newline;
  char *line;

  if (*pos >= end)
    return NULL;
  newline = memchr (*pos, '\n', end - *pos);
  if (newline == NULL)
    newline = end;
  line = g_strndup (*pos, newline - *pos);
  *pos = newline < end ? newline + 1 : end;
  return line;
}

static gboolean
is_token (const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *pos = (const char *) data;
  const char *end = pos + size;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  JdSigv4Header headers[MAX_HEADERS + 3];
  gsize n_headers = 0;
  gboolean signable = TRUE;
  gboolean has_host = FALSE;
  JdSigv4Request request;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 23, 12, 0, 0);

  jd_fuzz_init_logging ();

  method = next_line (&pos, end);
  path = next_line (&pos, end);
  query = next_line (&pos, end);
  if (method == NULL || path == NULL || query == NULL)
    return 0;

  for (;;)
    {
      char *line = next_line (&pos, end);
      char *colon;

      if (line == NULL)
        break;
      g_ptr_array_add (strings, line);
      if (line[0] == '\0')
        break;
      if (n_headers == MAX_HEADERS)
        continue;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      headers[n_headers].name = line;
      headers[n_headers].value = colon + 1;
      if (!is_token (line) ||
          g_ascii_strcasecmp (line, "authorization") == 0 ||
          g_ascii_strcasecmp (line, "x-amz-date") == 0 ||
          g_ascii_strcasecmp (line, "x-amz-security-token") == 0 ||
          g_ascii_strcasecmp (line, "x-amz-content-sha256") == 0)
        signable = FALSE;
      if (g_ascii_strcasecmp (line, "host") == 0)
        has_host = TRUE;
      n_headers++;
    }

  request.method = method;
  request.path = path;
  request.query = query[0] != '\0' ? query : NULL;
  request.headers = headers;
  request.n_headers = n_headers;
  request.body = (const guint8 *) pos;
  request.body_len = end - pos;

  /* The building blocks never fail. */
  {
    g_autofree char *encoded = jd_sigv4_uri_encode (path, -1, TRUE);
    g_autofree char *encoded_all = jd_sigv4_uri_encode ((const char *) data, size, FALSE);
    g_autofree char *uri = jd_sigv4_canonical_uri (path);
    g_autofree char *canonical_query = jd_sigv4_canonical_query (request.query);
    g_autofree char *signed_headers = jd_sigv4_default_signed_headers (headers, n_headers);
    g_autofree char *canonical_headers = jd_sigv4_canonical_headers (headers, n_headers, signed_headers);
    g_autofree char *hash = jd_sigv4_payload_hash (request.body, request.body_len);
    g_autofree char *canonical = jd_sigv4_canonical_request (&request, signed_headers, hash);
    g_autoptr(GDateTime) parsed = jd_sigv4_parse_amz_date (query);

    g_assert_nonnull (encoded);
    g_assert_nonnull (encoded_all);
    g_assert_nonnull (uri);
    g_assert_nonnull (canonical_query);
    g_assert_nonnull (canonical);
    g_assert_nonnull (canonical_headers);
    /* The query line as an X-Amz-Date: when it parses, it formats again. */
    if (parsed != NULL)
      {
        g_autofree char *formatted = jd_sigv4_format_amz_date (parsed);

        g_assert_nonnull (formatted);
      }
    g_assert_cmpuint (strlen (hash), ==, 64);
  }

  /* As it is: accepted or refused with an error, never both or neither. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *service = NULL;
    gboolean ok = jd_sigv4_verify (&request, &credentials, services, now, &service, &error);

    g_assert_true (ok == (error == NULL));
    g_assert_true (ok == (service != NULL));
  }

  if (!signable)
    return 0;

  /* Signed by us, verified by us. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) later = g_date_time_add_minutes (now, 10);
    g_autofree char *authorization = NULL;
    g_autofree char *amz_date = NULL;

    if (!has_host)
      {
        headers[n_headers].name = "Host";
        headers[n_headers].value = "127.0.0.1:8443";
        request.n_headers = ++n_headers;
      }
    jd_sigv4_sign (&request, &credentials, "iot", now, &authorization, &amz_date);
    headers[n_headers].name = "Authorization";
    headers[n_headers].value = authorization;
    headers[n_headers + 1].name = "X-Amz-Date";
    headers[n_headers + 1].value = amz_date;
    request.n_headers = n_headers + 2;

    if (!jd_sigv4_verify (&request, &credentials, services, now, NULL, &error))
      g_error ("a request we signed does not verify: %s", error->message);
    g_assert_false (jd_sigv4_verify (&request, &credentials, services, later, NULL, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION);
    g_assert_true (g_str_has_prefix (error->message, "Signature expired"));
  }

  return 0;
}
