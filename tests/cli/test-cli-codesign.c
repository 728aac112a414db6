/* test-cli-codesign.c — the built jobdeck-cli's signed-file commands against
 * a real sandbox: sign-file with the sandbox's code-signing identity, a job
 * made from the fragment, and verify-job-document downloading the file from
 * an HTTPS server (in this process, with a certificate from the sandbox's
 * CA) — a good file verifies (exit 0), a tampered one does not (exit 1,
 * "Signature invalid: …").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "jd-sandbox-certs.h"
#include "jd-sandbox-codesign.h"
#include "jd-test-sandbox.h"

#define PAYLOAD_SIZE (200 * 1024 + 3)

static GBytes *payload;

typedef struct {
  GSubprocess *process;
  char *out;
  char *err;
  gboolean done;
} Run;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

/* Runs jobdeck-cli --sandbox DIR ARGS… while this process's main loop
 * (and so the HTTPS server) keeps running; returns the exit status. */
static int
cli (JdTestSandbox *sandbox,
     char         **out,
     const char    *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer) JOBDECK_CLI_PATH);
  g_ptr_array_add (argv, (gpointer) "--sandbox");
  g_ptr_array_add (argv, (gpointer) jd_test_sandbox_get_dir (sandbox));
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  run.process = g_subprocess_newv ((const char * const *) argv->pdata,
                                   G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run.process, "", NULL, communicated_cb, &run);
  g_assert_true (jd_test_wait_until (&run.done, 30000));
  g_test_message ("%s: out: %s err: %s", first, run.out, run.err);
  status = g_subprocess_get_exit_status (run.process);
  g_object_unref (run.process);
  g_free (run.err);
  if (out != NULL)
    *out = run.out;
  else
    g_free (run.out);
  return status;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);

  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_equal (path, "/good/payload.bin"))
    soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, (const char *) data, len);
  else if (g_str_equal (path, "/tampered/payload.bin"))
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);

      copy[12345] ^= 0x10;
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, (const char *) copy, len);
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
test_sign_create_verify (void)
{
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autofree guint8 *bytes = g_malloc (PAYLOAD_SIZE);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *cs_crt = NULL;
  g_autofree char *cs_key = NULL;
  g_autofree char *srv_crt = NULL;
  g_autofree char *srv_key = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *good_url = NULL;
  g_autofree char *bad_url = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *bad_fragment = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *entry;
  GSList *uris;
  int port;

  sandbox = jd_test_sandbox_new (NULL, &error);
  g_assert_no_error (error);
  dir = g_strdup (jd_test_sandbox_get_dir (sandbox));

  for (guint i = 0; i < PAYLOAD_SIZE; i++)
    bytes[i] = (guint8) g_random_int ();
  payload = g_bytes_new (bytes, PAYLOAD_SIZE);
  file = g_build_filename (dir, "payload.bin", NULL);
  g_assert_true (g_file_set_contents (file, (const char *) bytes, PAYLOAD_SIZE, NULL));

  /* The sandbox's code-signing identity, and an HTTPS server whose
   * certificate comes from the sandbox CA (which the CLI trusts). */
  cs_crt = g_build_filename (dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  cs_key = g_build_filename (dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  g_assert_true (jd_sandbox_codesign_ensure (cs_crt, cs_key, &error));
  g_assert_no_error (error);
  ca_crt = g_build_filename (dir, "ca.pem", NULL);
  ca_key = g_build_filename (dir, "ca.key", NULL);
  ca = jd_sandbox_ca_load_or_create (ca_crt, ca_key, &error);
  g_assert_no_error (error);
  srv_crt = g_build_filename (dir, "files-server.pem", NULL);
  srv_key = g_build_filename (dir, "files-server.key", NULL);
  g_assert_true (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_SERVER, "localhost", srv_crt, srv_key, &error));
  cert = g_tls_certificate_new_from_files (srv_crt, srv_key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  good_url = g_strdup_printf ("https://127.0.0.1:%d/good/payload.bin", port);
  bad_url = g_strdup_printf ("https://127.0.0.1:%d/tampered/payload.bin", port);

  /* sign-file prints the fragment. */
  g_assert_cmpint (cli (sandbox, &fragment, "sign-file", file, "--key", cs_key, "--cert", cs_crt,
                        "--url", good_url, NULL), ==, 0);
  node = json_from_string (fragment, &error);
  g_assert_no_error (error);
  entry = json_array_get_object_element (
    json_object_get_array_member (json_object_get_object_member (json_node_get_object (node), "afr_ota"), "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "filepath"), ==, "payload.bin");
  g_assert_cmpint (json_object_get_int_member (entry, "filesize"), ==, PAYLOAD_SIZE);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "sig-sha256-ecdsa"), "ME"));

  g_assert_cmpint (cli (sandbox, &bad_fragment, "sign-file", file, "--key", cs_key, "--cert", cs_crt,
                        "--url", bad_url, "--shape", "codesign", NULL), ==, 0);
  g_assert_nonnull (strstr (bad_fragment, "\"SHA256withECDSA\""));

  /* Usage errors. */
  g_assert_cmpint (cli (sandbox, NULL, "sign-file", file, "--cert", cs_crt, NULL), ==, 2);
  g_assert_cmpint (cli (sandbox, NULL, "sign-file", file, "--key", cs_key, "--cert", cs_crt,
                        "--shape", "zip", NULL), ==, 2);
  /* A key that is not the certificate's. */
  g_assert_cmpint (cli (sandbox, NULL, "sign-file", file, "--key", srv_key, "--cert", cs_crt, NULL), ==, 1);

  g_assert_cmpint (cli (sandbox, NULL, "create-job", "signed-good", fragment, NULL), ==, 0);
  g_assert_cmpint (cli (sandbox, NULL, "create-job", "signed-bad", bad_fragment, NULL), ==, 0);

  g_assert_cmpint (cli (sandbox, &out, "verify-job-document", "signed-good", "--cert", cs_crt, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Verified: payload.bin\n"));
  g_clear_pointer (&out, g_free);

  /* $next is the first job queued. */
  g_assert_cmpint (cli (sandbox, &out, "verify-job-document", "$next", "--cert", cs_crt, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Verified: payload.bin\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (sandbox, &out, "verify-job-document", "signed-bad", "--cert", cs_crt, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Signature invalid: payload.bin: "));
  g_assert_null (strstr (out, "Verified"));
  g_clear_pointer (&out, g_free);

  /* Without --cert the entry's certfile ("codesign.pem") is looked up
   * relative to the working directory, where it is not. */
  g_assert_cmpint (cli (sandbox, &out, "verify-job-document", "signed-good", NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Signature invalid: payload.bin: "));
  g_clear_pointer (&out, g_free);

  soup_server_disconnect (server);
  g_clear_pointer (&payload, g_bytes_unref);
}

/* put-file uploads to the running sandbox's file store; the fragment signed
 * for its placeholder makes a job whose document reaches the device with a
 * presigned URL that the CLI downloads from the sandbox and verifies. */
static void
test_put_file_sandbox (void)
{
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *placeholder = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *out = NULL;
  g_autofree char *contents = NULL;
  const char *cs_crt, *cs_key, *last;
  gsize len = 0;

  sandbox = jd_test_sandbox_new (NULL, &error);
  g_assert_no_error (error);
  dir = g_strdup (jd_test_sandbox_get_dir (sandbox));
  /* The sandbox made its identity at start. */
  cs_crt = jd_sandbox_get_codesign_cert_path (jd_test_sandbox_get_sandbox (sandbox));
  cs_key = jd_sandbox_get_codesign_key_path (jd_test_sandbox_get_sandbox (sandbox));
  g_assert_true (g_file_test (cs_crt, G_FILE_TEST_IS_REGULAR));

  file = g_build_filename (dir, "update.bin", NULL);
  g_assert_true (g_file_set_contents (file, "an update, signed and served by the sandbox\n", -1, NULL));

  g_assert_cmpint (cli (sandbox, &placeholder, "put-file", file, "--key", "ota/update.bin", NULL), ==, 0);
  /* The response, then the placeholder alone on the last line. */
  g_strstrip (placeholder);
  g_assert_nonnull (strstr (placeholder, "\"size\":44"));
  last = strrchr (placeholder, '\n');
  g_assert_cmpstr (last != NULL ? last + 1 : placeholder, ==,
                   "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/jobdeck-sandbox/ota/update.bin}");
  /* On disk under DIR/files, one escaped file name per key. */
  stored = g_build_filename (dir, "files", "ota%2Fupdate.bin", NULL);
  g_assert_true (g_file_get_contents (stored, &contents, &len, NULL));
  g_assert_cmpstr (contents, ==, "an update, signed and served by the sandbox\n");

  g_assert_cmpint (cli (sandbox, &fragment, "sign-file", file, "--key", cs_key, "--cert", cs_crt,
                        "--url", last != NULL ? last + 1 : placeholder, NULL), ==, 0);
  g_assert_nonnull (strstr (fragment, "${aws:iot:s3-presigned-url:"));
  g_assert_cmpint (cli (sandbox, NULL, "create-job", "ota-1", fragment, NULL), ==, 0);
  g_assert_cmpint (cli (sandbox, &out, "verify-job-document", "ota-1", "--cert", cs_crt, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Verified: update.bin\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-codesign/sign-create-verify", test_sign_create_verify);
  g_test_add_func ("/cli-codesign/put-file-sandbox", test_put_file_sandbox);
  return g_test_run ();
}
