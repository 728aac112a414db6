/* test-file-store.c — the sandbox's file store and code-signing identity:
 * keys, placeholders, presigned URLs (valid, expired, tampered), and the
 * whole path over a real HTTPS SoupServer: upload, a document whose
 * placeholder is substituted, and the device side (jd-codesign) downloading
 * and verifying the file signed with the sandbox's own key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-file-store"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "jd-codesign.h"
#include "jd-file-store.h"
#include "jd-sandbox-codesign.h"
#include "jd-test-ca.h"

#define NOW ((gint64) 1764857000)   /* 2025-12-04T14:03:20Z */

typedef struct {
  char *dir;
  JdFileStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *files = NULL;

  f->dir = g_dir_make_tmp ("jd-file-store-XXXXXX", &error);
  g_assert_no_error (error);
  files = g_build_filename (f->dir, "files", NULL);
  f->store = jd_file_store_new (files, "eu-west-1", &error);
  g_assert_no_error (error);
  jd_file_store_set_base_url (f->store, "https://127.0.0.1:4443/");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
}

static void
write_key_file (Fixture    *f,
                const char *key,
                const char *contents)
{
  g_autofree char *name = g_uri_escape_string (key, NULL, FALSE);
  g_autofree char *path = g_build_filename (jd_file_store_get_dir (f->store), name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* The query of @url as a hash table; *path gets its path. */
static GHashTable *
split_url (const char *url,
           char      **path)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  g_assert_nonnull (uri);
  *path = g_strdup (g_uri_get_path (uri));
  return g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_assert_true (jd_file_store_key_is_valid ("app.bin"));
  g_assert_true (jd_file_store_key_is_valid ("fw/v1.2/app-1.bin"));
  g_assert_false (jd_file_store_key_is_valid (""));
  g_assert_false (jd_file_store_key_is_valid ("/abs"));
  g_assert_false (jd_file_store_key_is_valid ("a/../b"));
  g_assert_false (jd_file_store_key_is_valid ("a//b"));
  g_assert_false (jd_file_store_key_is_valid ("a b"));
  g_assert_false (jd_file_store_key_is_valid ("a?b"));
}

static void
test_placeholder (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *p = jd_file_store_placeholder (f->store, "fw/app.bin");

  g_assert_cmpstr (p, ==, "${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/jobdeck-sandbox/fw/app.bin}");
}

static void
test_secret_kept (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdFileStore) again = jd_file_store_new (jd_file_store_get_dir (f->store), "eu-west-1", &error);
  g_autofree char *secret = g_build_filename (jd_file_store_get_dir (f->store), ".secret", NULL);
  g_autofree char *a = jd_file_store_presign (f->store, "jobdeck-sandbox", "k", NOW, 60);
  g_autofree char *b = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  jd_file_store_set_base_url (again, "https://127.0.0.1:4443");
  b = jd_file_store_presign (again, "jobdeck-sandbox", "k", NOW, 60);
  /* A restarted sandbox still honours the URLs it gave out. */
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpint (g_stat (secret, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_substitute (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *doc = g_strdup (
    "{\"afr_ota\":{\"files\":[{\"update_data_url\":\"${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/jobdeck-sandbox/fw/app.bin}\"}]},"
    "\"other\":\"${aws:iot:s3-presigned-url:https://bucket2.s3.amazonaws.com/x/y}\",\"keep\":\"${aws:iot:parameter:p}\"}");
  g_autofree char *out = jd_file_store_substitute (f->store, doc, NOW, 600);
  g_autofree char *low = jd_file_store_substitute (f->store, doc, NOW, 5);
  g_autofree char *high = jd_file_store_substitute (f->store, doc, NOW, 99999);
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (out);
  g_test_message ("%s", out);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  g_assert_nonnull (strstr (out, "\"https://127.0.0.1:4443/files/jobdeck-sandbox/fw/app.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20251204T140320Z&X-Amz-Expires=600&"));
  g_assert_nonnull (strstr (out, "/files/bucket2/x/y?"));
  g_assert_null (strstr (out, "s3-presigned-url"));
  /* Other placeholders are not the file store's. */
  g_assert_nonnull (strstr (out, "${aws:iot:parameter:p}"));
  /* presignedUrlConfig.expiresInSec is 60–3600. */
  g_assert_nonnull (strstr (low, "X-Amz-Expires=60&"));
  g_assert_nonnull (strstr (high, "X-Amz-Expires=3600&"));

  g_assert_null (jd_file_store_substitute (f->store, "{\"a\":1}", NOW, 600));
}

static void
test_check_get (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *url = jd_file_store_presign (f->store, "jobdeck-sandbox", "fw/app.bin", NOW, 600);
  g_autofree char *missing_url = jd_file_store_presign (f->store, "jobdeck-sandbox", "fw/none.bin", NOW, 600);
  g_autofree char *bucket_url = jd_file_store_presign (f->store, "other", "fw/app.bin", NOW, 600);
  g_autofree char *path = NULL;
  g_autofree char *missing_path = NULL;
  g_autofree char *bucket_path = NULL;
  g_autoptr(GHashTable) query = split_url (url, &path);
  g_autoptr(GHashTable) missing_query = split_url (missing_url, &missing_path);
  g_autoptr(GHashTable) bucket_query = split_url (bucket_url, &bucket_path);
  g_autoptr(GFile) file = NULL;
  char *body = NULL;

  write_key_file (f, "fw/app.bin", "hello");

  g_assert_cmpuint (jd_file_store_check_get (f->store, path, query, NOW + 600, &file, &body), ==, 200);
  g_assert_nonnull (file);
  g_assert_null (body);
  g_clear_object (&file);

  /* One second too late. */
  g_assert_cmpuint (jd_file_store_check_get (f->store, path, query, NOW + 601, &file, &body), ==, 403);
  g_assert_null (file);
  g_assert_nonnull (strstr (body, "<Code>AccessDenied</Code><Message>Request has expired</Message>"));
  g_clear_pointer (&body, g_free);

  /* The signature of one key does not open another. */
  g_assert_cmpuint (jd_file_store_check_get (f->store, "/files/jobdeck-sandbox/fw/other.bin", query, NOW, &file, &body), ==, 403);
  g_assert_nonnull (strstr (body, "SignatureDoesNotMatch"));
  g_clear_pointer (&body, g_free);

  /* A longer lifetime than signed. */
  g_hash_table_replace (query, g_strdup ("X-Amz-Expires"), g_strdup ("3600"));
  g_assert_cmpuint (jd_file_store_check_get (f->store, path, query, NOW, &file, &body), ==, 403);
  g_assert_nonnull (strstr (body, "SignatureDoesNotMatch"));
  g_clear_pointer (&body, g_free);

  g_assert_cmpuint (jd_file_store_check_get (f->store, path, NULL, NOW, &file, &body), ==, 403);
  g_clear_pointer (&body, g_free);

  g_assert_cmpuint (jd_file_store_check_get (f->store, missing_path, missing_query, NOW, &file, &body), ==, 404);
  g_assert_nonnull (strstr (body, "NoSuchKey"));
  g_clear_pointer (&body, g_free);

  g_assert_cmpuint (jd_file_store_check_get (f->store, bucket_path, bucket_query, NOW, &file, &body), ==, 404);
  g_assert_nonnull (strstr (body, "NoSuchBucket"));
  g_clear_pointer (&body, g_free);
}

static void
test_sandbox_codesign (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *crt = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  g_autofree char *key = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  gnutls_x509_crt_t x509;
  gnutls_datum_t datum;
  char oid[128];
  size_t oid_len = sizeof oid;
  unsigned int critical;
  gsize len;
  GStatBuf st;

  g_assert_true (jd_sandbox_codesign_ensure (crt, key, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_get_contents (crt, &first, &len, NULL));
  datum.data = (unsigned char *) first;
  datum.size = len;
  gnutls_x509_crt_init (&x509);
  g_assert_cmpint (gnutls_x509_crt_import (x509, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (x509, NULL), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (x509, 0, oid, &oid_len, &critical), ==, 0);
  g_assert_cmpstr (oid, ==, GNUTLS_KP_CODE_SIGNING);
  gnutls_x509_crt_deinit (x509);

  /* Made once. */
  g_assert_true (jd_sandbox_codesign_ensure (crt, key, &error));
  g_assert_true (g_file_get_contents (crt, &second, NULL, NULL));
  g_assert_cmpstr (first, ==, second);

  /* Half a pair is an error, not a silent new identity. */
  g_unlink (key);
  g_assert_false (jd_sandbox_codesign_ensure (crt, key, &error));
  g_assert_nonnull (error);
}

/* ---- over HTTPS ---- */

typedef struct {
  JdFileStore *store;
  gint64 presign_at;
} Served;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  JdFileStore *store = user_data;

  jd_file_store_serve (store, msg);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GBytes *
http (SoupSession *session,
      const char  *method,
      const char  *url,
      GBytes      *body,
      guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *reply;

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return reply;
}

static gboolean
verify_file (JdSignedFile *file,
             SoupSession  *session,
             const char   *crt,
             GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jd_codesign_verify_async (file, session, crt, NULL, NULL, NULL, NULL, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return jd_codesign_verify_finish (result, error);
}

static void
test_end_to_end (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JdTestCa) ca = jd_test_ca_new (f->dir, "store");
  g_autofree char *server_crt = NULL;
  g_autofree char *server_key = NULL;
  g_autofree char *cs_crt = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  g_autofree char *cs_key = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  g_autofree char *local = g_build_filename (f->dir, "app.bin", NULL);
  g_autofree char *base = NULL;
  g_autofree char *put_url = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *delivered = NULL;
  g_autofree char *expired = NULL;
  g_autofree guint8 *bytes = g_malloc (3 * 1024 * 1024 + 5);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) upload = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint status;

  jd_test_ca_issue (ca, f->dir, "server", -60, 3600, NULL, &server_crt, &server_key);
  cert = g_tls_certificate_new_from_files (server_crt, server_key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, "raw-paths", TRUE, NULL);
  soup_server_add_handler (server, JD_FILE_STORE_PATH_PREFIX, server_cb, f->store, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  jd_file_store_set_base_url (f->store, base);
  session = jd_codesign_session_new (jd_test_ca_get_path (ca), &error);
  g_assert_no_error (error);

  /* Upload a file (several stream chunks long). */
  for (gsize i = 0; i < 3 * 1024 * 1024 + 5; i++)
    bytes[i] = (guint8) (i * 7 + (i >> 11));
  g_assert_true (g_file_set_contents (local, (const char *) bytes, 3 * 1024 * 1024 + 5, NULL));
  upload = g_bytes_new (bytes, 3 * 1024 * 1024 + 5);
  put_url = g_strconcat (base, "/files/jobdeck-sandbox/fw/app.bin", NULL);
  reply = http (session, "PUT", put_url, upload, &status);
  g_assert_cmpuint (status, ==, 200);
  node = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "placeholder"), ==,
                   "${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/jobdeck-sandbox/fw/app.bin}");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, g_bytes_unref);

  /* Sign it with the sandbox's key, put the placeholder in the document,
   * deliver it as the service would. */
  g_assert_true (jd_sandbox_codesign_ensure (cs_crt, cs_key, &error));
  fragment = jd_codesign_sign_file (local, cs_key, NULL, cs_crt, JD_CODESIGN_SHAPE_AFR_OTA,
                                    "${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/jobdeck-sandbox/fw/app.bin}",
                                    NULL, &error);
  g_assert_no_error (error);
  doc = json_to_string (fragment, FALSE);
  delivered = jd_file_store_substitute (f->store, doc, g_get_real_time () / G_USEC_PER_SEC, 3600);
  g_assert_nonnull (delivered);
  node = json_from_string (delivered, NULL);
  files = jd_codesign_find_files (node);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_true (g_str_has_prefix (jd_signed_file_get_url (g_ptr_array_index (files, 0)), base));

  g_assert_true (verify_file (g_ptr_array_index (files, 0), session, cs_crt, &error));
  g_assert_no_error (error);
  g_clear_pointer (&files, g_ptr_array_unref);
  g_clear_pointer (&node, json_node_unref);

  /* The same document delivered two hours ago: its URL has expired. */
  expired = jd_file_store_substitute (f->store, doc, g_get_real_time () / G_USEC_PER_SEC - 7200, 3600);
  node = json_from_string (expired, NULL);
  files = jd_codesign_find_files (node);
  g_assert_false (verify_file (g_ptr_array_index (files, 0), session, cs_crt, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_URL_EXPIRED);
  g_clear_error (&error);

  /* A tampered stored file is caught by the signature. */
  bytes[1000] ^= 0x80;
  {
    g_autofree char *name = g_uri_escape_string ("fw/app.bin", NULL, FALSE);
    g_autofree char *stored = g_build_filename (jd_file_store_get_dir (f->store), name, NULL);
    g_autoptr(GPtrArray) again = NULL;
    g_autoptr(JsonNode) fresh = NULL;
    g_autofree char *now_doc = jd_file_store_substitute (f->store, doc, g_get_real_time () / G_USEC_PER_SEC, 3600);

    g_assert_true (g_file_set_contents (stored, (const char *) bytes, 3 * 1024 * 1024 + 5, NULL));
    fresh = json_from_string (now_doc, NULL);
    again = jd_codesign_find_files (fresh);
    g_assert_false (verify_file (g_ptr_array_index (again, 0), session, cs_crt, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH);
    g_clear_error (&error);
  }

  /* Upload refusals. */
  {
    g_autofree char *bad = g_strconcat (base, "/files/other-bucket/a", NULL);
    g_autofree char *bad_key = g_strconcat (base, "/files/jobdeck-sandbox/a%20b", NULL);

    reply = http (session, "PUT", bad, upload, &status);
    g_assert_cmpuint (status, ==, 404);
    g_clear_pointer (&reply, g_bytes_unref);
    reply = http (session, "PUT", bad_key, upload, &status);
    g_assert_cmpuint (status, ==, 400);
    g_clear_pointer (&reply, g_bytes_unref);
  }

  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/file-store/keys", test_keys);
  ADD ("/file-store/placeholder", test_placeholder);
  ADD ("/file-store/secret-kept", test_secret_kept);
  ADD ("/file-store/substitute", test_substitute);
  ADD ("/file-store/check-get", test_check_get);
  ADD ("/file-store/sandbox-codesign", test_sandbox_codesign);
  ADD ("/file-store/end-to-end", test_end_to_end);

  return g_test_run ();
}
