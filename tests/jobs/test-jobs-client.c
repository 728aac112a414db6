/* test-jobs-client.c — JdJobsClient against the broker fixture and the test
 * responder: every operation's accepted and rejected path with every request
 * field, timeouts, cancellation, notifications, malformed payloads, capped
 * notify lists, a 10,000-execution resync, and a broker killed mid-burst.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-jobs-client"

#include <string.h>

#include "jd-jobs-client.h"
#include "jd-jobs-error.h"
#include "jd-test-broker.h"
#include "jd-test-responder.h"
#include "jd-device-test.h"

#define THING "thing-1"

typedef struct {
  JdTestBroker     *broker;
  JdTestResponder  *responder;
  JdMqttConnection *connection;
  JdJobsClient     *client;
} Fixture;

typedef struct {
  gboolean  done;
  gpointer  value;
  GError   *error;
} Result;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *cert = NULL, *key = NULL;

  f->broker = jd_test_broker_new (&error);
  g_assert_no_error (error);
  f->responder = jd_test_responder_new (f->broker, THING);
  JD_TEST_WAIT_UNTIL (jd_test_responder_is_connected (f->responder), 5000);

  g_assert_true (jd_test_broker_issue_client (f->broker, THING, &cert, &key, &error));
  f->connection = jd_mqtt_connection_new (jd_test_broker_get_host (f->broker),
                                          jd_test_broker_get_port (f->broker), THING);
  jd_mqtt_connection_set_tls_files (f->connection, jd_test_broker_get_ca_path (f->broker), cert, key, NULL);
  jd_mqtt_connection_set_backoff (f->connection, 50, 300, 1000);
  jd_mqtt_connection_set_connect_timeout (f->connection, 3000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Disconnecting fails whatever is still in flight (an internal resync
   * holds the client until then). */
  jd_mqtt_connection_disconnect (f->connection);
  jd_test_spin (20);
  if (f->client != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->client));
  g_assert_finalize_object (g_steal_pointer (&f->connection));
  g_clear_pointer (&f->responder, jd_test_responder_free);
  g_clear_pointer (&f->broker, jd_test_broker_free);
}

static void
start_client (Fixture *f)
{
  f->client = jd_jobs_client_new (f->connection, THING);
  jd_mqtt_connection_connect (f->connection);
  JD_TEST_WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 10000);
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
result_clear (Result *r)
{
  g_clear_object (&r->value);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
pending_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->value = jd_jobs_client_get_pending_finish (JD_JOBS_CLIENT (o), res, &r->error);
  r->done = TRUE;
}

static void
start_next_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->value = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (o), res, &r->error);
  r->done = TRUE;
}

static void
describe_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->value = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (o), res, &r->error);
  r->done = TRUE;
}

static void
update_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->value = jd_jobs_client_update_finish (JD_JOBS_CLIENT (o), res, &r->error);
  r->done = TRUE;
}

static void
wait_result (Result *r)
{
  g_assert_true (jd_test_wait_flag (&r->done, 10000));
}

static void
test_sync_on_connect (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *log_text = NULL;
  JdEventLog *events;

  jd_test_responder_add_job (f->responder, "job-a", "{\"op\":\"reboot\"}", TRUE);
  jd_test_responder_add_job (f->responder, "job-b", NULL, TRUE);
  start_client (f);

  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 2);
  g_assert_cmpstr (id_at (f, 0), ==, "job-a");
  g_assert_cmpstr (id_at (f, 1), ==, "job-b");
  g_assert_true (jd_execution_get_is_next (jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "job-a")));
  g_assert_cmpstr (jd_execution_get_thing_name (jd_execution_list_get_next (jd_jobs_client_get_executions (f->client))), ==, THING);

  /* The event log saw the request and its reply. */
  events = jd_jobs_client_get_event_log (f->client);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), >=, 2);
  {
    g_autoptr(JdEvent) first = g_list_model_get_item (G_LIST_MODEL (events), 0);
    g_autoptr(JdEvent) second = g_list_model_get_item (G_LIST_MODEL (events), 1);

    g_assert_cmpint (jd_event_get_direction (first), ==, JD_EVENT_DIRECTION_OUT);
    g_assert_cmpstr (jd_event_get_kind (first), ==, "get-pending request");
    g_assert_cmpstr (jd_event_get_topic (first), ==, "$aws/things/" THING "/jobs/get");
    g_assert_nonnull (strstr (jd_event_get_payload (first), "clientToken"));
    g_assert_cmpint (jd_event_get_direction (second), ==, JD_EVENT_DIRECTION_IN);
    g_assert_cmpstr (jd_event_get_kind (second), ==, "get-pending accepted");
  }

  /* Exactly the least-privilege filters, never '#'. */
  g_assert_true (g_file_get_contents (jd_test_broker_get_log_path (f->broker), &log_text, NULL, NULL));
  {
    static const char *const filters[] = {
      "$aws/things/" THING "/jobs/notify (QoS 1)",
      "$aws/things/" THING "/jobs/notify-next (QoS 1)",
      "$aws/things/" THING "/jobs/get/+ (QoS 1)",
      "$aws/things/" THING "/jobs/start-next/+ (QoS 1)",
      "$aws/things/" THING "/jobs/+/get/+ (QoS 1)",
      "$aws/things/" THING "/jobs/+/update/+ (QoS 1)",
    };
    g_auto(GStrv) lines = g_strsplit (log_text, "\n", -1);
    gboolean in_ours = FALSE;
    guint ours = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      {
        if (strstr (lines[i], "Received SUBSCRIBE from "))
          in_ours = strstr (lines[i], "Received SUBSCRIBE from " THING) != NULL;
        else if (in_ours && strstr (lines[i], "(QoS"))
          {
            gboolean known = FALSE;

            for (guint j = 0; j < G_N_ELEMENTS (filters); j++)
              known |= strstr (lines[i], filters[j]) != NULL;
            g_assert_true (known);
            g_assert_null (strchr (lines[i], '#'));
            ours++;
          }
        else if (strstr (lines[i], "Sending SUBACK"))
          in_ours = FALSE;
      }
    g_assert_cmpuint (ours, ==, G_N_ELEMENTS (filters));
  }
}

static void
test_get_pending (Fixture       *f,
                  gconstpointer  data)
{
  Result r = { 0 };
  g_autofree char *token = NULL;

  jd_test_responder_add_job (f->responder, "j1", NULL, TRUE);
  start_client (f);

  jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_list_model_get_n_items (r.value), ==, 1);
  {
    g_autoptr(JdExecution) e = g_list_model_get_item (r.value, 0);

    g_assert_cmpint (jd_execution_get_status (e), ==, JD_EXECUTION_STATUS_QUEUED);
    /* The same object as the model's. */
    g_assert_true (e == jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "j1"));
  }
  token = g_strdup (json_object_get_string_member (jd_test_responder_last_request (f->responder, "get-pending"),
                                                   "clientToken"));
  g_assert_true (g_uuid_string_is_valid (token));
  result_clear (&r);

  /* Each request has its own token. */
  jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
  wait_result (&r);
  g_assert_cmpstr (json_object_get_string_member (jd_test_responder_last_request (f->responder, "get-pending"),
                                                  "clientToken"), !=, token);
  result_clear (&r);

  jd_test_responder_set_reject (f->responder, "InternalError");
  jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INTERNAL_ERROR);
  g_assert_cmpstr (r.error->message, ==, "forced by the test");
  g_assert_cmpstr (jd_jobs_error_get_aws_code (r.error), ==, "InternalError");
  g_assert_null (jd_jobs_error_get_execution_state (r.error));
  result_clear (&r);

  /* A code this client does not know keeps its spelling. */
  jd_test_responder_set_reject (f->responder, "BrandNewCode");
  jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNKNOWN_CODE);
  g_assert_cmpstr (jd_jobs_error_get_aws_code (r.error), ==, "BrandNewCode");
  result_clear (&r);
}

static void
test_start_next (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  Result r = { 0 };
  JdExecution *listed;
  JsonObject *sent;

  jd_test_responder_add_job (f->responder, "j1", "{\"a\":1}", TRUE);
  start_client (f);
  listed = jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "j1");

  g_hash_table_insert (details, "step", "1/3");
  jd_jobs_client_start_next_async (f->client, details, 15, NULL, start_next_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.value == listed);   /* updated in place */
  g_assert_cmpint (jd_execution_get_status (listed), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_execution_get_version_number (listed), ==, 2);
  g_assert_nonnull (jd_execution_get_started_at (listed));
  g_assert_nonnull (jd_execution_get_job_document (listed));
  g_assert_cmpstr (g_hash_table_lookup (jd_execution_get_status_details (listed), "step"), ==, "1/3");
  sent = jd_test_responder_last_request (f->responder, "start-next");
  g_assert_cmpint (json_object_get_int_member (sent, "stepTimeoutInMinutes"), ==, 15);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sent, "statusDetails"), "step"), ==, "1/3");
  result_clear (&r);

  /* Nothing pending: NULL without error, and the model empties. */
  jd_test_responder_set_status (f->responder, "j1", "CANCELED");
  JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 0, 5000);
  jd_jobs_client_start_next_async (f->client, NULL, 0, NULL, start_next_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_null (r.value);
  g_assert_false (json_object_has_member (jd_test_responder_last_request (f->responder, "start-next"),
                                          "stepTimeoutInMinutes"));
  result_clear (&r);

  /* Invalid arguments never reach the wire. */
  jd_jobs_client_start_next_async (f->client, NULL, 10081, NULL, start_next_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
  result_clear (&r);

  jd_test_responder_set_reject (f->responder, "RequestThrottled");
  jd_jobs_client_start_next_async (f->client, NULL, 0, NULL, start_next_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_REQUEST_THROTTLED);
  result_clear (&r);
}

static void
test_describe (Fixture       *f,
               gconstpointer  data)
{
  Result r = { 0 };
  JsonObject *sent;

  jd_test_responder_add_job (f->responder, "get", "{\"n\":[1,2]}", TRUE);
  start_client (f);

  /* A job whose id is a protocol word. */
  jd_jobs_client_describe_async (f->client, "get", 1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (jd_execution_get_job_id (r.value), ==, "get");
  g_assert_nonnull (jd_execution_get_job_document (r.value));
  sent = jd_test_responder_last_request (f->responder, "describe");
  g_assert_cmpint (json_object_get_int_member (sent, "executionNumber"), ==, 1);
  g_assert_true (json_object_get_boolean_member (sent, "includeJobDocument"));
  result_clear (&r);

  jd_jobs_client_describe_async (f->client, "$next", -1, FALSE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (jd_execution_get_job_id (r.value), ==, "get");
  sent = jd_test_responder_last_request (f->responder, "describe");
  g_assert_false (json_object_has_member (sent, "executionNumber"));
  g_assert_false (json_object_get_boolean_member (sent, "includeJobDocument"));
  result_clear (&r);

  jd_jobs_client_describe_async (f->client, "nope", -1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND);
  g_assert_cmpstr (r.error->message, ==, "Job execution not found");
  result_clear (&r);

  jd_jobs_client_describe_async (f->client, "bad/id", -1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
  result_clear (&r);

  jd_test_responder_set_reject (f->responder, "TerminalStateReached");
  jd_jobs_client_describe_async (f->client, "get", -1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_TERMINAL_STATE_REACHED);
  result_clear (&r);

  /* $next with nothing pending: NULL without error. */
  jd_test_responder_set_reject (f->responder, NULL);
  jd_test_responder_set_status (f->responder, "get", "REMOVED");
  JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 0, 5000);
  jd_jobs_client_describe_async (f->client, "$next", -1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_null (r.value);
  result_clear (&r);
}

static void
test_update (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  Result r = { 0 };
  JdExecution *listed;
  JsonObject *sent;

  jd_test_responder_add_job (f->responder, "j1", "{\"a\":1}", TRUE);
  jd_test_responder_add_job (f->responder, "j2", NULL, TRUE);
  start_client (f);
  listed = jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "j1");

  /* Every request field. */
  g_hash_table_insert (details, "progress", "50%");
  options.status_details = details;
  options.step_timeout_in_minutes = JD_JOBS_STEP_TIMEOUT_CANCEL;
  options.expected_version = 1;
  options.execution_number = 1;
  options.include_job_execution_state = TRUE;
  options.include_job_document = TRUE;
  jd_jobs_client_update_async (f->client, "j1", JD_EXECUTION_STATUS_IN_PROGRESS, &options,
                               NULL, update_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.value == listed);
  g_assert_cmpint (jd_execution_get_status (listed), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_execution_get_version_number (listed), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (jd_execution_get_status_details (listed), "progress"), ==, "50%");
  sent = jd_test_responder_last_request (f->responder, "update");
  g_assert_cmpstr (json_object_get_string_member (sent, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (sent, "stepTimeoutInMinutes"), ==, -1);
  g_assert_cmpint (json_object_get_int_member (sent, "expectedVersion"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (sent, "executionNumber"), ==, 1);
  g_assert_true (json_object_get_boolean_member (sent, "includeJobExecutionState"));
  g_assert_true (json_object_get_boolean_member (sent, "includeJobDocument"));
  g_assert_true (json_object_has_member (sent, "clientToken"));
  result_clear (&r);

  /* A stale expectedVersion: VersionMismatch with the real state. */
  options = (JdUpdateOptions) JD_UPDATE_OPTIONS_INIT;
  options.expected_version = 1;
  jd_jobs_client_update_async (f->client, "j1", JD_EXECUTION_STATUS_SUCCEEDED, &options,
                               NULL, update_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_VERSION_MISMATCH);
  g_assert_nonnull (jd_jobs_error_get_execution_state (r.error));
  g_assert_cmpint (json_object_get_int_member (jd_jobs_error_get_execution_state (r.error), "versionNumber"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (jd_jobs_error_get_execution_state (r.error), "status"), ==, "IN_PROGRESS");
  result_clear (&r);

  /* Success without the state: the model applies what was asked, and the
   * execution leaves the pending set. */
  jd_jobs_client_update_async (f->client, "j1", JD_EXECUTION_STATUS_SUCCEEDED, NULL, NULL, update_cb, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_cmpint (jd_execution_get_status (r.value), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_null (jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "j1"));
  g_assert_cmpstr (id_at (f, 0), ==, "j2");
  sent = jd_test_responder_last_request (f->responder, "update");
  g_assert_false (json_object_has_member (sent, "expectedVersion"));
  g_assert_false (json_object_has_member (sent, "stepTimeoutInMinutes"));
  g_assert_false (json_object_has_member (sent, "statusDetails"));
  result_clear (&r);

  /* A terminal execution: InvalidStateTransition with its state. */
  jd_jobs_client_update_async (f->client, "j1", JD_EXECUTION_STATUS_IN_PROGRESS, NULL, NULL, update_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_STATE_TRANSITION);
  g_assert_cmpstr (json_object_get_string_member (jd_jobs_error_get_execution_state (r.error), "status"), ==, "SUCCEEDED");
  result_clear (&r);

  jd_jobs_client_update_async (f->client, "zzz", JD_EXECUTION_STATUS_FAILED, NULL, NULL, update_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND);
  result_clear (&r);

  /* Invalid input is refused locally. */
  g_hash_table_remove_all (details);
  g_hash_table_insert (details, "bad key", "x");
  options = (JdUpdateOptions) JD_UPDATE_OPTIONS_INIT;
  options.status_details = details;
  jd_jobs_client_update_async (f->client, "j2", JD_EXECUTION_STATUS_FAILED, &options, NULL, update_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
  result_clear (&r);
  jd_jobs_client_update_async (f->client, "$next", JD_EXECUTION_STATUS_FAILED, NULL, NULL, update_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
  result_clear (&r);

  /* Every rejected code maps to its own error code. */
  {
    static const struct { const char *aws; JdJobsErrorCode code; } codes[] = {
      { "InvalidTopic", JD_JOBS_ERROR_INVALID_TOPIC },
      { "InvalidJson", JD_JOBS_ERROR_INVALID_JSON },
      { "InvalidRequest", JD_JOBS_ERROR_INVALID_REQUEST },
      { "InvalidStateTransition", JD_JOBS_ERROR_INVALID_STATE_TRANSITION },
      { "ResourceNotFound", JD_JOBS_ERROR_RESOURCE_NOT_FOUND },
      { "VersionMismatch", JD_JOBS_ERROR_VERSION_MISMATCH },
      { "InternalError", JD_JOBS_ERROR_INTERNAL_ERROR },
      { "RequestThrottled", JD_JOBS_ERROR_REQUEST_THROTTLED },
      { "TerminalStateReached", JD_JOBS_ERROR_TERMINAL_STATE_REACHED },
    };

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      {
        jd_test_responder_set_reject (f->responder, codes[i].aws);
        jd_jobs_client_update_async (f->client, "j2", JD_EXECUTION_STATUS_IN_PROGRESS, NULL, NULL, update_cb, &r);
        wait_result (&r);
        g_assert_error (r.error, JD_JOBS_ERROR, (gint) codes[i].code);
        g_assert_cmpstr (jd_jobs_error_code_to_aws (codes[i].code), ==, codes[i].aws);
        result_clear (&r);
      }
  }
}

static void
test_timeout_and_cancel (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0 };
  gint64 start;

  start_client (f);
  jd_test_responder_set_silent (f->responder, TRUE);
  jd_jobs_client_set_request_timeout (f->client, 300);
  g_assert_cmpuint (jd_jobs_client_get_request_timeout (f->client), ==, 300);

  start = g_get_monotonic_time ();
  jd_jobs_client_describe_async (f->client, "$next", -1, TRUE, NULL, describe_cb, &r);
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);
  result_clear (&r);

  jd_jobs_client_set_request_timeout (f->client, 10000);
  start = g_get_monotonic_time ();
  jd_jobs_client_update_async (f->client, "j", JD_EXECUTION_STATUS_FAILED, NULL, cancellable, update_cb, &r);
  jd_test_spin (50);
  g_cancellable_cancel (cancellable);
  wait_result (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  result_clear (&r);

  /* A reply arriving after the cancel is ignored. */
  jd_test_responder_set_silent (f->responder, FALSE);
  jd_test_spin (100);
}

static void
test_resync_retry (Fixture       *f,
                   gconstpointer  data)
{
  /* Nobody answers the first get-pending (the service is not up yet): the
   * client tries again, backing off, until it is synced. */
  jd_test_responder_add_job (f->responder, "late", NULL, TRUE);
  jd_test_responder_set_silent (f->responder, TRUE);
  f->client = jd_jobs_client_new (f->connection, THING);
  jd_jobs_client_set_request_timeout (f->client, 200);
  jd_mqtt_connection_connect (f->connection);
  JD_TEST_WAIT_UNTIL (jd_test_responder_n_requests (f->responder) >= 2, 5000);
  g_assert_false (jd_jobs_client_get_synced (f->client));
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 0);

  jd_test_responder_set_silent (f->responder, FALSE);
  JD_TEST_WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 10000);
  g_assert_cmpstr (id_at (f, 0), ==, "late");
}

/* A lost first resync request (after a broker restart the device can ask
 * before the service has subscribed again) is asked again after a short
 * resync timeout, not after the whole 10 s request timeout. */
static void
test_resync_lost_request (Fixture       *f,
                          gconstpointer  data)
{
  gint64 start;

  jd_test_responder_add_job (f->responder, "lost", NULL, TRUE);
  jd_test_responder_set_silent (f->responder, TRUE);
  f->client = jd_jobs_client_new (f->connection, THING);
  g_assert_cmpuint (jd_jobs_client_get_request_timeout (f->client), ==, JD_JOBS_CLIENT_DEFAULT_TIMEOUT);
  start = g_get_monotonic_time ();
  jd_mqtt_connection_connect (f->connection);
  JD_TEST_WAIT_UNTIL (jd_test_responder_n_requests (f->responder) >= 1, 5000);
  jd_test_responder_set_silent (f->responder, FALSE);

  /* 2 s for the lost request and 1 s before the next: well inside the
   * 10 s the request timeout alone would take. */
  JD_TEST_WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 6000);
  g_test_message ("synced %.1f s after connecting", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) JD_JOBS_CLIENT_DEFAULT_TIMEOUT * 1000);
  g_assert_cmpstr (id_at (f, 0), ==, "lost");
}

typedef struct {
  guint        list_signals;
  guint        last_list_len;
  guint        next_signals;
  gboolean     last_next_null;
  char        *last_next_id;
} Signals;

static void
list_changed_cb (JdJobsClient *client,
                 GListModel   *executions,
                 gpointer      data)
{
  Signals *s = data;

  s->list_signals++;
  s->last_list_len = g_list_model_get_n_items (executions);
}

static void
next_changed_cb (JdJobsClient *client,
                 JdExecution  *execution,
                 gpointer      data)
{
  Signals *s = data;

  s->next_signals++;
  s->last_next_null = execution == NULL;
  g_free (s->last_next_id);
  s->last_next_id = execution ? g_strdup (jd_execution_get_job_id (execution)) : NULL;
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  Signals s = { 0 };
  Result r = { 0 };
  JdExecution *c;

  start_client (f);
  g_signal_connect (f->client, "job-executions-changed", G_CALLBACK (list_changed_cb), &s);
  g_signal_connect (f->client, "next-job-execution-changed", G_CALLBACK (next_changed_cb), &s);

  /* Reference §6.3, step by step. */
  jd_test_responder_add_job (f->responder, "A", "{\"x\":1}", FALSE);
  JD_TEST_WAIT_UNTIL (s.list_signals == 1 && s.next_signals == 1, 5000);
  g_assert_cmpstr (s.last_next_id, ==, "A");
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 1);
  g_assert_nonnull (jd_execution_get_job_document (jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "A")));

  jd_test_responder_add_job (f->responder, "B", NULL, FALSE);
  JD_TEST_WAIT_UNTIL (s.list_signals == 2, 5000);
  g_assert_cmpuint (s.last_list_len, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 2);

  jd_jobs_client_start_next_async (f->client, NULL, 0, NULL, start_next_cb, &r);
  wait_result (&r);
  result_clear (&r);

  jd_test_responder_add_job (f->responder, "C", NULL, FALSE);
  JD_TEST_WAIT_UNTIL (s.list_signals == 3, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 3);
  g_assert_cmpstr (id_at (f, 0), ==, "A");

  jd_jobs_client_update_async (f->client, "A", JD_EXECUTION_STATUS_SUCCEEDED, NULL, NULL, update_cb, &r);
  wait_result (&r);
  result_clear (&r);
  JD_TEST_WAIT_UNTIL (s.list_signals == 4 && s.next_signals == 2, 5000);
  g_assert_cmpstr (s.last_next_id, ==, "B");
  g_assert_cmpstr (id_at (f, 0), ==, "B");
  g_assert_true (jd_execution_get_is_next (jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "B")));

  /* C jumps ahead by starting. */
  jd_jobs_client_update_async (f->client, "C", JD_EXECUTION_STATUS_IN_PROGRESS, NULL, NULL, update_cb, &r);
  wait_result (&r);
  result_clear (&r);
  c = jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "C");
  g_assert_cmpstr (id_at (f, 0), ==, "C");
  JD_TEST_WAIT_UNTIL (s.next_signals == 3, 5000);
  g_assert_cmpstr (s.last_next_id, ==, "C");
  g_assert_true (jd_execution_get_is_next (c));

  /* Everything ends: notify with {} and notify-next with no execution. */
  jd_test_responder_set_status (f->responder, "B", "REJECTED");
  jd_test_responder_set_status (f->responder, "C", "CANCELED");
  JD_TEST_WAIT_UNTIL (s.next_signals == 4, 5000);
  g_assert_true (s.last_next_null);
  JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 0, 5000);
  g_assert_cmpuint (s.last_list_len, ==, 0);

  g_signal_handlers_disconnect_by_data (f->client, &s);
  g_free (s.last_next_id);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *suffix; const char *payload; } bad[] = {
    { "notify", "not json" },
    { "notify", "[1,2]" },
    { "notify", "{\"jobs\":5}" },
    { "notify", "{\"jobs\":{\"QUEUED\":[{\"jobId\":7}]}}" },
    { "notify", "{\"jobs\":{\"QUEUED\":\"x\"}}" },
    { "notify-next", "{\"execution\":\"x\"}" },
    { "notify-next", "{\"execution\":{\"jobId\":\"a\",\"versionNumber\":\"many\"}}" },
    { "notify-next", "" },
    { "get/accepted", "{\"inProgressJobs\":" },
    { "start-next/accepted", "\xff\xfe" },
    { "j1/update/rejected", "null" },
  };
  Result r = { 0 };
  guint n_events;

  jd_test_responder_add_job (f->responder, "j1", NULL, TRUE);
  start_client (f);
  n_events = g_list_model_get_n_items (G_LIST_MODEL (jd_jobs_client_get_event_log (f->client)));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *topic = g_strdup_printf ("$aws/things/" THING "/jobs/%s", bad[i].suffix);

      g_test_expect_message ("jd-jobs-client", G_LOG_LEVEL_WARNING, "*ignoring a malformed*");
      jd_test_responder_publish (f->responder, topic, bad[i].payload);
      JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (jd_jobs_client_get_event_log (f->client)))
                          == n_events + i + 1, 5000);
      g_test_assert_expected_messages ();
    }

  /* Replies to nobody, another thing's topics, unknown topics: quietly ignored. */
  jd_test_responder_publish (f->responder, "$aws/things/" THING "/jobs/get/accepted",
                             "{\"clientToken\":\"not-ours\",\"inProgressJobs\":[],\"queuedJobs\":[]}");
  jd_test_responder_publish (f->responder, "$aws/things/" THING "/jobs/nothing/here/at/all", "{}");
  jd_test_responder_publish (f->responder, "$aws/things/other/jobs/notify", "{\"jobs\":{}}");

  /* A reply with our token but a broken body fails that request. */
  jd_test_responder_set_silent (f->responder, TRUE);
  jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
  JD_TEST_WAIT_UNTIL (jd_test_responder_last_request (f->responder, "get-pending") != NULL &&
                      jd_test_responder_n_requests (f->responder) >= 2, 5000);
  {
    const char *token = json_object_get_string_member (jd_test_responder_last_request (f->responder, "get-pending"),
                                                       "clientToken");
    g_autofree char *payload = g_strdup_printf ("{\"clientToken\":\"%s\",\"queuedJobs\":[{\"jobId\":\"a b\"}]}", token);

    jd_test_responder_publish (f->responder, "$aws/things/" THING "/jobs/get/accepted", payload);
  }
  wait_result (&r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY);
  result_clear (&r);

  /* The model survived all that. */
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 1);
  g_assert_cmpstr (id_at (f, 0), ==, "j1");
}

static void
test_capped_notify (Fixture       *f,
                    gconstpointer  data)
{
  guint before;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("job-%02u", i);
      jd_test_responder_add_job (f->responder, id, NULL, TRUE);
    }
  start_client (f);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 12);

  /* Two more arrive while a capped notify shows only ten: the client asks
   * get-pending for the whole set. */
  jd_test_responder_add_job (f->responder, "job-12", NULL, TRUE);
  jd_test_responder_add_job (f->responder, "job-13", NULL, TRUE);
  before = jd_test_responder_n_requests (f->responder);
  jd_test_responder_notify (f->responder, 10);
  JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 14, 5000);
  g_assert_cmpuint (jd_test_responder_n_requests (f->responder), ==, before + 1);
  g_assert_cmpstr (id_at (f, 13), ==, "job-13");

  /* An uncapped notify is the whole set: no request. */
  jd_test_responder_set_status (f->responder, "job-00", "CANCELED");
  for (guint i = 1; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("job-%02u", i);
      jd_test_responder_set_status (f->responder, id, "CANCELED");
    }
  JD_TEST_WAIT_UNTIL (g_list_model_get_n_items (model (f)) == 4, 5000);
  g_assert_cmpstr (id_at (f, 0), ==, "job-10");
}

static void
count_items_changed_cb (GListModel *list,
                        guint       position,
                        guint       removed,
                        guint       added,
                        gpointer    data)
{
  guint *count = data;

  (*count)++;
}

static void
test_resync_large (Fixture       *f,
                   gconstpointer  data)
{
  JdExecutionList *list;
  guint signals = 0;

  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *job = g_strdup_printf ("job-%05u", i);
      jd_test_responder_add_job (f->responder, job, NULL, TRUE);
    }

  f->client = jd_jobs_client_new (f->connection, THING);
  list = jd_jobs_client_get_executions (f->client);
  g_signal_connect (list, "items-changed", G_CALLBACK (count_items_changed_cb), &signals);
  jd_mqtt_connection_connect (f->connection);
  JD_TEST_WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 30000);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10000);
  g_assert_cmpuint (signals, ==, 1);
  g_assert_cmpstr (id_at (f, 0), ==, "job-00000");
  g_assert_cmpstr (id_at (f, 9999), ==, "job-09999");

  /* A second resync of the same set changes nothing visible. */
  {
    Result r = { 0 };

    jd_jobs_client_get_pending_async (f->client, NULL, pending_cb, &r);
    wait_result (&r);
    g_assert_no_error (r.error);
    result_clear (&r);
  }
  g_assert_cmpuint (signals, ==, 1);
  g_signal_handlers_disconnect_by_data (list, &signals);
}

typedef struct {
  guint done;
  guint disconnected;
} Burst;

static void
burst_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  Burst *b = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &error);

  b->done++;
  if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED))
    b->disconnected++;
}

static void
test_broker_restart (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Burst burst = { 0 };
  guint n;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *job = g_strdup_printf ("j%u", i);
      jd_test_responder_add_job (f->responder, job, NULL, TRUE);
    }
  start_client (f);
  g_assert_cmpuint (g_list_model_get_n_items (model (f)), ==, 5);

  /* A burst nobody answers, then the broker dies. */
  jd_test_responder_set_silent (f->responder, TRUE);
  for (guint i = 0; i < 20; i++)
    jd_jobs_client_update_async (f->client, "j0", JD_EXECUTION_STATUS_IN_PROGRESS, NULL, NULL, burst_cb, &burst);
  JD_TEST_WAIT_UNTIL (jd_test_responder_n_requests (f->responder) >= 21, 5000);
  jd_test_broker_kill (f->broker);

  JD_TEST_WAIT_UNTIL (burst.done == 20, 5000);
  g_assert_cmpuint (burst.disconnected, ==, 20);
  g_assert_false (jd_jobs_client_get_synced (f->client));

  /* The world moves on while we are away. */
  jd_test_responder_set_silent (f->responder, FALSE);
  jd_test_responder_add_job (f->responder, "j5", NULL, TRUE);
  jd_test_responder_set_status (f->responder, "j1", "CANCELED");
  jd_test_spin (300);

  g_assert_true (jd_test_broker_start (f->broker, &error));
  g_assert_no_error (error);
  JD_TEST_WAIT_UNTIL (jd_jobs_client_get_synced (f->client), 15000);

  /* Resynced: exactly the pending set, no duplicates, none lost. */
  n = g_list_model_get_n_items (model (f));
  g_assert_cmpuint (n, ==, jd_test_responder_count_pending (f->responder));
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < n; i++)
    g_assert_true (g_hash_table_add (seen, g_strdup (id_at (f, i))));
  g_assert_false (g_hash_table_contains (seen, "j1"));
  g_assert_true (g_hash_table_contains (seen, "j5"));
  g_assert_true (jd_execution_get_is_next (jd_execution_list_lookup (jd_jobs_client_get_executions (f->client), "j0")));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/jobs-client/sync-on-connect", test_sync_on_connect);
  ADD ("/jobs-client/get-pending", test_get_pending);
  ADD ("/jobs-client/start-next", test_start_next);
  ADD ("/jobs-client/describe", test_describe);
  ADD ("/jobs-client/update", test_update);
  ADD ("/jobs-client/timeout-and-cancel", test_timeout_and_cancel);
  ADD ("/jobs-client/notifications", test_notifications);
  ADD ("/jobs-client/malformed", test_malformed);
  ADD ("/jobs-client/capped-notify", test_capped_notify);
  ADD ("/jobs-client/resync-large", test_resync_large);
  ADD ("/jobs-client/broker-restart", test_broker_restart);
  ADD ("/jobs-client/resync-retry", test_resync_retry);
  ADD ("/jobs-client/resync-lost-request", test_resync_lost_request);
#undef ADD

  return g_test_run ();
}
