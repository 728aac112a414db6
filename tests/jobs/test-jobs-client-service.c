/* test-jobs-client-service.c — JdJobsClient against the real local sandbox
 * (mosquitto with per-thing ACLs and the Jobdeck jobs service, in-process):
 * a whole job lifecycle with notifications, the rejected paths the service
 * produces, and a resync after the sandbox restarts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-jobs-client-service"

#include <string.h>

#include "jd-jobs-client.h"
#include "jd-jobs-error.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define THING "Device1"

#define WAIT_UNTIL(cond, msec)                                           \
  G_STMT_START {                                                         \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (msec) * 1000; \
    while (!(cond) && g_get_monotonic_time () < _deadline)               \
      jd_test_spin (10);                                                 \
    g_assert_true (cond);                                                \
  } G_STMT_END

typedef struct {
  JdTestSandbox    *sandbox;
  JdMqttConnection *connection;
  JdJobsClient     *client;
} Fixture;

typedef struct {
  gboolean  done;
  gpointer  value;
  GError   *error;
} Result;

static JdStore *
store (Fixture *f)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (f->sandbox)));
}

static void
create_job (Fixture    *f,
            const char *job_id)
{
  const char *names[] = { THING, NULL };
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/" THING, NULL };
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;

  spec.job_id = job_id;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"reboot\"}";
  job = jd_store_create_job (store (f), &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
}

static void
connect_client (Fixture *f)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  g_assert_true (jd_sandbox_get_thing_files (sandbox, THING, &cert, &key));
  f->connection = jd_mqtt_connection_new ("127.0.0.1", jd_sandbox_get_mqtt_port (sandbox), THING);
  jd_mqtt_connection_set_tls_files (f->connection, jd_sandbox_get_ca_path (sandbox), cert, key, NULL);
  jd_mqtt_connection_set_backoff (f->connection, 50, 300, 1000);
  jd_mqtt_connection_set_connect_timeout (f->connection, 3000);
  f->client = jd_jobs_client_new (f->connection, THING);
  /* After a restart we may be back before the service: a resync then times
   * out and is retried. Keep that short here. */
  jd_jobs_client_set_request_timeout (f->client, 1000);
  jd_mqtt_connection_connect (f->connection);
  WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 10000);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *things[] = { THING, NULL };
  g_autoptr(GError) error = NULL;

  f->sandbox = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->connection != NULL)
    jd_mqtt_connection_disconnect (f->connection);
  jd_test_spin (20);
  if (f->client != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->client));
  if (f->connection != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->connection));
  g_clear_pointer (&f->sandbox, jd_test_sandbox_free);
}

static void
execution_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;
  GTask *task = G_TASK (result);

  r->value = g_task_propagate_pointer (task, &r->error);
  r->done = TRUE;
}

static void
wait_result (Result *r)
{
  g_assert_true (jd_test_wait_until (&r->done, 10000));
}

static void
result_clear (Result *r)
{
  g_clear_object (&r->value);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static GListModel *
model (Fixture *f)
{
  return G_LIST_MODEL (jd_jobs_client_get_executions (f->client));
}

static const char *
id_at (Fixture *f,
       guint    position)
{
  g_autoptr(JdExecution) e = g_list_model_get_item (model (f), position);

  return e ? jd_execution_get_job_id (e) : NULL;
}

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  JdExecution *a, *b;
  Result r = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *canceled;

  create_job (f, "job-a");
  create_job (f, "job-b");
  connect_client (f);

  /* Filled by get-pending on connect. */
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 2);
  g_assert_cmpstr (id_at (f, 0), ==, "job-a");
  a = jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "job-a");
  b = jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "job-b");
  g_assert_true (jd_execution_get_is_next (a));
  g_assert_cmpint (jd_execution_get_version_number (a), ==, 1);

  /* start-next starts the head, in place. */
  jd_jobs_client_start_next_async (f->client, NULL, 0, NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.value == a);
  g_assert_cmpint (jd_execution_get_status (a), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_execution_get_version_number (a), ==, 2);
  g_assert_nonnull (jd_execution_get_job_document (a));
  result_clear (&r);

  /* Progress with the state included. */
  g_hash_table_insert (details, "step", "2/3");
  options.status_details = details;
  options.include_job_execution_state = TRUE;
  options.expected_version = 2;
  jd_jobs_client_update_async (f->client, "job-a", JD_EXECUTION_STATUS_IN_PROGRESS, &options,
                               NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_cmpint (jd_execution_get_version_number (a), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (jd_execution_get_status_details (a), "step"), ==, "2/3");
  result_clear (&r);

  /* A stale version: the service's VersionMismatch carries the real state. */
  options = (JdUpdateOptions) JD_UPDATE_OPTIONS_INIT;
  options.expected_version = 1;
  jd_jobs_client_update_async (f->client, "job-a", JD_EXECUTION_STATUS_SUCCEEDED, &options,
                               NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_VERSION_MISMATCH);
  g_assert_cmpstr (jd_jobs_error_get_aws_code (r.error), ==, "VersionMismatch");
  g_assert_nonnull (jd_jobs_error_get_execution_state (r.error));
  g_assert_cmpint (json_object_get_int_member (jd_jobs_error_get_execution_state (r.error), "versionNumber"), ==, 3);
  result_clear (&r);

  /* Done: it leaves the model; B becomes next (notify + notify-next). */
  jd_jobs_client_update_async (f->client, "job-a", JD_EXECUTION_STATUS_SUCCEEDED, NULL, NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  result_clear (&r);
  WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 1, 5000);
  g_assert_true (jd_execution_get_is_next (b));

  /* Terminal: InvalidStateTransition. Unknown: ResourceNotFound. */
  jd_jobs_client_update_async (f->client, "job-a", JD_EXECUTION_STATUS_IN_PROGRESS, NULL, NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_STATE_TRANSITION);
  result_clear (&r);
  jd_jobs_client_describe_async (f->client, "no-such-job", -1, TRUE, NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND);
  result_clear (&r);

  /* describe $next with its document. */
  jd_jobs_client_describe_async (f->client, "$next", -1, TRUE, NULL, execution_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.value == b);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (jd_execution_get_job_document (b)), "operation"),
                   ==, "reboot");
  result_clear (&r);

  /* The operator queues one and cancels another: notify keeps the model current. */
  create_job (f, "job-c");
  WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 2, 5000);
  g_assert_cmpstr (id_at (f, 1), ==, "job-c");
  canceled = jd_store_cancel_job (store (f), "job-b", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  jd_store_job_free (canceled);
  WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 1, 5000);
  g_assert_cmpstr (id_at (f, 0), ==, "job-c");
  g_assert_true (jd_execution_get_is_next (jd_execution_list_get_next (jd_jobs_client_get_executions (f->client))));
}

static void
lost_cb (GObject    *object,
         GParamSpec *pspec,
         gpointer    data)
{
  gboolean *lost = data;

  if (jd_mqtt_connection_get_state (JD_MQTT_CONNECTION (object)) == JD_MQTT_STATE_RECONNECTING)
    *lost = TRUE;
}

static void
test_restart_resync (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean lost = FALSE;

  create_job (f, "job-1");
  create_job (f, "job-2");
  connect_client (f);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 2);
  g_signal_connect (f->connection, "notify::state", G_CALLBACK (lost_cb), &lost);

  g_assert_true (jd_test_sandbox_restart (f->sandbox, &error));
  g_assert_no_error (error);
  /* Durable storage: the same two come back, once each. */
  WAIT_UNTIL (lost && jd_jobs_client_get_synced (f->client), 15000);
  g_signal_handlers_disconnect_by_data (f->connection, &lost);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 2);
  g_assert_cmpstr (id_at (f, 0), ==, "job-1");
  g_assert_cmpstr (id_at (f, 1), ==, "job-2");

  create_job (f, "job-3");
  WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 3, 5000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/jobs-client-service/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle, fixture_teardown);
  g_test_add ("/jobs-client-service/restart-resync", Fixture, NULL, fixture_setup, test_restart_resync, fixture_teardown);

  return g_test_run ();
}
