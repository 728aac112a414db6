/* test-cli-put-file.c — put-file's client (jd-cli-codesign.c) against the
 * sandbox file store behind an HTTPS SoupServer wired the way the service's
 * control-plane server is meant to wire it: presigned GETs go straight to
 * jd_file_store_serve(), everything else is SigV4-verified first. The upload
 * lands on disk, the last line printed is the placeholder, and the
 * placeholder substituted into a document downloads the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "jd-cli.h"
#include "jd-cli-codesign.h"
#include "jd-control-plane.h"
#include "jd-file-store.h"
#include "jd-sigv4.h"
#include "jd-test-ca.h"

#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define REGION "us-east-1"

/* What jd-service-http.c is to do for paths under /files/. */
static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  JdFileStore *store = user_data;
  g_autoptr(GArray) headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  static const char *const services[] = { "iot", "execute-api", NULL };
  JdSigv4Credentials creds = { AKID, SECRET, NULL, REGION };
  JdSigv4Request req = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) flat = NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (jd_file_store_is_presigned_request (soup_server_message_get_method (msg), g_uri_get_path (uri)))
    {
      jd_file_store_serve (store, msg);
      return;
    }
  soup_message_headers_iter_init (&iter, req_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      JdSigv4Header h = { name, value };
      g_array_append_val (headers, h);
    }
  flat = soup_message_body_flatten (body);
  req.method = soup_server_message_get_method (msg);
  req.path = g_uri_get_path (uri);
  req.query = g_uri_get_query (uri);
  req.headers = (const JdSigv4Header *) headers->data;
  req.n_headers = headers->len;
  req.body = g_bytes_get_data (flat, NULL);
  req.body_len = g_bytes_get_size (flat);
  if (!jd_sigv4_verify (&req, &creds, services, NULL, NULL, &error))
    {
      g_autofree char *json = g_strdup_printf ("{\"message\":\"%s\"}", error->message);

      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
      return;
    }
  jd_file_store_serve (store, msg);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(int *) user_data = jd_cli_codesign_finish (result);
}

static int
put_file (JdControlPlane *control_plane,
          const char     *path,
          const char     *key,
          char          **printed)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  JdCliParsed *parsed;
  JdCliOutput *output;
  char *buffer = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&buffer, &size);
  int status = -1;

  g_ptr_array_add (words, (gpointer) path);
  if (key != NULL)
    {
      g_ptr_array_add (words, (gpointer) "--key");
      g_ptr_array_add (words, (gpointer) key);
    }
  parsed = jd_cli_parse_words ("put-file", (const char * const *) words->pdata, words->len,
                               jd_cli_put_file_options, 0, NULL, &error);
  g_assert_no_error (error);
  output = jd_cli_output_new (out, out, FALSE);
  jd_cli_codesign_put_file_async (output, control_plane, parsed, NULL, done_cb, &status);
  while (status == -1)
    g_main_context_iteration (NULL, TRUE);
  jd_cli_output_free (output);
  jd_cli_parsed_free (parsed);
  fclose (out);
  g_test_message ("%s", buffer);
  *printed = buffer;
  return status;
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_put_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jd-put-file-XXXXXX", &error);
  g_autofree char *store_dir = g_build_filename (dir, "files", NULL);
  g_autofree char *local = g_build_filename (dir, "fw.bin", NULL);
  g_autofree char *srv_crt = NULL;
  g_autofree char *srv_key = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *delivered = NULL;
  g_autofree char *url = NULL;
  g_autofree guint8 *bytes = g_malloc (1500000);
  g_autoptr(JdTestCa) ca = NULL;
  g_autoptr(JdFileStore) store = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) got = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JdControlPlane) control_plane = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  gsize len;
  guint n;
  GSList *uris;

  g_assert_no_error (error);
  for (gsize i = 0; i < 1500000; i++)
    bytes[i] = (guint8) (i * 31 + 7);
  g_assert_true (g_file_set_contents (local, (const char *) bytes, 1500000, NULL));

  ca = jd_test_ca_new (dir, "cp");
  jd_test_ca_issue (ca, dir, "server", -60, 3600, NULL, &srv_crt, &srv_key);
  cert = g_tls_certificate_new_from_files (srv_crt, srv_key, &error);
  g_assert_no_error (error);
  store = jd_file_store_new (store_dir, REGION, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, "raw-paths", TRUE, NULL);
  soup_server_add_handler (server, NULL, handler, store, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  jd_file_store_set_base_url (store, base);

  credentials = jd_credentials_new (AKID, SECRET, NULL, REGION);
  control_plane = jd_control_plane_new (REGION, base, jd_test_ca_get_path (ca), credentials, &error);
  g_assert_no_error (error);

  /* The upload, under a key of its own. */
  g_assert_cmpint (put_file (control_plane, local, "fw/v2/app.bin", &printed), ==, JD_CLI_EXIT_OK);
  lines = g_strsplit (g_strchomp (printed), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==,
                   "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/jobdeck-sandbox/fw/v2/app.bin}");
  stored = g_build_filename (store_dir, "fw%2Fv2%2Fapp.bin", NULL);
  g_assert_true (g_file_get_contents (stored, (char **) &delivered, &len, NULL));
  g_assert_cmpmem (delivered, len, bytes, 1500000);
  g_clear_pointer (&delivered, g_free);

  /* The placeholder, delivered, downloads the same bytes. */
  delivered = jd_file_store_substitute (store, lines[n - 1], g_get_real_time () / G_USEC_PER_SEC, 600);
  g_assert_true (g_str_has_prefix (delivered, base));
  session = soup_session_new ();
  {
    g_autoptr(GTlsDatabase) db = g_tls_file_database_new (jd_test_ca_get_path (ca), &error);
    g_assert_no_error (error);
    soup_session_set_tls_database (session, db);
  }
  msg = soup_message_new ("GET", delivered);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fetched_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  got = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), bytes, 1500000);

  /* The default key is the file's name. */
  g_clear_pointer (&printed, g_free);
  g_assert_cmpint (put_file (control_plane, local, NULL, &printed), ==, JD_CLI_EXIT_OK);
  g_assert_true (g_str_has_suffix (g_strchomp (printed), "/jobdeck-sandbox/fw.bin}"));

  /* Wrong credentials: refused, exit 1. */
  g_clear_object (&credentials);
  credentials = jd_credentials_new (AKID, "not-the-secret", NULL, REGION);
  jd_control_plane_set_credentials (control_plane, credentials);
  g_clear_pointer (&printed, g_free);
  g_assert_cmpint (put_file (control_plane, local, NULL, &printed), ==, JD_CLI_EXIT_FAILED);
  g_assert_nonnull (strstr (printed, "HTTP 403"));

  /* A file that is not there. */
  g_clear_pointer (&printed, g_free);
  g_assert_cmpint (put_file (control_plane, "/nonexistent/file.bin", NULL, &printed), ==, JD_CLI_EXIT_FAILED);

  g_clear_object (&control_plane);
  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  {
    g_autoptr(GDir) d = g_dir_open (store_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (store_dir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (store_dir);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-put-file/upload-and-fetch", test_put_file);
  return g_test_run ();
}
