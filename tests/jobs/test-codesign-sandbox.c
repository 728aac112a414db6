/* test-codesign-sandbox.c — the signed-job flow end to end on a real
 * sandbox: a file signed with the sandbox's code-signing identity, imported
 * into the file store (served over HTTPS with a sandbox-CA certificate, the
 * way the control-plane server is to serve it), a job whose document carries
 * the placeholder as delivered (substituted), and a device (JdJobsClient over
 * mTLS) that starts it, verifies every file with progress reports, and
 * reports SUCCEEDED — or REJECTED with statusDetails reason sig_check_failed
 * when the stored file was tampered with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-codesign-sandbox"

#include <string.h>

#include <libsoup/soup.h>

#include "jd-codesign.h"
#include "jd-file-store.h"
#include "jd-jobs-client.h"
#include "jd-sandbox-certs.h"
#include "jd-sandbox-codesign.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define THING "SignedThing"
#define SIZE (700 * 1024 + 9)

typedef struct {
  JdTestSandbox *sandbox;
  JdFileStore *store;
  SoupServer *server;
  SoupSession *session;
  char *dir;
  char *cs_crt;
  char *cs_key;
  char *file;
  JdMqttConnection *connection;
  JdJobsClient *client;
} Fixture;

typedef struct {
  gboolean done;
  gpointer value;
  GError *error;
} Result;

static void
pointer_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  if (JD_IS_JOBS_CLIENT (source))
    r->value = g_task_propagate_pointer (G_TASK (result), &r->error);
  else if (JD_IS_FILE_STORE (source))
    r->value = jd_file_store_import_finish (JD_FILE_STORE (source), result, &r->error);
  else
    r->value = jd_codesign_verify_document_finish (result, &r->error);
  r->done = TRUE;
}

static void
wait_result (Result *r)
{
  g_assert_true (jd_test_wait_until (&r->done, 20000));
}

static JdStore *
store (Fixture *f)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (f->sandbox)));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  /* Presigned GETs need no SigV4 (the control-plane server's first check). */
  if (jd_file_store_is_presigned_request (soup_server_message_get_method (msg), path))
    jd_file_store_serve (user_data, msg);
  else
    soup_server_message_set_status (msg, 403, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *things[] = { THING, NULL };
  JdSandbox *sandbox;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GTlsDatabase) db = NULL;
  g_autofree char *ca_crt = NULL, *ca_key = NULL, *srv_crt = NULL, *srv_key = NULL, *files = NULL;
  g_autofree char *base = NULL;
  g_autofree guint8 *bytes = g_malloc (SIZE);
  g_autofree char *cert_path = NULL, *key_path = NULL;
  GSList *uris;

  f->sandbox = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  f->dir = g_strdup (jd_test_sandbox_get_dir (f->sandbox));

  f->cs_crt = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  f->cs_key = g_build_filename (f->dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  g_assert_true (jd_sandbox_codesign_ensure (f->cs_crt, f->cs_key, &error));
  g_assert_no_error (error);

  ca_crt = g_build_filename (f->dir, "ca.pem", NULL);
  ca_key = g_build_filename (f->dir, "ca.key", NULL);
  srv_crt = g_build_filename (f->dir, "server.pem", NULL);
  srv_key = g_build_filename (f->dir, "server.key", NULL);
  ca = jd_sandbox_ca_load_or_create (ca_crt, ca_key, &error);
  g_assert_no_error (error);
  cert = g_tls_certificate_new_from_files (srv_crt, srv_key, &error);
  g_assert_no_error (error);

  files = g_build_filename (f->dir, "files", NULL);
  f->store = jd_file_store_new (files, "us-east-1", &error);
  g_assert_no_error (error);
  f->server = soup_server_new ("tls-certificate", cert, "raw-paths", TRUE, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f->store, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  jd_file_store_set_base_url (f->store, base);

  /* The device trusts the sandbox CA for downloads, as for MQTT. */
  f->session = jd_codesign_session_new (ca_crt, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < SIZE; i++)
    bytes[i] = (guint8) g_random_int ();
  f->file = g_build_filename (f->dir, "firmware.bin", NULL);
  g_assert_true (g_file_set_contents (f->file, (const char *) bytes, SIZE, NULL));

  g_assert_true (jd_sandbox_get_thing_files (sandbox, THING, &cert_path, &key_path));
  f->connection = jd_mqtt_connection_new ("127.0.0.1", jd_sandbox_get_mqtt_port (sandbox), THING);
  jd_mqtt_connection_set_tls_files (f->connection, ca_crt, cert_path, key_path, NULL);
  jd_mqtt_connection_set_backoff (f->connection, 50, 300, 1000);
  f->client = jd_jobs_client_new (f->connection, THING);
  jd_mqtt_connection_connect (f->connection);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!jd_jobs_client_get_synced (f->client) && g_get_monotonic_time () < deadline)
      jd_test_spin (10);
    g_assert_true (jd_jobs_client_get_synced (f->client));
  }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  jd_mqtt_connection_disconnect (f->connection);
  jd_test_spin (20);
  g_clear_object (&f->client);
  g_clear_object (&f->connection);
  g_clear_object (&f->session);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  jd_test_spin (20);
  g_clear_object (&f->store);
  g_clear_pointer (&f->sandbox, jd_test_sandbox_free);
  g_free (f->dir);
  g_free (f->cs_crt);
  g_free (f->cs_key);
  g_free (f->file);
}

/* Signs the firmware, imports it as @key and creates @job_id with the
 * document as the service delivers it. */
static void
create_signed_job (Fixture    *f,
                   const char *job_id,
                   const char *key,
                   JdCodesignShape shape)
{
  const char *names[] = { THING, NULL };
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/" THING, NULL };
  g_autoptr(GFile) source = g_file_new_for_path (f->file);
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *placeholder = NULL;
  g_autofree char *text = NULL;
  g_autofree char *delivered = NULL;
  JdStoreJobSpec spec = { 0 };
  JdStoreJob *job;
  Result r = { 0 };

  jd_file_store_import_async (f->store, source, key, NULL, pointer_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  placeholder = r.value;

  fragment = jd_codesign_sign_file (f->file, f->cs_key, NULL, f->cs_crt, shape, placeholder, NULL, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (fragment), "operation", "install");
  text = json_to_string (fragment, FALSE);
  g_assert_nonnull (strstr (text, "${aws:iot:s3-presigned-url:"));
  delivered = jd_file_store_substitute (f->store, text, g_get_real_time () / G_USEC_PER_SEC, 3600);
  g_assert_nonnull (delivered);

  spec.job_id = job_id;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = delivered;
  job = jd_store_create_job (store (f), &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
}

typedef struct {
  Fixture *f;
  const char *job_id;
  guint64 last_reported;
  gint64 last_time;
  guint reports;
  guint calls;
  gint64 total;
} Progress;

static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(JdExecution) execution = NULL;
  g_autoptr(GError) error = NULL;

  execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* Reports download progress in statusDetails at the rate the core allows. */
static void
progress_cb (guint64  received,
             gint64   total,
             gpointer user_data)
{
  Progress *p = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GHashTable) details = NULL;
  g_autofree char *text = NULL;
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

  p->calls++;
  p->total = total;
  if (!jd_codesign_progress_due (p->last_reported, p->last_time, received, total, now))
    return;
  p->last_reported = received;
  p->last_time = now;
  p->reports++;
  text = jd_codesign_format_progress (received, total);
  details = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (details, (gpointer) "progress", text);
  options.status_details = details;
  jd_jobs_client_update_async (p->f->client, p->job_id, JD_EXECUTION_STATUS_IN_PROGRESS, &options,
                               NULL, update_done_cb, NULL);
}

/* The device's part: start the next job, verify, report. */
static JdExecutionStatus
run_device (Fixture    *f,
            const char *job_id,
            Progress   *progress)
{
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JdExecution) started = NULL;
  g_autoptr(JdExecution) updated = NULL;
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  JdExecutionStatus status;
  Result r = { 0 };

  jd_jobs_client_start_next_async (f->client, NULL, 0, NULL, pointer_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  started = r.value;
  g_assert_cmpstr (jd_execution_get_job_id (started), ==, job_id);

  memset (&r, 0, sizeof r);
  progress->f = f;
  progress->job_id = job_id;
  jd_codesign_verify_document_async (jd_execution_get_job_document (started), f->session, f->cs_crt,
                                     progress_cb, progress, NULL, NULL, pointer_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  results = r.value;
  g_assert_cmpuint (results->len, ==, 1);

  if (jd_codesign_results_all_verified (results))
    status = JD_EXECUTION_STATUS_SUCCEEDED;
  else
    {
      JdCodesignResult *bad = g_ptr_array_index (results, 0);

      g_test_message ("%s: %s", jd_signed_file_get_path (bad->file), bad->error->message);
      status = JD_EXECUTION_STATUS_REJECTED;
      g_hash_table_insert (details, (gpointer) "reason", (gpointer) JD_CODESIGN_REJECT_REASON);
      options.status_details = details;
    }
  /* Let the last progress report land first. */
  jd_test_spin (200);
  memset (&r, 0, sizeof r);
  jd_jobs_client_update_async (f->client, job_id, status, &options, NULL, pointer_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  updated = r.value;
  return status;
}

static JdStoreExecution *
stored (Fixture    *f,
        const char *job_id)
{
  g_autoptr(GError) error = NULL;
  JdStoreExecution *execution = jd_store_get_execution (store (f), THING, job_id, -1, &error);

  g_assert_no_error (error);
  return execution;
}

static void
test_verified_succeeds (Fixture       *f,
                        gconstpointer  data)
{
  Progress progress = { 0 };
  JdStoreExecution *execution;

  create_signed_job (f, "fw-good", "fw/good.bin", GPOINTER_TO_INT (data));
  g_assert_cmpint (run_device (f, "fw-good", &progress), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpint (progress.total, ==, SIZE);
  /* The first and the last report at least; far fewer than the chunks. */
  g_assert_cmpuint (progress.reports, >=, 2);
  g_assert_cmpuint (progress.reports, <, progress.calls);

  execution = stored (f, "fw-good");
  g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_SUCCEEDED);
  /* A device's update replaces statusDetails: the last progress is gone. */
  jd_store_execution_free (execution);
}

static void
test_tampered_rejected (Fixture       *f,
                        gconstpointer  data)
{
  Progress progress = { 0 };
  JdStoreExecution *execution;
  g_autofree char *name = g_uri_escape_string ("fw/bad.bin", NULL, FALSE);
  g_autofree char *stored_path = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  create_signed_job (f, "fw-bad", "fw/bad.bin", GPOINTER_TO_INT (data));
  /* Someone changes the stored file after it was signed. */
  stored_path = g_build_filename (jd_file_store_get_dir (f->store), name, NULL);
  g_assert_true (g_file_get_contents (stored_path, &contents, &len, NULL));
  contents[len - 1] ^= 0x40;
  g_assert_true (g_file_set_contents (stored_path, contents, len, NULL));

  g_assert_cmpint (run_device (f, "fw-bad", &progress), ==, JD_EXECUTION_STATUS_REJECTED);
  execution = stored (f, "fw-bad");
  g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_REJECTED);
  g_assert_nonnull (execution->status_details);
  g_assert_cmpstr (json_object_get_string_member (execution->status_details, "reason"), ==, "sig_check_failed");
  jd_store_execution_free (execution);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/codesign-sandbox/afr-ota/verified-succeeds", Fixture,
              GINT_TO_POINTER (JD_CODESIGN_SHAPE_AFR_OTA), fixture_setup, test_verified_succeeds, fixture_teardown);
  g_test_add ("/codesign-sandbox/codesign/verified-succeeds", Fixture,
              GINT_TO_POINTER (JD_CODESIGN_SHAPE_CODESIGN), fixture_setup, test_verified_succeeds, fixture_teardown);
  g_test_add ("/codesign-sandbox/afr-ota/tampered-rejected", Fixture,
              GINT_TO_POINTER (JD_CODESIGN_SHAPE_AFR_OTA), fixture_setup, test_tampered_rejected, fixture_teardown);
  return g_test_run ();
}
