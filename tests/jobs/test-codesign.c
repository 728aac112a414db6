/* test-codesign.c — signed files in job documents: both shapes parsed, files
 * downloaded from an in-process libsoup HTTPS server on a loopback port and
 * verified against signatures made by the openssl command (not only by our
 * own signer), and one test per way a signature can be wrong, each with its
 * own reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-codesign"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "jd-codesign.h"

#define PAYLOAD_SIZE (300 * 1024 + 17)

static struct {
  char *dir;
  SoupServer *server;
  char *base;            /* https://127.0.0.1:PORT */
  SoupSession *session;
  GBytes *payload;
  char *payload_path;
  char *ec_crt;
  char *ec_key;
  char *other_key;
  char *rsa_crt;
  char *rsa_key;
} f;

/* ---- openssl ---- */

static void
run_openssl (const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer) OPENSSL_PATH);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (f.dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", first, err);
}

static char *
path_in (const char *name)
{
  return g_build_filename (f.dir, name, NULL);
}

/* openssl dgst -<digest> -sign KEY FILE, as base64. */
static char *
openssl_sign (const char *digest,
              const char *key,
              const char *file)
{
  g_autofree char *sig_path = path_in ("sig.bin");
  g_autofree char *dash_digest = g_strconcat ("-", digest, NULL);
  g_autofree char *data = NULL;
  gsize len;

  run_openssl ("dgst", dash_digest, "-sign", key, "-out", sig_path, file, NULL);
  g_assert_true (g_file_get_contents (sig_path, &data, &len, NULL));
  return g_base64_encode ((const guchar *) data, len);
}

static void
make_ec_cert (const char *name,
              char      **crt,
              char      **key)
{
  g_autofree char *subj = g_strdup_printf ("/CN=%s", name);

  *key = g_strdup_printf ("%s/%s.key", f.dir, name);
  *crt = g_strdup_printf ("%s/%s.crt", f.dir, name);
  run_openssl ("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", *key, NULL);
  run_openssl ("req", "-new", "-x509", "-key", *key, "-out", *crt, "-days", "30", "-subj", subj,
               "-addext", "extendedKeyUsage=codeSigning", NULL);
}

/* ---- the HTTPS server ---- */

static gboolean
cut_connection_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  GIOStream *stream = soup_server_message_steal_connection (msg);

  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
cut_wrote_chunk_cb (SoupServerMessage *msg)
{
  g_signal_handlers_disconnect_by_func (msg, cut_wrote_chunk_cb, NULL);
  g_idle_add (cut_connection_cb, g_object_ref (msg));
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (f.payload, &len);

  if (g_str_equal (path, "/file"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, (const char *) data, len);
    }
  else if (g_str_equal (path, "/changed"))
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);

      copy[len / 2] ^= 0x01;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, (const char *) copy, len);
    }
  else if (g_str_equal (path, "/truncated"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, (const char *) data, len - 1000);
    }
  else if (g_str_equal (path, "/expired"))
    {
      static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                                "<Message>Request has expired</Message></Error>";

      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, xml, strlen (xml));
    }
  else if (g_str_equal (path, "/cut"))
    {
      /* Announce the whole file, send a third of it, then close. */
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      SoupMessageBody *body = soup_server_message_get_response_body (msg);

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_content_length (headers, len);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, data, len / 3);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (cut_wrote_chunk_cb), NULL);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Sends a first part and then nothing: for cancellation. */
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      SoupMessageBody *body = soup_server_message_get_response_body (msg);

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_content_length (headers, len);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, data, 100000);
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

/* ---- helpers ---- */

static char *
url_for (const char *path)
{
  return g_strconcat (f.base, path, NULL);
}

static JdSignedFile *
only_file (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GPtrArray) files = NULL;

  g_assert_nonnull (node);
  files = jd_codesign_find_files (node);
  g_assert_cmpuint (files->len, ==, 1);
  return g_object_ref (g_ptr_array_index (files, 0));
}

static JdSignedFile *
afr_file (const char *key_name,
          const char *signature,
          const char *path,
          const char *certfile)
{
  g_autofree char *url = url_for (path);
  g_autofree char *json = g_strdup_printf (
    "{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":[{\"filepath\":\"/firmware/app.bin\","
    "\"filesize\":%d,\"fileid\":0,\"certfile\":\"%s\",\"update_data_url\":\"%s\","
    "\"auth_scheme\":\"aws.s3.presigned\",\"%s\":\"%s\"}]}}",
    PAYLOAD_SIZE, certfile, url, key_name, signature);

  return only_file (json);
}

typedef struct {
  GAsyncResult *result;
  guint64 last;
  guint calls;
  gint64 total;
  GCancellable *cancel_at;   /* cancelled once cancel_after bytes arrived */
  guint64 cancel_after;
} Wait;

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
}

static void
progress_cb (guint64  received,
             gint64   total,
             gpointer user_data)
{
  Wait *w = user_data;

  g_assert_cmpuint (received, >, w->last);
  w->last = received;
  w->total = total;
  w->calls++;
  /* Cancel a little later, while the read waits on a stalled server. */
  if (w->cancel_at != NULL && received >= w->cancel_after)
    g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, w->cancel_at);
}

static gboolean
verify (JdSignedFile *file,
        const char   *cert,
        GFile        *destination,
        GCancellable *cancellable,
        Wait         *w,
        GError      **error)
{
  gboolean ok;

  jd_codesign_verify_async (file, f.session, cert, destination, progress_cb, w, NULL, cancellable, store_cb, w);
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = jd_codesign_verify_finish (w->result, error);
  g_clear_object (&w->result);
  return ok;
}

/* Verifies an afr_ota entry and expects @code whose message contains @words. */
static void
expect_failure (JdSignedFile *file,
                const char   *cert,
                int           code,
                const char   *words)
{
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  g_assert_false (verify (file, cert, NULL, NULL, &w, &error));
  g_test_message ("reason: %s", error->message);
  g_assert_error (error, JD_JOBS_ERROR, code);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

/* ---- tests: parsing ---- */

static void
test_parse_afr_ota (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"afr_ota\":{\"protocols\":[\"MQTT\",\"HTTP\"],\"streamname\":\"AFR_OTA-1\",\"files\":["
    "{\"filepath\":\"/a.bin\",\"filesize\":12,\"fileid\":0,\"certfile\":\"/certs/cs.crt\","
    "\"update_data_url\":\"https://example.com/a\",\"auth_scheme\":\"aws.s3.presigned\",\"sig-sha256-ecdsa\":\"MEUC\"},"
    "{\"filepath\":\"/b.bin\",\"filesize\":\"34\",\"fileid\":1,\"update_data_url\":\"https://example.com/b\"},"
    "{\"filepath\":\"/c.bin\",\"filesize\":5,\"sig-sha1-rsa\":\"AAAA\",\"update_data_url\":\"https://example.com/c\"},"
    "{\"filesize\":-3,\"sig-sha512-ecdsa\":\"AAAA\"}]}}", NULL);
  g_autoptr(GPtrArray) files = jd_codesign_find_files (node);
  JdSignedFile *a, *b, *c, *d;

  g_assert_cmpuint (files->len, ==, 4);
  a = g_ptr_array_index (files, 0);
  b = g_ptr_array_index (files, 1);
  c = g_ptr_array_index (files, 2);
  d = g_ptr_array_index (files, 3);

  g_assert_cmpint (jd_signed_file_get_shape (a), ==, JD_CODESIGN_SHAPE_AFR_OTA);
  g_assert_cmpstr (jd_signed_file_get_path (a), ==, "/a.bin");
  g_assert_cmpint (jd_signed_file_get_size (a), ==, 12);
  g_assert_cmpstr (jd_signed_file_get_url (a), ==, "https://example.com/a");
  g_assert_cmpint (jd_signed_file_get_algorithm (a), ==, JD_CODESIGN_ALGORITHM_SHA256_ECDSA);
  g_assert_cmpstr (jd_signed_file_get_algorithm_name (a), ==, "sig-sha256-ecdsa");
  g_assert_cmpstr (jd_signed_file_get_signature (a), ==, "MEUC");
  g_assert_cmpstr (jd_signed_file_get_certificate (a), ==, "/certs/cs.crt");
  g_assert_null (jd_signed_file_get_problem (a));

  /* Unsigned, with the size as a string. */
  g_assert_cmpint (jd_signed_file_get_algorithm (b), ==, JD_CODESIGN_ALGORITHM_NONE);
  g_assert_cmpint (jd_signed_file_get_size (b), ==, 34);
  g_assert_null (jd_signed_file_get_signature (b));

  g_assert_cmpint (jd_signed_file_get_algorithm (c), ==, JD_CODESIGN_ALGORITHM_SHA1_RSA);

  /* No path, no URL, a negative size, an unknown algorithm. */
  g_assert_cmpint (jd_signed_file_get_algorithm (d), ==, JD_CODESIGN_ALGORITHM_UNKNOWN);
  g_assert_cmpstr (jd_signed_file_get_path (d), ==, "files[3]");
  g_assert_nonnull (jd_signed_file_get_problem (d));
}

static void
test_parse_codesign (void)
{
  /* AWS Signer's object, the URL elsewhere in a custom document. */
  g_autoptr(JsonNode) node = json_from_string (
    "{\"operation\":\"install\",\"codesign\":{\"rawPayloadSize\":366816,"
    "\"signature\":\"MEUCIDyu\",\"signatureAlgorithm\":\"SHA256withECDSA\","
    "\"payloadLocation\":{\"s3\":{\"bucketName\":\"b\",\"key\":\"fw/app-1.2.bin\",\"version\":\"1\"}}},"
    "\"steps\":[{\"action\":{\"input\":{\"args\":[\"https://s3.amazonaws.com/b/fw/app-1.2.bin?X-Amz-Signature=1\"]}}}],"
    "\"nested\":{\"files\":[{\"fileName\":\"boot.img\",\"url\":\"https://example.com/boot\","
    "\"codesign\":{\"rawPayloadSize\":\"7\",\"signature\":{\"inlineDocument\":\"AAAA\"},"
    "\"signatureAlgorithm\":\"SHA256withRSA\"}}]}}", NULL);
  g_autoptr(GPtrArray) files = jd_codesign_find_files (node);
  JdSignedFile *a, *b;

  g_assert_cmpuint (files->len, ==, 2);
  a = g_ptr_array_index (files, 0);
  b = g_ptr_array_index (files, 1);

  g_assert_cmpint (jd_signed_file_get_shape (a), ==, JD_CODESIGN_SHAPE_CODESIGN);
  g_assert_cmpint (jd_signed_file_get_size (a), ==, 366816);
  g_assert_cmpint (jd_signed_file_get_algorithm (a), ==, JD_CODESIGN_ALGORITHM_SHA256_ECDSA);
  g_assert_cmpstr (jd_signed_file_get_signature (a), ==, "MEUCIDyu");
  /* Two URLs in the document: the one naming the S3 key wins. */
  g_assert_cmpstr (jd_signed_file_get_url (a), ==, "https://s3.amazonaws.com/b/fw/app-1.2.bin?X-Amz-Signature=1");
  g_assert_cmpstr (jd_signed_file_get_path (a), ==, "app-1.2.bin");
  g_assert_null (jd_signed_file_get_problem (a));

  g_assert_cmpstr (jd_signed_file_get_url (b), ==, "https://example.com/boot");
  g_assert_cmpstr (jd_signed_file_get_path (b), ==, "boot.img");
  g_assert_cmpint (jd_signed_file_get_size (b), ==, 7);
  g_assert_cmpint (jd_signed_file_get_algorithm (b), ==, JD_CODESIGN_ALGORITHM_SHA256_RSA);
  g_assert_cmpstr (jd_signed_file_get_signature (b), ==, "AAAA");
}

static void
test_parse_none (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"operation\":\"reboot\",\"files\":[{\"url\":\"https://x/y\"}]}", NULL);
  g_autoptr(GPtrArray) files = jd_codesign_find_files (node);

  g_assert_cmpuint (files->len, ==, 0);
}

/* ---- tests: verification ---- */

static void
test_openssl_ecdsa_verifies (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  /* No certificate given: the entry's certfile is used. */
  g_assert_true (verify (file, NULL, NULL, NULL, &w, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w.last, ==, PAYLOAD_SIZE);
  g_assert_cmpint (w.total, ==, PAYLOAD_SIZE);
  g_assert_cmpuint (w.calls, >=, 2);
}

static void
test_destination (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);
  g_autoptr(JdSignedFile) changed = afr_file ("sig-sha256-ecdsa", sig, "/changed", f.ec_crt);
  g_autofree char *dest_path = path_in ("app.bin");
  g_autofree char *part_path = path_in ("app.bin.part");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  Wait w = { 0 };

  g_assert_true (verify (file, f.ec_crt, dest, NULL, &w, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dest_path, &data, &len, NULL));
  g_assert_cmpmem (data, len, g_bytes_get_data (f.payload, NULL), PAYLOAD_SIZE);
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));
  g_unlink (dest_path);

  /* A file that fails leaves nothing behind. */
  memset (&w, 0, sizeof w);
  g_assert_false (verify (changed, f.ec_crt, dest, NULL, &w, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH);
  g_assert_false (g_file_test (dest_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));
}

static void
test_openssl_codesign_shape (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree char *url = url_for ("/file");
  g_autofree char *json = g_strdup_printf (
    "{\"codesign\":{\"rawPayloadSize\":%d,\"signature\":\"%s\",\"signatureAlgorithm\":\"SHA256withECDSA\","
    "\"payloadLocation\":{\"s3\":{\"bucketName\":\"bucket\",\"key\":\"file\"}}},"
    "\"steps\":[{\"action\":{\"name\":\"get\",\"type\":\"runHandler\",\"input\":{\"handler\":\"dl.sh\",\"args\":[\"%s\"]}}}]}",
    PAYLOAD_SIZE, sig, url);
  g_autoptr(JdSignedFile) file = only_file (json);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  g_assert_cmpstr (jd_signed_file_get_url (file), ==, url);
  g_assert_true (verify (file, f.ec_crt, NULL, NULL, &w, &error));
  g_assert_no_error (error);
}

static void
test_openssl_rsa_verifies (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.rsa_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-rsa", sig, "/file", f.rsa_crt);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  g_assert_true (verify (file, NULL, NULL, NULL, &w, &error));
  g_assert_no_error (error);
}

static void
test_openssl_sha1_verifies (void)
{
  g_autofree char *sig = openssl_sign ("sha1", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha1-ecdsa", sig, "/file", f.ec_crt);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  g_assert_true (verify (file, NULL, NULL, NULL, &w, &error));
  g_assert_no_error (error);
}

static void
test_byte_changed (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/changed", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH, "file was changed");
}

static void
test_truncated (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/truncated", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH, "the document says");
}

static void
test_other_key (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.other_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH, "key other than the certificate");
}

static void
test_sha1_as_sha256 (void)
{
  g_autofree char *sig = openssl_sign ("sha1", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH, "SHA-1 hash");
}

static void
test_double_hashed (void)
{
  g_autofree char *hash_path = path_in ("payload.sha256");
  g_autofree char *sig = NULL;
  g_autoptr(JdSignedFile) file = NULL;

  run_openssl ("dgst", "-sha256", "-binary", "-out", hash_path, f.payload_path, NULL);
  sig = openssl_sign ("sha256", f.ec_key, hash_path);
  file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);
  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH, "hashed twice");
}

/* DER SEQUENCE { INTEGER r, INTEGER s } → r‖s, 32 bytes each. */
static GBytes *
der_to_raw (const guint8 *der,
            gsize         len)
{
  guint8 raw[64] = { 0 };
  gsize pos = 2;

  g_assert_cmpuint (der[0], ==, 0x30);
  g_assert_cmpuint (der[1], <, 0x80);
  for (guint i = 0; i < 2; i++)
    {
      gsize n;
      const guint8 *p;

      g_assert_cmpuint (der[pos], ==, 0x02);
      n = der[pos + 1];
      p = der + pos + 2;
      pos += 2 + n;
      while (n > 32)
        {
          g_assert_cmpuint (*p, ==, 0);
          p++;
          n--;
        }
      memcpy (raw + 32 * i + (32 - n), p, n);
    }
  g_assert_cmpuint (pos, ==, len);
  return g_bytes_new (raw, sizeof raw);
}

static void
test_raw_r_s (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree guint8 *der = NULL;
  g_autofree char *raw_b64 = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JdSignedFile) file = NULL;
  gsize len;

  der = g_base64_decode (sig, &len);
  raw = der_to_raw (der, len);
  raw_b64 = g_base64_encode (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  file = afr_file ("sig-sha256-ecdsa", raw_b64, "/file", f.ec_crt);
  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING, "r‖s");
}

static void
test_der_trailing_byte (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree guint8 *der = NULL;
  g_autofree guint8 *longer = NULL;
  g_autofree char *b64 = NULL;
  g_autoptr(JdSignedFile) file = NULL;
  gsize len;

  der = g_base64_decode (sig, &len);
  longer = g_malloc (len + 1);
  memcpy (longer, der, len);
  longer[len] = 0x00;
  b64 = g_base64_encode (longer, len + 1);
  file = afr_file ("sig-sha256-ecdsa", b64, "/file", f.ec_crt);
  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING, "1 extra bytes");
}

static void
test_empty_signature (void)
{
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", "", "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_EMPTY_SIGNATURE, "empty");
}

static void
test_invalid_base64 (void)
{
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", "Zg===", "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_BASE64, "base64");
}

static void
test_pem_in_signature (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree char *pem = g_strdup_printf ("-----BEGIN SIGNATURE-----\\n%s\\n-----END SIGNATURE-----", sig);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", pem, "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_BASE64, "PEM");
}

static void
test_rsa_under_ecdsa_name (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.rsa_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.rsa_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_WRONG_KEY_NAME, "sig-sha256-rsa");
}

static void
test_rsa_signature_with_ecdsa_cert (void)
{
  /* The right key name for the certificate, but an RSA block in it. */
  g_autofree char *sig = openssl_sign ("sha256", f.rsa_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING, "DER");
}

static void
test_certfile_unreadable (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree char *missing = path_in ("no-such.crt");
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", missing);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE, "cannot be read");
}

static void
test_not_a_certificate (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_key);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE, "no certificate");
  /* Not PEM at all. */
  expect_failure (file, f.payload_path, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE, "not an X.509 certificate");
}

static void
test_url_expired (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/expired", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_URL_EXPIRED, "403");
}

static void
test_server_closes (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/cut", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED, "broke off");
}

static void
test_not_found (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/nothing", f.ec_crt);

  expect_failure (file, NULL, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED, "404");
}

static void
test_placeholder_url (void)
{
  g_autoptr(JdSignedFile) file = only_file (
    "{\"afr_ota\":{\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"certfile\":\"c\","
    "\"update_data_url\":\"${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/b/k}\","
    "\"sig-sha256-ecdsa\":\"MEUC\"}]}}");
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) good = NULL;
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"afr_ota\":{\"files\":[{\"filepath\":\"a\",\"filesize\":1,"
                          "\"update_data_url\":\"${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/b/k}\","
                          "\"sig-sha256-ecdsa\":\"%s\"}]}}", sig);
  good = only_file (json);
  expect_failure (good, f.ec_crt, JD_JOBS_ERROR_CODESIGN_NO_URL, "placeholder");
  /* Checks that need no download come first: a bad signature is reported
   * before the URL. */
  expect_failure (file, f.ec_crt, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING, NULL);
}

static void
test_unsigned (void)
{
  g_autoptr(JdSignedFile) file = only_file (
    "{\"afr_ota\":{\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"update_data_url\":\"https://127.0.0.1:1/x\"}]}}");

  expect_failure (file, f.ec_crt, JD_JOBS_ERROR_CODESIGN_UNSIGNED, "not signed");
}

static void
test_cancel (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autoptr(JdSignedFile) file = afr_file ("sig-sha256-ecdsa", sig, "/slow", f.ec_crt);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dest_path = path_in ("slow.bin");
  g_autofree char *part_path = path_in ("slow.bin.part");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  /* The server sends 100000 bytes and then nothing: cancel once they are in. */
  w.cancel_at = cancellable;
  w.cancel_after = 100000;
  g_assert_false (verify (file, f.ec_crt, dest, cancellable, &w, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (w.last, ==, 100000);
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dest_path, G_FILE_TEST_EXISTS));
}

/* ---- tests: lint and verdicts ---- */

static void
expect_lint (JdSignedFile *file,
             int           code)
{
  g_autoptr(GError) error = NULL;

  if (code < 0)
    {
      g_assert_true (jd_codesign_lint_file (file, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_false (jd_codesign_lint_file (file, &error));
  g_assert_error (error, JD_JOBS_ERROR, code);
}

static void
test_lint (void)
{
  g_autofree char *sig = openssl_sign ("sha256", f.ec_key, f.payload_path);
  g_autofree char *rsa_sig = openssl_sign ("sha256", f.rsa_key, f.payload_path);
  g_autoptr(JdSignedFile) good = afr_file ("sig-sha256-ecdsa", sig, "/file", f.ec_crt);
  g_autoptr(JdSignedFile) rsa = afr_file ("sig-sha256-rsa", rsa_sig, "/file", f.rsa_crt);
  g_autoptr(JdSignedFile) rsa_as_ecdsa = afr_file ("sig-sha256-ecdsa", rsa_sig, "/file", f.rsa_crt);
  g_autoptr(JdSignedFile) b64 = afr_file ("sig-sha256-ecdsa", "Zg===", "/file", f.ec_crt);
  g_autoptr(JdSignedFile) empty = afr_file ("sig-sha256-ecdsa", "", "/file", f.ec_crt);
  g_autoptr(JdSignedFile) unknown = afr_file ("sig-sha384-ecdsa", sig, "/file", f.ec_crt);
  g_autoptr(JdSignedFile) no_url = only_file ("{\"afr_ota\":{\"files\":[{\"filepath\":\"a\",\"sig-sha256-ecdsa\":\"MEUC\"}]}}");
  g_autoptr(JdSignedFile) not_url = only_file ("{\"codesign\":{\"signature\":\"MEUC\",\"signatureAlgorithm\":\"SHA256withECDSA\"},\"url\":\"ftp://x/y\"}");

  /* Without a certificate: the form only. */
  expect_lint (good, -1);
  expect_lint (rsa, -1);
  expect_lint (rsa_as_ecdsa, JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING);
  expect_lint (b64, JD_JOBS_ERROR_CODESIGN_BAD_BASE64);
  expect_lint (empty, JD_JOBS_ERROR_CODESIGN_EMPTY_SIGNATURE);
  expect_lint (unknown, JD_JOBS_ERROR_CODESIGN_UNKNOWN_ALGORITHM);
  expect_lint (no_url, JD_JOBS_ERROR_CODESIGN_BAD_ENTRY);
  expect_lint (not_url, JD_JOBS_ERROR_CODESIGN_NO_URL);
}

static void
test_verdicts (void)
{
  g_autoptr(GError) unsigned_error = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNSIGNED, "x");
  g_autoptr(GError) cert = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE, "x");
  g_autoptr(GError) expired = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_URL_EXPIRED, "x");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) size = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH, "x");
  g_autoptr(GError) mismatch = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH, "x");
  g_autoptr(GError) key_name = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_WRONG_KEY_NAME, "x");

  g_assert_cmpint (jd_codesign_verdict_from_error (NULL), ==, JD_CODESIGN_VERDICT_VERIFIED);
  g_assert_cmpint (jd_codesign_verdict_from_error (unsigned_error), ==, JD_CODESIGN_VERDICT_UNSIGNED);
  g_assert_cmpint (jd_codesign_verdict_from_error (cert), ==, JD_CODESIGN_VERDICT_NO_TRUSTED_CERTIFICATE);
  g_assert_cmpint (jd_codesign_verdict_from_error (expired), ==, JD_CODESIGN_VERDICT_NOT_DOWNLOADED);
  g_assert_cmpint (jd_codesign_verdict_from_error (cancelled), ==, JD_CODESIGN_VERDICT_NOT_DOWNLOADED);
  g_assert_cmpint (jd_codesign_verdict_from_error (size), ==, JD_CODESIGN_VERDICT_SIGNATURE_INVALID);
  g_assert_cmpint (jd_codesign_verdict_from_error (mismatch), ==, JD_CODESIGN_VERDICT_SIGNATURE_INVALID);
  g_assert_cmpint (jd_codesign_verdict_from_error (key_name), ==, JD_CODESIGN_VERDICT_SIGNATURE_INVALID);
  g_assert_cmpstr (jd_codesign_verdict_to_string (JD_CODESIGN_VERDICT_NO_TRUSTED_CERTIFICATE), ==, "No trusted certificate");
  g_assert_cmpstr (JD_CODESIGN_REJECT_REASON, ==, "sig_check_failed");
}

static void
test_progress (void)
{
  g_autofree char *a = jd_codesign_format_progress (512, 2048);
  g_autofree char *b = jd_codesign_format_progress (512, -1);
  const gint64 s = G_USEC_PER_SEC;

  g_assert_cmpstr (a, ==, "512/2048");
  g_assert_cmpstr (b, ==, "512");

  /* The first report always. */
  g_assert_true (jd_codesign_progress_due (0, 0, 10, 1000, 100 * s));
  /* Nothing new: never. */
  g_assert_false (jd_codesign_progress_due (10, 100 * s, 10, 1000, 200 * s));
  /* 10 % more, but within a second: not yet; after a second: yes. */
  g_assert_false (jd_codesign_progress_due (10, 100 * s, 200, 1000, 100 * s + s / 2));
  g_assert_true (jd_codesign_progress_due (10, 100 * s, 200, 1000, 101 * s));
  /* Little more: only after 5 s. */
  g_assert_false (jd_codesign_progress_due (10, 100 * s, 20, 1000, 104 * s));
  g_assert_true (jd_codesign_progress_due (10, 100 * s, 20, 1000, 105 * s));
  /* The last bytes at once. */
  g_assert_true (jd_codesign_progress_due (990, 100 * s, 1000, 1000, 100 * s + 1));
  /* Unknown total: every 5 s. */
  g_assert_false (jd_codesign_progress_due (10, 100 * s, 900000, -1, 102 * s));
  g_assert_true (jd_codesign_progress_due (10, 100 * s, 900000, -1, 105 * s));
}

/* ---- tests: our signer ---- */

static void
sign_and_check (const char     *key,
                const char     *crt,
                JdCodesignShape shape,
                const char     *member)
{
  g_autofree char *url = url_for ("/file");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *pub = path_in ("pub.pem");
  g_autofree char *sig_path = path_in ("our.sig");
  g_autofree guint8 *sig = NULL;
  g_autofree char *json = NULL;
  JdSignedFile *file;
  gsize len;
  Wait w = { 0 };

  fragment = jd_codesign_sign_file (f.payload_path, key, NULL, crt, shape, url, NULL, &error);
  g_assert_no_error (error);
  json = json_to_string (fragment, FALSE);
  g_test_message ("%s", json);
  g_assert_nonnull (strstr (json, member));

  files = jd_codesign_find_files (fragment);
  g_assert_cmpuint (files->len, ==, 1);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpint (jd_signed_file_get_size (file), ==, PAYLOAD_SIZE);
  g_assert_cmpstr (jd_signed_file_get_url (file), ==, url);

  /* openssl agrees with our signature… */
  sig = g_base64_decode (jd_signed_file_get_signature (file), &len);
  g_assert_true (g_file_set_contents (sig_path, (const char *) sig, len, NULL));
  run_openssl ("x509", "-in", crt, "-pubkey", "-noout", "-out", pub, NULL);
  run_openssl ("dgst", "-sha256", "-verify", pub, "-signature", sig_path, f.payload_path, NULL);

  /* …and so do we. */
  g_assert_true (verify (file, crt, NULL, NULL, &w, &error));
  g_assert_no_error (error);
}

static void
test_sign_ecdsa_afr_ota (void)
{
  sign_and_check (f.ec_key, f.ec_crt, JD_CODESIGN_SHAPE_AFR_OTA, "\"sig-sha256-ecdsa\"");
}

static void
test_sign_ecdsa_codesign (void)
{
  sign_and_check (f.ec_key, f.ec_crt, JD_CODESIGN_SHAPE_CODESIGN, "\"SHA256withECDSA\"");
}

static void
test_sign_rsa (void)
{
  sign_and_check (f.rsa_key, f.rsa_crt, JD_CODESIGN_SHAPE_AFR_OTA, "\"sig-sha256-rsa\"");
}

static void
test_sign_wrong_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autofree char *missing = path_in ("missing.bin");

  fragment = jd_codesign_sign_file (f.payload_path, f.other_key, NULL, f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY);
  g_assert_nonnull (strstr (error->message, "does not belong"));
  g_clear_error (&error);

  fragment = jd_codesign_sign_file (f.payload_path, f.ec_crt, NULL, f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY);
  g_clear_error (&error);

  fragment = jd_codesign_sign_file (missing, f.ec_key, NULL, f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_FILE);
}

/* An encrypted key: no passphrase and a wrong one are told apart from a
 * file that is not a key (GnuTLS's DER retry used to hide the PEM error),
 * and the right passphrase signs. */
static void
test_sign_encrypted_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autofree char *encrypted = path_in ("encrypted-key.pem");

  run_openssl ("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:right",
               "-in", f.ec_key, "-out", encrypted, NULL);

  fragment = jd_codesign_sign_file (f.payload_path, encrypted, NULL, f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "needs its passphrase"));
  g_clear_error (&error);

  fragment = jd_codesign_sign_file (f.payload_path, encrypted, "wrong", f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "passphrase"));
  g_assert_null (strstr (error->message, "ASN1"));
  g_clear_error (&error);

  fragment = jd_codesign_sign_file (f.payload_path, encrypted, "right", f.ec_crt,
                                    JD_CODESIGN_SHAPE_AFR_OTA, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fragment);
}

/* ---- setup ---- */

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autofree char *server_key = NULL;
  g_autofree char *server_crt = NULL;
  g_autofree guint8 *bytes = g_malloc (PAYLOAD_SIZE);
  GSList *uris;

  f.dir = g_dir_make_tmp ("jd-codesign-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < PAYLOAD_SIZE; i++)
    bytes[i] = g_random_int () & 0xff;
  f.payload = g_bytes_new (bytes, PAYLOAD_SIZE);
  f.payload_path = path_in ("payload.bin");
  g_assert_true (g_file_set_contents (f.payload_path, (const char *) bytes, PAYLOAD_SIZE, NULL));

  make_ec_cert ("codesign", &f.ec_crt, &f.ec_key);
  make_ec_cert ("server", &server_crt, &server_key);
  {
    g_autofree char *other_crt = NULL;
    make_ec_cert ("other", &other_crt, &f.other_key);
  }
  f.rsa_key = path_in ("rsa.key");
  f.rsa_crt = path_in ("rsa.crt");
  run_openssl ("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f.rsa_key, NULL);
  run_openssl ("req", "-new", "-x509", "-key", f.rsa_key, "-out", f.rsa_crt, "-days", "30",
               "-subj", "/CN=rsa-codesign", "-addext", "extendedKeyUsage=codeSigning", NULL);
  /* The HTTPS server's certificate, trusted by the client as its own CA. */
  g_clear_pointer (&server_crt, g_free);
  server_crt = path_in ("https.crt");
  run_openssl ("req", "-new", "-x509", "-key", server_key, "-out", server_crt, "-days", "30",
               "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
               "-addext", "basicConstraints=critical,CA:TRUE", NULL);

  cert = g_tls_certificate_new_from_files (server_crt, server_key, &error);
  g_assert_no_error (error);
  f.server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (f.server, NULL, handler, NULL, NULL);
  soup_server_listen_local (f.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f.server);
  f.base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f.session = jd_codesign_session_new (server_crt, &error);
  g_assert_no_error (error);
}

static void
tear_down (void)
{
  g_autoptr(GDir) dir = g_dir_open (f.dir, 0, NULL);
  const char *name;

  g_clear_object (&f.session);
  soup_server_disconnect (f.server);
  g_clear_object (&f.server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = path_in (name);
      g_unlink (path);
    }
  g_rmdir (f.dir);
  g_free (f.dir);
  g_free (f.base);
  g_bytes_unref (f.payload);
  g_free (f.payload_path);
  g_free (f.ec_crt);
  g_free (f.ec_key);
  g_free (f.other_key);
  g_free (f.rsa_crt);
  g_free (f.rsa_key);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codesign/parse/afr-ota", test_parse_afr_ota);
  g_test_add_func ("/codesign/parse/codesign", test_parse_codesign);
  g_test_add_func ("/codesign/parse/none", test_parse_none);
  g_test_add_func ("/codesign/verify/openssl-ecdsa", test_openssl_ecdsa_verifies);
  g_test_add_func ("/codesign/verify/openssl-codesign-shape", test_openssl_codesign_shape);
  g_test_add_func ("/codesign/verify/openssl-rsa", test_openssl_rsa_verifies);
  g_test_add_func ("/codesign/verify/openssl-sha1-ecdsa", test_openssl_sha1_verifies);
  g_test_add_func ("/codesign/verify/destination", test_destination);
  g_test_add_func ("/codesign/fail/byte-changed", test_byte_changed);
  g_test_add_func ("/codesign/fail/truncated", test_truncated);
  g_test_add_func ("/codesign/fail/other-key", test_other_key);
  g_test_add_func ("/codesign/fail/sha1-as-sha256", test_sha1_as_sha256);
  g_test_add_func ("/codesign/fail/double-hashed", test_double_hashed);
  g_test_add_func ("/codesign/fail/raw-r-s", test_raw_r_s);
  g_test_add_func ("/codesign/fail/der-trailing-byte", test_der_trailing_byte);
  g_test_add_func ("/codesign/fail/empty-signature", test_empty_signature);
  g_test_add_func ("/codesign/fail/invalid-base64", test_invalid_base64);
  g_test_add_func ("/codesign/fail/pem-in-signature", test_pem_in_signature);
  g_test_add_func ("/codesign/fail/rsa-under-ecdsa-name", test_rsa_under_ecdsa_name);
  g_test_add_func ("/codesign/fail/rsa-signature-ecdsa-cert", test_rsa_signature_with_ecdsa_cert);
  g_test_add_func ("/codesign/fail/certfile-unreadable", test_certfile_unreadable);
  g_test_add_func ("/codesign/fail/not-a-certificate", test_not_a_certificate);
  g_test_add_func ("/codesign/fail/url-expired", test_url_expired);
  g_test_add_func ("/codesign/fail/server-closes", test_server_closes);
  g_test_add_func ("/codesign/fail/not-found", test_not_found);
  g_test_add_func ("/codesign/fail/placeholder-url", test_placeholder_url);
  g_test_add_func ("/codesign/fail/unsigned", test_unsigned);
  g_test_add_func ("/codesign/cancel", test_cancel);
  g_test_add_func ("/codesign/lint", test_lint);
  g_test_add_func ("/codesign/verdicts", test_verdicts);
  g_test_add_func ("/codesign/progress", test_progress);
  g_test_add_func ("/codesign/sign/ecdsa-afr-ota", test_sign_ecdsa_afr_ota);
  g_test_add_func ("/codesign/sign/ecdsa-codesign", test_sign_ecdsa_codesign);
  g_test_add_func ("/codesign/sign/rsa", test_sign_rsa);
  g_test_add_func ("/codesign/sign/wrong-key", test_sign_wrong_key);
  g_test_add_func ("/codesign/sign/encrypted-key", test_sign_encrypted_key);

  set_up ();
  ret = g_test_run ();
  tear_down ();
  return ret;
}
