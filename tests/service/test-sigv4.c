/* test-sigv4.c — SigV4 against every vector of control-plane-api.md §8, plus
 * the verifier's answers to wrong keys, signatures, scopes, skew and headers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-sigv4"

#include <string.h>

#include "jd-sigv4.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define AMZ_DATE "20150830T123600Z"
#define TOKEN "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

static const JdSigv4Credentials creds = { AKID, SECRET, NULL, "us-east-1" };
static const char *const iot_services[] = { "iot", "execute-api", NULL };

static GDateTime *
vector_time (void)
{
  return g_date_time_new_utc (2015, 8, 30, 12, 36, 0);
}

static char *
hex_key (const guint8 key[32])
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < 32; i++)
    g_string_append_printf (out, "%02x", key[i]);
  return g_string_free (out, FALSE);
}

/* Checks canonical request, its hash, string to sign, signature, and that
 * jd_sigv4_sign() produces the same Authorization, and that it verifies. */
static void
check_vector (const JdSigv4Request *req,
              const char           *service,
              const char           *signed_headers,
              const char           *expected_canonical,   /* nullable */
              const char           *expected_hash,        /* nullable */
              const char           *expected_signature)
{
  const JdSigv4Credentials *c = &creds;
  g_autoptr(GDateTime) now = vector_time ();
  g_autofree char *payload = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *expected_to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  g_autofree char *expected_auth = NULL;
  guint8 key[32];

  payload = jd_sigv4_payload_hash (req->body, req->body_len);
  canonical = jd_sigv4_canonical_request (req, signed_headers, payload);
  if (expected_canonical != NULL)
    g_assert_cmpstr (canonical, ==, expected_canonical);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  if (expected_hash != NULL)
    g_assert_cmpstr (hash, ==, expected_hash);

  scope = jd_sigv4_scope ("20150830", "us-east-1", service);
  to_sign = jd_sigv4_string_to_sign (AMZ_DATE, scope, canonical);
  expected_to_sign = g_strdup_printf ("AWS4-HMAC-SHA256\n" AMZ_DATE "\n%s\n%s", scope, hash);
  g_assert_cmpstr (to_sign, ==, expected_to_sign);

  jd_sigv4_signing_key (SECRET, "20150830", "us-east-1", service, key);
  signature = jd_sigv4_signature (key, to_sign);
  g_assert_cmpstr (signature, ==, expected_signature);

  /* The verifier accepts the request carrying that signature. */
  {
    g_autoptr(GArray) headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
    g_autofree char *auth = g_strdup_printf ("AWS4-HMAC-SHA256 Credential=" AKID "/%s, SignedHeaders=%s, Signature=%s",
                                             scope, signed_headers, signature);
    const char *services[] = { service, NULL };
    JdSigv4Request signed_req = *req;
    JdSigv4Header h;
    g_autoptr(GError) error = NULL;
    g_autofree char *got_service = NULL;
    gboolean has_date = FALSE;

    g_array_append_vals (headers, req->headers, req->n_headers);
    for (gsize i = 0; i < req->n_headers; i++)
      has_date |= g_ascii_strcasecmp (req->headers[i].name, "x-amz-date") == 0;
    if (!has_date)
      {
        h.name = "X-Amz-Date";
        h.value = AMZ_DATE;
        g_array_append_val (headers, h);
      }
    h.name = "Authorization";
    h.value = auth;
    g_array_append_val (headers, h);
    signed_req.headers = (const JdSigv4Header *) (gpointer) headers->data;
    signed_req.n_headers = headers->len;

    g_assert_true (jd_sigv4_verify (&signed_req, c, services, now, &got_service, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (got_service, ==, service);
  }

  /* The signer, left to choose headers itself, agrees when the choice is the same. */
  {
    g_autofree char *defaults = NULL;
    g_autoptr(GArray) headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
    JdSigv4Header h = { "X-Amz-Date", AMZ_DATE };

    g_array_append_vals (headers, req->headers, req->n_headers);
    g_array_append_val (headers, h);
    defaults = jd_sigv4_default_signed_headers ((const JdSigv4Header *) (gpointer) headers->data, headers->len);
    if (strcmp (defaults, signed_headers) != 0)
      return;
  }

  jd_sigv4_sign (req, c, service, now, &authorization, &amz_date);
  g_assert_cmpstr (amz_date, ==, AMZ_DATE);
  expected_auth = g_strdup_printf ("AWS4-HMAC-SHA256 Credential=" AKID "/%s, SignedHeaders=%s, Signature=%s",
                                   scope, signed_headers, expected_signature);
  g_assert_cmpstr (authorization, ==, expected_auth);
}

static void
test_signing_key (void)
{
  guint8 key[32];
  g_autofree char *hex1 = NULL;
  g_autofree char *hex2 = NULL;

  jd_sigv4_signing_key (SECRET, "20150830", "us-east-1", "service", key);
  hex1 = hex_key (key);
  g_assert_cmpstr (hex1, ==, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
  jd_sigv4_signing_key (SECRET, "20150830", "us-east-1", "iam", key);
  hex2 = hex_key (key);
  g_assert_cmpstr (hex2, ==, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

static void
test_uri_encode (void)
{
  g_autofree char *a = jd_sigv4_uri_encode ("a b/c~d_e.f-g:h+", -1, FALSE);
  g_autofree char *b = jd_sigv4_uri_encode ("a b/c", -1, TRUE);
  g_autofree char *c = jd_sigv4_uri_encode ("\xc3\xa9", -1, FALSE);
  g_autofree char *u1 = jd_sigv4_canonical_uri ("/things/my%3Athing/jobs");
  g_autofree char *u2 = jd_sigv4_canonical_uri ("");
  g_autofree char *u3 = jd_sigv4_canonical_uri ("/a/./b/../c//d/");
  g_autofree char *u4 = jd_sigv4_canonical_uri ("/../..");
  g_autofree char *q1 = jd_sigv4_canonical_query ("b=2&a=1&a=0&c");
  g_autofree char *q2 = jd_sigv4_canonical_query ("k=a%20b&x=%3A");
  g_autofree char *q3 = jd_sigv4_canonical_query (NULL);

  g_assert_cmpstr (a, ==, "a%20b%2Fc~d_e.f-g%3Ah%2B");
  g_assert_cmpstr (b, ==, "a%20b/c");
  g_assert_cmpstr (c, ==, "%C3%A9");
  g_assert_cmpstr (u1, ==, "/things/my%253Athing/jobs");
  g_assert_cmpstr (u2, ==, "/");
  g_assert_cmpstr (u3, ==, "/a/c/d/");
  g_assert_cmpstr (u4, ==, "/");
  g_assert_cmpstr (q1, ==, "a=0&a=1&b=2&c=");
  g_assert_cmpstr (q2, ==, "k=a%20b&x=%3A");
  g_assert_cmpstr (q3, ==, "");
}

static void
test_canonical_headers (void)
{
  const JdSigv4Header headers[] = {
    { "Host", "example.com" },
    { "X-Multi", "  a   b  " },
    { "x-multi", "c" },
    { "User-Agent", "x" },
  };
  g_autofree char *block = jd_sigv4_canonical_headers (headers, G_N_ELEMENTS (headers), "host;x-multi");
  g_autofree char *names = jd_sigv4_default_signed_headers (headers, G_N_ELEMENTS (headers));

  g_assert_cmpstr (block, ==, "host:example.com\nx-multi:a b,c\n");
  g_assert_cmpstr (names, ==, "host;x-multi");
}

static void
test_get_vanilla (void)
{
  const JdSigv4Header headers[] = { { "Host", "example.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "GET", "/", NULL, headers, G_N_ELEMENTS (headers), NULL, 0 };
  const JdSigv4Header host_only[] = { { "Host", "example.amazonaws.com" } };
  JdSigv4Request req2 = { "GET", "/", NULL, host_only, 1, NULL, 0 };
  g_autoptr(GDateTime) now = vector_time ();
  g_autofree char *auth = NULL;
  g_autofree char *date = NULL;

  check_vector (&req, "service", "host;x-amz-date",
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

  /* The signer adds X-Amz-Date itself. */
  jd_sigv4_sign (&req2, &creds, "service", now, &auth, &date);
  g_assert_cmpstr (auth, ==, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                   "SignedHeaders=host;x-amz-date, "
                   "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void
test_get_vanilla_query_order (void)
{
  const JdSigv4Header headers[] = { { "Host", "example.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "GET", "/", "Param2=value2&Param1=value1", headers, 2, NULL, 0 };

  check_vector (&req, "service", "host;x-amz-date",
                "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

static void
test_post_form (void)
{
  static const char body[] = "Param1=value1";
  const JdSigv4Header headers[] = {
    { "Content-Type", "application/x-www-form-urlencoded" },
    { "Host", "example.amazonaws.com" },
    { "X-Amz-Date", AMZ_DATE },
  };
  JdSigv4Request req = { "POST", "/", NULL, headers, 3, (const guint8 *) body, strlen (body) };
  g_autofree char *to_sign = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *scope = jd_sigv4_scope ("20150830", "us-east-1", "service");

  g_assert_cmpuint (strlen (body), ==, 13);
  check_vector (&req, "service", "content-type;host;x-amz-date",
                "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
                "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");

  canonical = jd_sigv4_canonical_request (&req, "content-type;host;x-amz-date",
                                          "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  to_sign = jd_sigv4_string_to_sign (AMZ_DATE, scope, canonical);
  g_assert_true (g_str_has_suffix (to_sign, "\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"));
}

static void
test_post_form_aws_c_auth (void)
{
  static const char body[] = "Param1=value1";
  const JdSigv4Header headers[] = {
    { "Content-Length", "13" },
    { "Content-Type", "application/x-www-form-urlencoded" },
    { "Host", "example.amazonaws.com" },
    { "X-Amz-Content-SHA256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e" },
    { "X-Amz-Date", AMZ_DATE },
  };
  JdSigv4Request req = { "POST", "/", NULL, headers, 5, (const guint8 *) body, strlen (body) };

  check_vector (&req, "service", "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
                NULL,
                "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
                "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
}

static void
test_session_token (void)
{
  const JdSigv4Header headers[] = { { "Host", "example.amazonaws.com" } };
  JdSigv4Request req = { "GET", "/", NULL, headers, 1, NULL, 0 };
  const JdSigv4Credentials token_creds = { AKID, SECRET, TOKEN, "us-east-1" };
  const char *services[] = { "service", NULL };
  const JdSigv4Header full[] = {
    { "Host", "example.amazonaws.com" },
    { "X-Amz-Date", AMZ_DATE },
    { "X-Amz-Security-Token", TOKEN },
  };
  JdSigv4Request full_req = { "GET", "/", NULL, full, 3, NULL, 0 };
  g_autoptr(GDateTime) now = vector_time ();
  g_autofree char *auth = NULL;
  g_autofree char *date = NULL;
  g_autofree char *payload = jd_sigv4_payload_hash (NULL, 0);
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;
  JdSigv4Header signed_headers[4];
  JdSigv4Request signed_req;
  g_autoptr(GError) error = NULL;

  canonical = jd_sigv4_canonical_request (&full_req, "host;x-amz-date;x-amz-security-token", payload);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  g_assert_cmpstr (hash, ==, "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b");

  jd_sigv4_sign (&req, &token_creds, "service", now, &auth, &date);
  g_assert_cmpstr (auth, ==, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                   "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                   "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");

  memcpy (signed_headers, full, sizeof full);
  signed_headers[3].name = "Authorization";
  signed_headers[3].value = auth;
  signed_req = full_req;
  signed_req.headers = signed_headers;
  signed_req.n_headers = 4;
  g_assert_true (jd_sigv4_verify (&signed_req, &token_creds, services, now, NULL, &error));
  g_assert_no_error (error);

  /* A wrong token is refused even though the signature matches its value. */
  {
    const JdSigv4Credentials other = { AKID, SECRET, "another-token", "us-east-1" };

    g_assert_false (jd_sigv4_verify (&signed_req, &other, services, now, NULL, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION);
    g_assert_cmpstr (error->message, ==, "The security token included in the request is invalid.");
  }
}

static void
test_post_vanilla (void)
{
  const JdSigv4Header headers[] = { { "Host", "example.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "POST", "/", NULL, headers, 2, NULL, 0 };

  check_vector (&req, "service", "host;x-amz-date", NULL, NULL,
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

static void
test_get_space_unnormalized (void)
{
  const JdSigv4Header headers[] = { { "Host", "example.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "GET", "/example space/", NULL, headers, 2, NULL, 0 };
  g_autofree char *uri = jd_sigv4_canonical_uri ("/example space/");
  g_autofree char *wire = jd_sigv4_canonical_uri ("/example%20space/");

  g_assert_cmpstr (uri, ==, "/example%20space/");
  g_assert_cmpstr (wire, ==, "/example%2520space/");
  check_vector (&req, "service", "host;x-amz-date", NULL, NULL,
                "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

static void
test_iot_list_executions (void)
{
  const JdSigv4Header headers[] = { { "Host", "iot.us-east-1.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "GET", "/things/my%3Athing/jobs", "status=QUEUED&maxResults=10", headers, 2, NULL, 0 };

  check_vector (&req, "iot", "host;x-amz-date",
                "GET\n/things/my%253Athing/jobs\nmaxResults=10&status=QUEUED\nhost:iot.us-east-1.amazonaws.com\n"
                "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "8a76475fba38e3e64c97e60cc0abfd0fbbdc7daba7c2f219a0a449558420f1b7",
                "c06b555c3445e549c48b84aa923662b3ebe1921dcdac056378631394eda5663f");
}

static const char create_job_body[] =
  "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/dev1\"],\"document\":\"{}\"}";

static void
test_iot_create_job (void)
{
  const JdSigv4Header headers[] = {
    { "Content-Type", "application/json" },
    { "Host", "iot.us-east-1.amazonaws.com" },
    { "X-Amz-Date", AMZ_DATE },
  };
  JdSigv4Request req = { "PUT", "/jobs/job-1", NULL, headers, 3,
                         (const guint8 *) create_job_body, strlen (create_job_body) };

  g_assert_cmpuint (strlen (create_job_body), ==, 77);
  check_vector (&req, "iot", "content-type;host;x-amz-date",
                "PUT\n/jobs/job-1\n\ncontent-type:application/json\nhost:iot.us-east-1.amazonaws.com\n"
                "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                "4d8986303f252134c9f1907c0e086fd080f76d886bc421c2a84886ab5cf58983",
                "a227e43c0b09dbaa998122ac949e26db53a13cc62df05e4f94061570d48632c0",
                "8e6d3ec37bf3f4cc295fce6055700c8338d6dfe20d320fd3212d6165ce948cf5");
}

static void
test_iot_execute_api (void)
{
  const JdSigv4Header headers[] = { { "Host", "iot.us-east-1.amazonaws.com" }, { "X-Amz-Date", AMZ_DATE } };
  JdSigv4Request req = { "GET", "/jobs", "status=IN_PROGRESS", headers, 2, NULL, 0 };

  check_vector (&req, "execute-api", "host;x-amz-date",
                "GET\n/jobs\nstatus=IN_PROGRESS\nhost:iot.us-east-1.amazonaws.com\n"
                "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "f9b3d6f57b948798f150bc05b294e3f2093c7928254bbcf48155db9835d4511f",
                "50174f13d93fd85221942a9f5e82aec3f98cf671b1b96ea4ae137ffa7368c076");
}

/* ---- verifier ---- */

typedef struct {
  JdSigv4Header headers[8];
  gsize n_headers;
  JdSigv4Request req;
  char *authorization;
  char *amz_date;
} Signed;

static void
signed_clear (Signed *s)
{
  g_clear_pointer (&s->authorization, g_free);
  g_clear_pointer (&s->amz_date, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Signed, signed_clear)

/* Signs a CreateJob request for region us-east-1 with @secret and @service. */
static void
sign_create_job (Signed     *s,
                 const char *akid,
                 const char *secret,
                 const char *region,
                 const char *service,
                 GDateTime  *when)
{
  const JdSigv4Credentials c = { akid, secret, NULL, region };

  memset (s, 0, sizeof *s);
  s->headers[0] = (JdSigv4Header) { "Content-Type", "application/json" };
  s->headers[1] = (JdSigv4Header) { "Host", "127.0.0.1:8443" };
  s->headers[2] = (JdSigv4Header) { "User-Agent", "test" };
  s->req = (JdSigv4Request) { "PUT", "/jobs/job-1", NULL, s->headers, 3,
                              (const guint8 *) create_job_body, strlen (create_job_body) };
  jd_sigv4_sign (&s->req, &c, service, when, &s->authorization, &s->amz_date);
  s->headers[3] = (JdSigv4Header) { "X-Amz-Date", s->amz_date };
  s->headers[4] = (JdSigv4Header) { "Authorization", s->authorization };
  s->n_headers = 5;
  s->req.n_headers = 5;
}

static void
expect_refusal (Signed           *s,
                GDateTime        *now,
                JdJobsErrorCode   code,
                const char       *message_start)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (jd_sigv4_verify (&s->req, &creds, iot_services, now, NULL, &error));
  g_assert_error (error, JD_JOBS_ERROR, (int) code);
  if (!g_str_has_prefix (error->message, message_start))
    g_error ("message \"%s\" does not start with \"%s\"", error->message, message_start);
}

static void
test_verify_ok_and_services (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  const char *names[] = { "iot", "execute-api" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(Signed) s = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *service = NULL;

      sign_create_job (&s, AKID, SECRET, "us-east-1", names[i], now);
      g_assert_true (g_str_has_prefix (s.authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"));
      g_assert_nonnull (strstr (s.authorization, "SignedHeaders=content-type;host;x-amz-date,"));
      g_assert_true (jd_sigv4_verify (&s.req, &creds, iot_services, now, &service, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (service, ==, names[i]);
    }
}

static void
test_verify_wrong_key (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  g_auto(Signed) s = { 0 };
  g_auto(Signed) t = { 0 };

  sign_create_job (&s, AKID, "not-the-secret", "us-east-1", "iot", now);
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                  "The request signature we calculated does not match the signature you provided.");
  g_assert_cmpstr (jd_sigv4_error_to_aws_type (JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION), ==, "InvalidSignatureException");

  sign_create_job (&t, "AKIDUNKNOWN", SECRET, "us-east-1", "iot", now);
  expect_refusal (&t, now, JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION,
                  "The security token included in the request is invalid.");
  g_assert_cmpstr (jd_sigv4_error_to_aws_type (JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION), ==, "UnrecognizedClientException");
}

static void
test_verify_tampered (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  g_auto(Signed) s = { 0 };
  static const char other_body[] = "{\"targets\":[],\"document\":\"{}\"}";
  g_autofree char *bad_sig = NULL;
  char *p;

  /* A changed body. */
  sign_create_job (&s, AKID, SECRET, "us-east-1", "iot", now);
  s.req.body = (const guint8 *) other_body;
  s.req.body_len = strlen (other_body);
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION, "The request signature we calculated");

  /* A changed path. */
  s.req.body = (const guint8 *) create_job_body;
  s.req.body_len = strlen (create_job_body);
  s.req.path = "/jobs/job-2";
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION, "The request signature we calculated");
  s.req.path = "/jobs/job-1";

  /* One flipped hex digit of the signature. */
  bad_sig = g_strdup (s.authorization);
  p = bad_sig + strlen (bad_sig) - 1;
  *p = *p == '0' ? '1' : '0';
  s.headers[4].value = bad_sig;
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION, "The request signature we calculated");

  /* The unsigned User-Agent may change freely. */
  s.headers[4].value = s.authorization;
  s.headers[2].value = "something else";
  g_assert_true (jd_sigv4_verify (&s.req, &creds, iot_services, now, NULL, NULL));
}

static void
test_verify_skew (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  g_autoptr(GDateTime) late = g_date_time_add_seconds (now, 5 * 60 + 1);
  g_autoptr(GDateTime) early = g_date_time_add_seconds (now, -(5 * 60 + 1));
  g_autoptr(GDateTime) edge = g_date_time_add_seconds (now, 5 * 60);
  g_auto(Signed) s = { 0 };

  sign_create_job (&s, AKID, SECRET, "us-east-1", "iot", now);
  g_assert_true (jd_sigv4_verify (&s.req, &creds, iot_services, edge, NULL, NULL));
  expect_refusal (&s, late, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                  "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)");
  expect_refusal (&s, early, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                  "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T123059Z + 5 min.)");
}

static void
test_verify_scope (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  g_auto(Signed) s = { 0 };
  g_auto(Signed) r = { 0 };
  g_autofree char *wrong_date = NULL;

  sign_create_job (&s, AKID, SECRET, "us-east-1", "s3", now);
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                  "Credential should be scoped to correct service: 'iot'. ");

  sign_create_job (&r, AKID, SECRET, "eu-west-1", "iot", now);
  expect_refusal (&r, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION, "Credential should be scoped to a valid region");

  /* Scope date different from X-Amz-Date. */
  g_clear_pointer (&s.authorization, g_free);
  g_clear_pointer (&s.amz_date, g_free);
  sign_create_job (&s, AKID, SECRET, "us-east-1", "iot", now);
  wrong_date = g_strdup (s.authorization);
  memcpy (strstr (wrong_date, "20150830"), "20150831", 8);
  s.headers[4].value = wrong_date;
  expect_refusal (&s, now, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830'");
}

static void
test_verify_missing (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  g_auto(Signed) s = { 0 };
  g_autofree char *no_host = NULL;
  g_autofree char *extra = NULL;

  sign_create_job (&s, AKID, SECRET, "us-east-1", "iot", now);

  /* No Authorization at all. */
  s.req.n_headers = 4;
  expect_refusal (&s, now, JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION, "Missing Authentication Token");
  g_assert_cmpstr (jd_sigv4_error_to_aws_type (JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION), ==,
                   "MissingAuthenticationTokenException");
  s.req.n_headers = 5;

  /* Malformed Authorization. */
  s.headers[4].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iot/aws4_request";
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                  "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
  g_assert_cmpstr (jd_sigv4_error_to_aws_type (JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION), ==, "IncompleteSignatureException");
  s.headers[4].value = "Basic dXNlcjpwYXNz";
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION, "Authorization header requires");
  s.headers[4].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/us-east-1/iot, SignedHeaders=host, Signature=00";
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION, "Credential should be scoped to a valid region.");

  /* A second Signature= (or any parameter twice) is malformed, even when the
   * first one is right: AWS refuses it as IncompleteSignatureException. */
  {
    g_autofree char *twice = g_strconcat (s.authorization, ", Signature=0000", NULL);
    g_autofree char *twice_first = NULL;
    g_autofree char *cred_twice = g_strconcat (s.authorization, ", Credential=AKIDEXAMPLE/20150830/us-east-1/iot/aws4_request", NULL);
    const char *sig = strstr (s.authorization, "Signature=");

    twice_first = g_strdup_printf ("%.*sSignature=0000, %s", (int) (sig - s.authorization), s.authorization, sig);
    s.headers[4].value = twice;
    expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                    "Authorization header has a duplicate 'Signature' parameter. Authorization=");
    s.headers[4].value = twice_first;
    expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                    "Authorization header has a duplicate 'Signature' parameter.");
    s.headers[4].value = cred_twice;
    expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                    "Authorization header has a duplicate 'Credential' parameter.");
  }
  /* AWS's words for a parameter without '=' . */
  s.headers[4].value = "AWS4-HMAC-SHA256 Credential AKIDEXAMPLE/20150830/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=00";
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                  "'Credential AKIDEXAMPLE/20150830/us-east-1/iot/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '");

  /* No X-Amz-Date header. */
  s.headers[4].value = s.authorization;
  s.headers[3].name = "X-Other";
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  s.headers[3].name = "X-Amz-Date";

  /* host not among the signed headers. */
  no_host = g_strdup (s.authorization);
  {
    char *sh = strstr (no_host, "content-type;host;x-amz-date");
    memcpy (sh, "content-type;x-amz-date;;;;;", strlen ("content-type;host;x-amz-date"));
  }
  {
    g_autoptr(GString) fixed = g_string_new (no_host);
    g_string_replace (fixed, ";;;;;", "", 0);
    g_free (no_host);
    no_host = g_string_free (g_steal_pointer (&fixed), FALSE);
  }
  s.headers[4].value = no_host;
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,
                  "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  /* A signed header the request does not carry. */
  {
    g_autoptr(GString) fixed = g_string_new (s.authorization);
    g_string_replace (fixed, "x-amz-date,", "x-amz-date;x-custom,", 1);
    extra = g_string_free (g_steal_pointer (&fixed), FALSE);
  }
  s.headers[4].value = extra;
  expect_refusal (&s, now, JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION, "Signed header 'x-custom' is missing");

  /* SignedHeaders in the signer's own (unsorted) order still verify. */
  {
    g_autoptr(GDateTime) t = vector_time ();
    g_autofree char *payload = jd_sigv4_payload_hash ((const guint8 *) create_job_body, strlen (create_job_body));
    g_autofree char *canonical = NULL;
    g_autofree char *scope = jd_sigv4_scope ("20150830", "us-east-1", "iot");
    g_autofree char *to_sign = NULL;
    g_autofree char *sig = NULL;
    g_autofree char *auth = NULL;
    guint8 key[32];

    canonical = jd_sigv4_canonical_request (&s.req, "x-amz-date;host;content-type", payload);
    g_assert_true (g_str_has_prefix (canonical, "PUT\n/jobs/job-1\n\nx-amz-date:"));
    to_sign = jd_sigv4_string_to_sign (s.amz_date, scope, canonical);
    jd_sigv4_signing_key (SECRET, "20150830", "us-east-1", "iot", key);
    sig = jd_sigv4_signature (key, to_sign);
    auth = g_strdup_printf ("AWS4-HMAC-SHA256 Credential=" AKID "/%s, SignedHeaders=x-amz-date;host;content-type, Signature=%s",
                            scope, sig);
    s.headers[4].value = auth;
    g_assert_true (jd_sigv4_verify (&s.req, &creds, iot_services, t, NULL, NULL));
  }

  /* Tolerates missing spaces after commas. */
  {
    g_autoptr(GString) fixed = g_string_new (s.authorization);
    g_autofree char *packed = NULL;

    g_string_replace (fixed, ", ", ",", 0);
    packed = g_string_free (g_steal_pointer (&fixed), FALSE);
    s.headers[4].value = packed;
    g_assert_true (jd_sigv4_verify (&s.req, &creds, iot_services, now, NULL, NULL));
  }
}

static void
test_verify_content_sha (void)
{
  g_autoptr(GDateTime) now = vector_time ();
  static const char body[] = "{}";
  g_autofree char *hash = jd_sigv4_payload_hash ((const guint8 *) body, 2);
  JdSigv4Header headers[6] = {
    { "Host", "127.0.0.1" },
    { "x-amz-content-sha256", hash },
  };
  JdSigv4Request req = { "POST", "/things/T", NULL, headers, 2, (const guint8 *) body, 2 };
  g_autofree char *auth = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GError) error = NULL;

  jd_sigv4_sign (&req, &creds, "iot", now, &auth, &date);
  g_assert_nonnull (strstr (auth, "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
  headers[2] = (JdSigv4Header) { "X-Amz-Date", date };
  headers[3] = (JdSigv4Header) { "Authorization", auth };
  req.n_headers = 4;
  g_assert_true (jd_sigv4_verify (&req, &creds, iot_services, now, NULL, NULL));

  /* A body that does not match the signed hash header. */
  req.body = (const guint8 *) "[]";
  g_assert_false (jd_sigv4_verify (&req, &creds, iot_services, now, NULL, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION);
}

static void
test_amz_date (void)
{
  g_autoptr(GDateTime) t = jd_sigv4_parse_amz_date ("20150830T123600Z");
  g_autoptr(GDateTime) ref = vector_time ();
  g_autofree char *text = jd_sigv4_format_amz_date (ref);

  g_assert_nonnull (t);
  g_assert_true (g_date_time_equal (t, ref));
  g_assert_cmpstr (text, ==, AMZ_DATE);
  g_assert_null (jd_sigv4_parse_amz_date ("2015-08-30T12:36"));
  g_assert_null (jd_sigv4_parse_amz_date ("20150830X123600Z"));
  g_assert_null (jd_sigv4_parse_amz_date ("2015083aT123600Z"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sigv4/signing-key", test_signing_key);
  g_test_add_func ("/sigv4/uri-encode", test_uri_encode);
  g_test_add_func ("/sigv4/canonical-headers", test_canonical_headers);
  g_test_add_func ("/sigv4/amz-date", test_amz_date);
  g_test_add_func ("/sigv4/vector/get-vanilla", test_get_vanilla);
  g_test_add_func ("/sigv4/vector/get-vanilla-query-order-key-case", test_get_vanilla_query_order);
  g_test_add_func ("/sigv4/vector/post-x-www-form-urlencoded", test_post_form);
  g_test_add_func ("/sigv4/vector/post-x-www-form-urlencoded-aws-c-auth", test_post_form_aws_c_auth);
  g_test_add_func ("/sigv4/vector/get-vanilla-with-session-token", test_session_token);
  g_test_add_func ("/sigv4/vector/post-vanilla", test_post_vanilla);
  g_test_add_func ("/sigv4/vector/get-space-unnormalized", test_get_space_unnormalized);
  g_test_add_func ("/sigv4/vector/iot-list-executions-for-thing", test_iot_list_executions);
  g_test_add_func ("/sigv4/vector/iot-create-job", test_iot_create_job);
  g_test_add_func ("/sigv4/vector/iot-execute-api", test_iot_execute_api);
  g_test_add_func ("/sigv4/verify/ok-iot-and-execute-api", test_verify_ok_and_services);
  g_test_add_func ("/sigv4/verify/wrong-key", test_verify_wrong_key);
  g_test_add_func ("/sigv4/verify/tampered", test_verify_tampered);
  g_test_add_func ("/sigv4/verify/skew", test_verify_skew);
  g_test_add_func ("/sigv4/verify/scope", test_verify_scope);
  g_test_add_func ("/sigv4/verify/missing", test_verify_missing);
  g_test_add_func ("/sigv4/verify/content-sha256", test_verify_content_sha);

  return g_test_run ();
}
