/* test-jobs-data.c — the HTTPS jobs data plane (iot-jobs-data): the pure
 * handler (routes, shapes, AWS's exceptions, strings and integers as AWS
 * validates them), the HTTPS listener with SigV4, and one execution driven
 * across both transports with every notify checked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-jobs-data"

#include <string.h>

#include "jd-device-api.h"
#include "jd-service-jobs-data.h"
#include "jd-service-jobs-data-server.h"
#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define THING "DataThing"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
create_job (JdStore    *store,
            const char *job_id,
            const char *thing)
{
  const char *things[] = { thing, NULL };
  JdStoreJobSpec spec = { job_id, NULL, things, "{\"op\":\"data\"}", NULL, NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = jd_store_create_job (store, &spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
}

static JdStore *
new_store (void)
{
  g_autoptr(GError) error = NULL;
  JdStore *store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = NULL;

  g_assert_no_error (error);
  thing = jd_store_create_thing (store, THING, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  create_job (store, "job-1", THING);
  create_job (store, "job-2", THING);
  return store;
}

/* Runs one request through the pure handler; checks status and exception,
 * returns the parsed body. */
static JsonObject *
call (JdStore    *store,
      const char *method,
      const char *path_and_query,
      const char *body,
      guint       status,
      const char *error_type)
{
  g_auto(JdJobsDataResponse) response = { 0 };
  g_autofree char *path = g_strdup (path_and_query);
  char *question = strchr (path, '?');

  if (question != NULL)
    *question = '\0';
  jd_jobs_data_handle (store, method, path, question != NULL ? question + 1 : NULL,
                       body, body != NULL ? strlen (body) : 0, &response);
  g_test_message ("%s %s → %u %s %s", method, path_and_query, response.status,
                  response.error_type ? response.error_type : "", response.body);
  g_assert_cmpuint (response.status, ==, status);
  g_assert_cmpstr (response.error_type, ==, error_type);
  return parse_object (response.body);
}

static void
test_operations (void)
{
  g_autoptr(JdStore) store = new_store ();
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) described = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) no_doc = NULL;
  g_autoptr(JsonObject) next = NULL;
  JsonObject *execution;
  JsonArray *queued;

  pending = call (store, "GET", "/things/" THING "/jobs", NULL, 200, NULL);
  queued = json_object_get_array_member (pending, "queuedJobs");
  g_assert_cmpuint (json_array_get_length (queued), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pending, "inProgressJobs")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (queued, 0), "jobId"), ==, "job-1");
  /* No MQTT members over HTTPS. */
  g_assert_false (json_object_has_member (pending, "timestamp"));
  g_assert_false (json_object_has_member (pending, "clientToken"));

  /* SDKs send `$` percent-encoded. */
  started = call (store, "PUT", "/things/" THING "/jobs/%24next",
                  "{\"statusDetails\":{\"step\":\"download\"},\"stepTimeoutInMinutes\":5}", 200, NULL);
  execution = json_object_get_object_member (started, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "job-1");
  g_assert_cmpstr (json_object_get_string_member (execution, "thingName"), ==, THING);
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "statusDetails"), "step"),
                   ==, "download");
  /* The document is a JSON string over HTTPS. */
  g_assert_cmpstr (json_object_get_string_member (execution, "jobDocument"), ==, "{\"op\":\"data\"}");
  g_assert_true (json_object_has_member (execution, "approximateSecondsBeforeTimedOut"));

  described = call (store, "GET", "/things/" THING "/jobs/job-1?executionNumber=1", NULL, 200, NULL);
  execution = json_object_get_object_member (described, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_true (json_object_has_member (execution, "jobDocument"));
  no_doc = call (store, "GET", "/things/" THING "/jobs/job-1?includeJobDocument=false", NULL, 200, NULL);
  g_assert_false (json_object_has_member (json_object_get_object_member (no_doc, "execution"), "jobDocument"));
  next = call (store, "GET", "/things/" THING "/jobs/$next", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (next, "execution"), "jobId"),
                   ==, "job-1");

  updated = call (store, "POST", "/things/" THING "/jobs/job-1",
                  "{\"status\":\"SUCCEEDED\",\"expectedVersion\":2,\"includeJobExecutionState\":true,"
                  "\"includeJobDocument\":true}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (updated, "executionState"), "status"),
                   ==, "SUCCEEDED");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (updated, "executionState"), "versionNumber"),
                   ==, 3);
  g_assert_cmpstr (json_object_get_string_member (updated, "jobDocument"), ==, "{\"op\":\"data\"}");

  /* Only job-2 is left. */
  g_clear_pointer (&pending, json_object_unref);
  pending = call (store, "GET", "/things/" THING "/jobs/", NULL, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pending, "queuedJobs")), ==, 1);
}

static void
test_errors (void)
{
  g_autoptr(JdStore) store = new_store ();
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) done = NULL;
  static const struct {
    const char *method;
    const char *path;
    const char *body;
    guint       status;
    const char *type;
    const char *message_part;
  } cases[] = {
    { "GET", "/things/" THING "/jobs/unknown-job", NULL, 404, "ResourceNotFoundException", NULL },
    { "POST", "/things/" THING "/jobs/unknown-job", "{\"status\":\"IN_PROGRESS\"}", 404, "ResourceNotFoundException", NULL },
    { "GET", "/things/" THING "/jobs/job-1", NULL, 410, "TerminalStateException", "terminal" },
    { "POST", "/things/" THING "/jobs/job-1", "{\"status\":\"IN_PROGRESS\"}", 409, "InvalidStateTransitionException", NULL },
    { "POST", "/things/" THING "/jobs/job-2", "{\"status\":\"IN_PROGRESS\",\"expectedVersion\":7}", 409,
      "InvalidStateTransitionException", NULL },
    { "POST", "/things/" THING "/jobs/job-2", "{\"status\":\"BOGUS\"}", 400, "InvalidRequestException", "BOGUS" },
    { "POST", "/things/" THING "/jobs/job-2", "{\"status\":", 400, "InvalidRequestException", NULL },
    { "POST", "/things/" THING "/jobs/%24next", "{\"status\":\"IN_PROGRESS\"}", 400, "InvalidRequestException", "$next" },
    { "POST", "/things/" THING "/jobs/a:b", "{\"status\":\"IN_PROGRESS\"}", 400, "InvalidRequestException", "Job id" },
    { "GET", "/things/bad.thing/jobs", NULL, 400, "InvalidRequestException", "Thing name" },
    /* Strings as AWS validates them: a NUL never truncates. */
    { "POST", "/things/" THING "/jobs/job-2", "{\"status\":\"IN_PROGRESS\\u0000\"}", 400, "InvalidRequestException",
      "Value at 'status' failed to satisfy constraint: Member must not contain the NUL character" },
    { "POST", "/things/" THING "/jobs/job-2",
      "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"k\":\"v\\u0000w\"}}", 400, "InvalidRequestException",
      "Value at 'statusDetails.k'" },
    { "GET", "/things/" THING "/jobs/job-2%00x", NULL, 400, "InvalidRequestException", "Value at 'jobId'" },
    { "GET", "/things/" THING "%00/jobs", NULL, 400, "InvalidRequestException", "Value at 'thingName'" },
    { "GET", "/things/" THING "/jobs/job-2?includeJobDocument=tr%00ue", NULL, 400, "InvalidRequestException",
      "Value at 'includeJobDocument'" },
    /* Integers out of range name the range. */
    { "PUT", "/things/" THING "/jobs/$next", "{\"stepTimeoutInMinutes\":18446744073709551615}", 400,
      "InvalidRequestException",
      "Value 18446744073709551615 at 'stepTimeoutInMinutes' failed to satisfy constraint: Member must be between 1 and 10080" },
    { "POST", "/things/" THING "/jobs/job-2", "{\"status\":\"IN_PROGRESS\",\"expectedVersion\":99999999999999999999}", 400,
      "InvalidRequestException", "Member must be between 0 and 9223372036854775807" },
    { "GET", "/things/" THING "/jobs/job-2?executionNumber=18446744073709551615", NULL, 400, "InvalidRequestException",
      "between 1 and 9223372036854775807" },
    /* Not an operation. */
    { "DELETE", "/things/" THING "/jobs/job-2", NULL, 404, "UnknownOperationException", NULL },
    { "GET", "/things/" THING "/jobs/job-2/extra", NULL, 404, "UnknownOperationException", NULL },
    { "GET", "/jobs", NULL, 404, "UnknownOperationException", NULL },
  };

  /* job-1 SUCCEEDED (terminal), job-2 QUEUED. */
  started = call (store, "PUT", "/things/" THING "/jobs/$next", NULL, 200, NULL);
  done = call (store, "POST", "/things/" THING "/jobs/job-1", "{\"status\":\"SUCCEEDED\"}", 200, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) body = call (store, cases[i].method, cases[i].path, cases[i].body,
                                         cases[i].status, cases[i].type);

      g_assert_true (json_object_has_member (body, "message"));
      if (cases[i].message_part != NULL &&
          strstr (json_object_get_string_member (body, "message"), cases[i].message_part) == NULL)
        g_error ("%s %s: message %s lacks “%s”", cases[i].method, cases[i].path,
                 json_object_get_string_member (body, "message"), cases[i].message_part);
    }

  /* An invalid transition carries the execution's state. */
  {
    g_autoptr(JsonObject) body = call (store, "POST", "/things/" THING "/jobs/job-1", "{\"status\":\"FAILED\"}",
                                       409, "InvalidStateTransitionException");
    JsonObject *state = json_object_get_object_member (body, "executionState");

    g_assert_nonnull (state);
    g_assert_cmpstr (json_object_get_string_member (state, "status"), ==, "SUCCEEDED");
  }

  /* Nothing changed by the refused requests: job-2 still QUEUED at version 1. */
  {
    g_autoptr(JsonObject) body = call (store, "GET", "/things/" THING "/jobs/job-2", NULL, 200, NULL);
    JsonObject *execution = json_object_get_object_member (body, "execution");

    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 1);
  }
}

static void
test_https_sigv4 (void)
{
  g_autoptr(JdTestCerts) certs = jd_test_certs_new ();
  g_autoptr(JdStore) store = new_store ();
  g_autoptr(JdServiceJobsDataServer) server = NULL;
  g_autoptr(JdTestReply) ok = NULL;
  g_autoptr(JdTestReply) wrong_service = NULL;
  g_autoptr(JdTestReply) unsigned_reply = NULL;
  g_autoptr(JdTestReply) started = NULL;
  g_autoptr(GError) error = NULL;
  JdTestClient client;

  server = jd_service_jobs_data_server_new (store, "us-east-1", "AKIDJOBSDATA", "jobs/data+secret");
  g_assert_true (jd_service_jobs_data_server_listen (server, certs->certificate, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jd_service_jobs_data_server_get_port (server), >, 0);

  jd_test_client_init (&client, certs->ca_path, jd_service_jobs_data_server_get_port (server));
  client.access_key_id = "AKIDJOBSDATA";
  client.secret_access_key = "jobs/data+secret";
  client.service = JD_JOBS_DATA_SIGNING_NAME;

  ok = jd_test_call (&client, "GET", "/things/" THING "/jobs", NULL);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_null (ok->error_type);
  g_assert_nonnull (ok->request_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (ok->json), "queuedJobs")),
                    ==, 2);

  started = jd_test_call (&client, "PUT", "/things/" THING "/jobs/%24next", "{\"statusDetails\":{\"a\":\"b\"}}");
  g_assert_cmpuint (started->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (started->json),
                                                                                 "execution"), "status"),
                   ==, "IN_PROGRESS");

  /* The control plane's signing name is not this endpoint's. */
  client.service = "iot";
  wrong_service = jd_test_call (&client, "GET", "/things/" THING "/jobs", NULL);
  g_assert_cmpuint (wrong_service->status, ==, 403);
  g_assert_cmpstr (wrong_service->error_type, ==, "InvalidSignatureException");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (wrong_service->json), "message"), ==,
                   "Credential should be scoped to correct service: 'iot-jobs-data'. ");

  client.sign = FALSE;
  unsigned_reply = jd_test_call (&client, "GET", "/things/" THING "/jobs", NULL);
  g_assert_cmpuint (unsigned_reply->status, ==, 403);
  g_assert_cmpstr (unsigned_reply->error_type, ==, "MissingAuthenticationTokenException");

  jd_test_client_clear (&client);
}

/* ---- both transports on one sandbox ---- */

#define THING_H "MixHttpsFirst"
#define THING_M "MixMqttFirst"

/* A notification without what differs between two things in time: the
 * timestamps and the timer. */
static void
strip_times (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;

          if (g_str_has_suffix (name, "At") || strcmp (name, "timestamp") == 0
              || strcmp (name, "approximateSecondsBeforeTimedOut") == 0)
            json_object_remove_member (object, name);
          else
            strip_times (json_object_get_member (object, name));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        strip_times (json_array_get_element (array, i));
    }
}

/* Every notify and notify-next @device got after a change, in order, as
 * "notify {…}" lines without times. */
static char *
collect_notifications (JdTestDevice *device)
{
  const char *thing = jd_test_device_get_thing (device);
  g_autofree char *notify = g_strdup_printf ("$aws/things/%s/jobs/notify", thing);
  g_autofree char *notify_next = g_strdup_printf ("$aws/things/%s/jobs/notify-next", thing);
  GString *out = g_string_new (NULL);

  for (guint k = 0; k < 2; k++)
    {
      const char *topic = k == 0 ? notify : notify_next;
      JsonNode *node;

      for (guint wait = 1500; (node = jd_test_device_expect (device, topic, wait, NULL)) != NULL; wait = 300)
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autofree char *text = NULL;

          strip_times (node);
          json_generator_set_root (generator, node);
          text = json_generator_to_data (generator, NULL);
          g_string_append_printf (out, "%s %s\n", k == 0 ? "notify" : "notify-next", text);
          json_node_unref (node);
        }
    }
  jd_test_device_flush (device);
  return g_string_free (out, FALSE);
}

static void
mqtt_request (JdTestDevice *device,
              const char   *suffix,
              const char   *payload)
{
  g_autofree char *accepted = g_strconcat (suffix, "/accepted", NULL);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_true (jd_test_device_request (device, suffix, payload));
  reply = jd_test_device_expect_reply (device, accepted, 5000);
  if (reply == NULL)
    g_error ("no %s", accepted);
}

static void
https_request (JdTestClient *client,
               const char   *method,
               const char   *path,
               const char   *body)
{
  g_autoptr(JdTestReply) reply = jd_test_call (client, method, path, body);

  if (reply->status != 200)
    g_error ("%s %s → %u %s", method, path, reply->status, reply->body);
}

static void
test_mixed_transports (void)
{
  const char *things[] = { THING_H, THING_M, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) sandbox = jd_test_sandbox_new (things, &error);
  g_autoptr(JdTestCerts) certs = jd_test_certs_new ();
  g_autoptr(JdServiceJobsDataServer) server = NULL;
  g_autoptr(JdTestDevice) device_h = NULL;
  g_autoptr(JdTestDevice) device_m = NULL;
  JdStore *store;
  JdTestClient client;
  struct {
    const char *step;
    char       *h;
    char       *m;
  } steps[3] = { { "start-next" }, { "update" }, { "start-next again" } };

  g_assert_no_error (error);
  store = jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (sandbox)));
  server = jd_service_jobs_data_server_new (store, "us-east-1", "AKIDMIXED", "mixed-secret");
  g_assert_true (jd_service_jobs_data_server_listen (server, certs->certificate, 0, &error));
  g_assert_no_error (error);
  jd_test_client_init (&client, certs->ca_path, jd_service_jobs_data_server_get_port (server));
  client.access_key_id = "AKIDMIXED";
  client.secret_access_key = "mixed-secret";
  client.service = JD_JOBS_DATA_SIGNING_NAME;

  device_h = jd_test_device_new (sandbox, THING_H, &error);
  g_assert_no_error (error);
  device_m = jd_test_device_new (sandbox, THING_M, &error);
  g_assert_no_error (error);

  {
    const char *both[] = { THING_H, THING_M, NULL };
    g_autoptr(JdStoreJob) one = NULL;
    g_autoptr(JdStoreJob) two = NULL;
    JdStoreJobSpec spec = { "mix-1", NULL, both, "{\"op\":\"mix\"}", NULL, NULL, NULL, 0 };

    one = jd_store_create_job (store, &spec, &error);
    g_assert_no_error (error);
    spec.job_id = "mix-2";
    two = jd_store_create_job (store, &spec, &error);
    g_assert_no_error (error);
  }
  {
    /* The creations notify both things alike. */
    g_autofree char *h = collect_notifications (device_h);
    g_autofree char *m = collect_notifications (device_m);

    g_assert_nonnull (strstr (h, "notify-next"));
    g_assert_cmpstr (h, ==, m);
  }

  /* 1. start-next: MixHttpsFirst over HTTPS, MixMqttFirst over MQTT. */
  https_request (&client, "PUT", "/things/" THING_H "/jobs/%24next", "{\"statusDetails\":{\"step\":\"1\"}}");
  steps[0].h = collect_notifications (device_h);
  mqtt_request (device_m, "start-next", "{\"statusDetails\":{\"step\":\"1\"}}");
  steps[0].m = collect_notifications (device_m);

  /* 2. update to SUCCEEDED: the other way round. */
  mqtt_request (device_h, "mix-1/update", "{\"status\":\"SUCCEEDED\",\"expectedVersion\":2}");
  steps[1].h = collect_notifications (device_h);
  https_request (&client, "POST", "/things/" THING_M "/jobs/mix-1", "{\"status\":\"SUCCEEDED\",\"expectedVersion\":2}");
  steps[1].m = collect_notifications (device_m);

  /* 3. start the second job over HTTPS on both. */
  https_request (&client, "PUT", "/things/" THING_H "/jobs/%24next", NULL);
  steps[2].h = collect_notifications (device_h);
  mqtt_request (device_m, "start-next", NULL);
  steps[2].m = collect_notifications (device_m);

  /* The update ends mix-1: it leaves the pending set (notify) and mix-2
   * becomes the next execution (notify-next). */
  g_assert_nonnull (strstr (steps[1].h, "notify {\"jobs\":{\"QUEUED\":[{\"jobId\":\"mix-2\""));
  g_assert_nonnull (strstr (steps[1].h, "notify-next {\"execution\":{\"jobId\":\"mix-2\""));

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_test_message ("%s over HTTPS:\n%s", steps[i].step, steps[i].h);
      g_test_message ("%s over MQTT:\n%s", steps[i].step, steps[i].m);
      /* A change over HTTPS notifies exactly as the same change over MQTT. */
      g_assert_cmpstr (steps[i].h, ==, steps[i].m);
      g_free (steps[i].h);
      g_free (steps[i].m);
    }

  jd_test_client_clear (&client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jobs-data/operations", test_operations);
  g_test_add_func ("/jobs-data/errors", test_errors);
  g_test_add_func ("/jobs-data/https-sigv4", test_https_sigv4);
  g_test_add_func ("/jobs-data/mixed-transports", test_mixed_transports);

  return g_test_run ();
}
