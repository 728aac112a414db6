/* test-service-http.c — JdServiceHttp over HTTPS: SigV4 refusals, every
 * control-plane operation, its errors, pagination and the thing signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-service-http"

#include <string.h>

#include "jd-device-api.h"
#include "jd-service-http.h"
#include "jd-store-private.h"
#include "jd-test-https.h"

typedef struct {
  JdTestCerts   *certs;
  JdStore       *store;
  JdServiceHttp *http;
  JdTestClient   client;
  GPtrArray     *created;
  GPtrArray     *deleted;
} Fixture;

static void
thing_signal_cb (JdServiceHttp *http,
                 const char    *thing_name,
                 GPtrArray     *log)
{
  g_ptr_array_add (log, g_strdup (thing_name));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->certs = jd_test_certs_new ();
  f->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  f->http = jd_service_http_new (f->store, "us-east-1", "123456789012", "AKIDTEST", "test-secret");
  jd_service_http_set_endpoint_address (f->http, "localhost");
  g_assert_true (jd_service_http_listen (f->http, f->certs->certificate, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jd_service_http_get_port (f->http), >, 0);
  jd_test_client_init (&f->client, f->certs->ca_path, jd_service_http_get_port (f->http));

  f->created = g_ptr_array_new_with_free_func (g_free);
  f->deleted = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->http, "thing-created", G_CALLBACK (thing_signal_cb), f->created);
  g_signal_connect (f->http, "thing-deleted", G_CALLBACK (thing_signal_cb), f->deleted);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  jd_test_client_clear (&f->client);
  g_assert_finalize_object (f->http);
  g_assert_finalize_object (f->store);
  jd_test_certs_free (f->certs);
  g_ptr_array_unref (f->created);
  g_ptr_array_unref (f->deleted);
}

static JdTestReply *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *body,
      guint       status,
      const char *error_type)
{
  JdTestReply *reply = jd_test_call (&f->client, method, path, body);

  if (reply->status != status || g_strcmp0 (reply->error_type, error_type) != 0)
    g_error ("%s %s: %u %s %s (expected %u %s)", method, path, reply->status,
             reply->error_type ? reply->error_type : "-", reply->body, status, error_type ? error_type : "-");
  g_assert_nonnull (reply->request_id);
  g_assert_cmpuint (strlen (reply->request_id), ==, 36);
  if (error_type != NULL)
    {
      g_assert_nonnull (reply->json);
      g_assert_nonnull (json_object_get_string_member (json_node_get_object (reply->json), "message"));
    }
  return reply;
}

static JsonObject *
obj (JdTestReply *reply)
{
  g_assert_nonnull (reply->json);
  return json_node_get_object (reply->json);
}

static const char *
message_of (JdTestReply *reply)
{
  return json_object_get_string_member (obj (reply), "message");
}

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JdTestReply) ok = NULL;
  g_autoptr(JdTestReply) missing = NULL;
  g_autoptr(JdTestReply) wrong = NULL;
  g_autoptr(JdTestReply) unknown = NULL;
  g_autoptr(JdTestReply) skew = NULL;
  g_autoptr(JdTestReply) scope = NULL;
  g_autoptr(JdTestReply) region = NULL;
  g_autoptr(JdTestReply) api = NULL;

  ok = call (f, "GET", "/things", NULL, 200, NULL);

  f->client.sign = FALSE;
  missing = call (f, "GET", "/things", NULL, 403, "MissingAuthenticationTokenException");
  g_assert_cmpstr (message_of (missing), ==, "Missing Authentication Token");
  f->client.sign = TRUE;

  f->client.secret_access_key = "wrong-secret";
  wrong = call (f, "GET", "/things", NULL, 403, "InvalidSignatureException");
  g_assert_true (g_str_has_prefix (message_of (wrong), "The request signature we calculated does not match"));
  f->client.secret_access_key = "test-secret";

  f->client.access_key_id = "AKIDOTHER";
  unknown = call (f, "GET", "/things", NULL, 403, "UnrecognizedClientException");
  f->client.access_key_id = "AKIDTEST";

  f->client.clock_offset = -10 * G_TIME_SPAN_MINUTE;
  skew = call (f, "GET", "/things", NULL, 403, "InvalidSignatureException");
  g_assert_true (g_str_has_prefix (message_of (skew), "Signature expired:"));
  f->client.clock_offset = 0;

  f->client.service = "s3";
  scope = call (f, "GET", "/things", NULL, 403, "InvalidSignatureException");
  g_assert_cmpstr (message_of (scope), ==, "Credential should be scoped to correct service: 'iot'. ");
  f->client.service = "execute-api";
  api = call (f, "GET", "/things", NULL, 200, NULL);
  f->client.service = "iot";

  f->client.region = "eu-west-1";
  region = call (f, "GET", "/things", NULL, 403, "InvalidSignatureException");
  f->client.region = "us-east-1";
}

static void
test_things (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JdTestReply) created = NULL;
  g_autoptr(JdTestReply) again = NULL;
  g_autoptr(JdTestReply) conflict = NULL;
  g_autoptr(JdTestReply) described = NULL;
  g_autoptr(JdTestReply) missing = NULL;
  g_autoptr(JdTestReply) page1 = NULL;
  g_autoptr(JdTestReply) page2 = NULL;
  g_autoptr(JdTestReply) bad_token = NULL;
  g_autoptr(JdTestReply) bad_max = NULL;
  g_autoptr(JdTestReply) bad_name = NULL;
  g_autoptr(JdTestReply) bad_type = NULL;
  g_autoptr(JdTestReply) version = NULL;
  g_autoptr(JdTestReply) deleted = NULL;
  g_autoptr(JdTestReply) deleted_again = NULL;
  g_autoptr(JdTestReply) other = NULL;
  g_autoptr(JdTestReply) filtered = NULL;
  g_autofree char *next_path = NULL;
  JsonObject *o;

  created = call (f, "POST", "/things/my%3Athing", "{\"attributePayload\":{\"attributes\":{\"color\":\"red\"}}}", 200, NULL);
  o = obj (created);
  g_assert_cmpstr (json_object_get_string_member (o, "thingName"), ==, "my:thing");
  g_assert_cmpstr (json_object_get_string_member (o, "thingArn"), ==, "arn:aws:iot:us-east-1:123456789012:thing/my:thing");
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "thingId")), ==, 36);
  g_assert_cmpuint (f->created->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->created, 0), ==, "my:thing");

  /* Idempotent with the same configuration; no second signal. */
  again = call (f, "POST", "/things/my%3Athing", "{\"attributePayload\":{\"attributes\":{\"color\":\"red\"}}}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (again), "thingId"), ==, json_object_get_string_member (o, "thingId"));
  g_assert_cmpuint (f->created->len, ==, 1);
  conflict = call (f, "POST", "/things/my%3Athing", "{}", 409, "ResourceAlreadyExistsException");
  g_assert_cmpstr (json_object_get_string_member (obj (conflict), "resourceId"), ==, "my:thing");
  bad_type = call (f, "POST", "/things/typed", "{\"thingTypeName\":\"Sensor\"}", 404, "ResourceNotFoundException");
  bad_name = call (f, "POST", "/things/bad%20name", NULL, 400, "InvalidRequestException");

  described = call (f, "GET", "/things/my%3Athing", NULL, 200, NULL);
  o = obj (described);
  g_assert_cmpstr (json_object_get_string_member (o, "defaultClientId"), ==, "my:thing");
  g_assert_cmpint (json_object_get_int_member (o, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "attributes"), "color"), ==, "red");
  missing = call (f, "GET", "/things/nothing", NULL, 404, "ResourceNotFoundException");

  other = call (f, "POST", "/things/Another", NULL, 200, NULL);
  page1 = call (f, "GET", "/things?maxResults=1", NULL, 200, NULL);
  o = obj (page1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "things")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "things"), 0), "thingName"), ==, "Another");
  g_assert_true (json_object_has_member (o, "nextToken"));
  {
    g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (o, "nextToken"), NULL, FALSE);

    next_path = g_strdup_printf ("/things?maxResults=1&nextToken=%s", escaped);
  }
  page2 = call (f, "GET", next_path, NULL, 200, NULL);
  o = obj (page2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "things"), 0), "thingName"), ==, "my:thing");
  g_assert_false (json_object_has_member (o, "nextToken"));
  filtered = call (f, "GET", "/things?attributeName=color&attributeValue=red", NULL, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (filtered), "things")), ==, 1);
  bad_token = call (f, "GET", "/things?nextToken=garbage", NULL, 400, "InvalidRequestException");
  bad_max = call (f, "GET", "/things?maxResults=251", NULL, 400, "InvalidRequestException");

  version = call (f, "DELETE", "/things/my%3Athing?expectedVersion=5", NULL, 409, "VersionConflictException");
  deleted = call (f, "DELETE", "/things/my%3Athing?expectedVersion=1", NULL, 200, NULL);
  g_assert_cmpstr (deleted->body, ==, "{}");
  g_assert_cmpuint (f->deleted->len, ==, 1);
  deleted_again = call (f, "DELETE", "/things/my%3Athing", NULL, 200, NULL);
  g_assert_cmpuint (f->deleted->len, ==, 1);
}

static char *
device (Fixture    *f,
        const char *thing,
        JdDeviceOp  op,
        const char *job_id,
        const char *payload)
{
  gboolean accepted = FALSE;
  char *reply = NULL;

  jd_device_api_handle (f->store, thing, op, job_id, payload, strlen (payload), &accepted, &reply);
  g_assert_true (accepted);
  return reply;
}

static void
test_jobs (Fixture       *f,
           gconstpointer  data)
{
  static const char create_body[] =
    "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T1\",\"arn:aws:iot:us-east-1:123456789012:thing/T2\"],"
    "\"document\":\"{\\\"op\\\":\\\"reboot\\\"}\",\"description\":\"Reboot\",\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":30}}";
  g_autoptr(JdTestReply) t1 = call (f, "POST", "/things/T1", NULL, 200, NULL);
  g_autoptr(JdTestReply) t2 = call (f, "POST", "/things/T2", NULL, 200, NULL);
  g_autoptr(JdTestReply) created = NULL;
  g_autoptr(JdTestReply) dup = NULL;
  g_autoptr(JdTestReply) described = NULL;
  g_autoptr(JdTestReply) document = NULL;
  g_autoptr(JdTestReply) list = NULL;
  g_autoptr(JdTestReply) list2 = NULL;
  g_autoptr(JdTestReply) for_job = NULL;
  g_autoptr(JdTestReply) for_thing = NULL;
  g_autoptr(JdTestReply) exec = NULL;
  g_autoptr(JdTestReply) cancel_exec_409 = NULL;
  g_autoptr(JdTestReply) cancel_exec_version = NULL;
  g_autoptr(JdTestReply) cancel_exec = NULL;
  g_autoptr(JdTestReply) del_exec_409 = NULL;
  g_autoptr(JdTestReply) del_exec = NULL;
  g_autoptr(JdTestReply) del_job_409 = NULL;
  g_autoptr(JdTestReply) cancel = NULL;
  g_autoptr(JdTestReply) after_cancel = NULL;
  g_autoptr(JdTestReply) del_job = NULL;
  g_autoptr(JdTestReply) gone = NULL;
  g_autofree char *started = NULL;
  JsonObject *o;
  JsonObject *job;
  JsonObject *details;

  created = call (f, "PUT", "/jobs/job-1", create_body, 200, NULL);
  o = obj (created);
  g_assert_cmpstr (json_object_get_string_member (o, "jobArn"), ==, "arn:aws:iot:us-east-1:123456789012:job/job-1");
  g_assert_cmpstr (json_object_get_string_member (o, "jobId"), ==, "job-1");
  g_assert_cmpstr (json_object_get_string_member (o, "description"), ==, "Reboot");
  dup = call (f, "PUT", "/jobs/job-1", create_body, 409, "ResourceAlreadyExistsException");
  g_assert_cmpstr (json_object_get_string_member (obj (dup), "resourceArn"), ==, "arn:aws:iot:us-east-1:123456789012:job/job-1");

  described = call (f, "GET", "/jobs/job-1", NULL, 200, NULL);
  job = json_object_get_object_member (obj (described), "job");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "IN_PROGRESS");
  g_assert_cmpstr (json_object_get_string_member (job, "targetSelection"), ==, "SNAPSHOT");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (job, "targets")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "jobProcessDetails"), "numberOfQueuedThings"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "timeoutConfig"), "inProgressTimeoutInMinutes"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (job, "createdAt"), >, 1600000000);
  g_assert_false (json_object_has_member (job, "completedAt"));

  document = call (f, "GET", "/jobs/job-1/job-document", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (document), "document"), ==, "{\"op\":\"reboot\"}");

  {
    g_autoptr(JdTestReply) job2 = call (f, "PUT", "/jobs/job-2",
                                        "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T1\"],\"document\":\"{}\",\"targetSelection\":\"CONTINUOUS\"}",
                                        200, NULL);
  }
  list = call (f, "GET", "/jobs?maxResults=1", NULL, 200, NULL);
  o = obj (list);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "jobs"), 0), "jobId"), ==, "job-1");
  g_assert_true (json_object_has_member (o, "nextToken"));
  list2 = call (f, "GET", "/jobs?targetSelection=CONTINUOUS&status=IN_PROGRESS", NULL, 200, NULL);
  o = obj (list2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "jobs")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "jobs"), 0), "jobId"), ==, "job-2");

  /* The device starts job-1 on T1. */
  started = device (f, "T1", JD_DEVICE_OP_START_NEXT, NULL, "{\"statusDetails\":{\"step\":\"1\"}}");

  for_job = call (f, "GET", "/jobs/job-1/things?status=IN_PROGRESS", NULL, 200, NULL);
  o = json_array_get_object_element (json_object_get_array_member (obj (for_job), "executionSummaries"), 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (for_job), "executionSummaries")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "thingArn"), ==, "arn:aws:iot:us-east-1:123456789012:thing/T1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "jobExecutionSummary"), "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "jobExecutionSummary"), "executionNumber"), ==, 1);

  for_thing = call (f, "GET", "/things/T1/jobs", NULL, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (for_thing), "executionSummaries")), ==, 2);
  o = json_array_get_object_element (json_object_get_array_member (obj (for_thing), "executionSummaries"), 1);
  g_assert_cmpstr (json_object_get_string_member (o, "jobId"), ==, "job-2");

  exec = call (f, "GET", "/things/T1/jobs/job-1?executionNumber=1", NULL, 200, NULL);
  o = json_object_get_object_member (obj (exec), "execution");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (o, "versionNumber"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "approximateSecondsBeforeTimedOut"), >, 1700);
  details = json_object_get_object_member (json_object_get_object_member (o, "statusDetails"), "detailsMap");
  g_assert_cmpstr (json_object_get_string_member (details, "step"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (o, "thingArn"), ==, "arn:aws:iot:us-east-1:123456789012:thing/T1");

  cancel_exec_409 = call (f, "PUT", "/things/T1/jobs/job-1/cancel", "{}", 409, "InvalidStateTransitionException");
  cancel_exec_version = call (f, "PUT", "/things/T1/jobs/job-1/cancel?force=true", "{\"expectedVersion\":1}", 409, "VersionConflictException");
  cancel_exec = call (f, "PUT", "/things/T1/jobs/job-1/cancel?force=true",
                      "{\"expectedVersion\":2,\"statusDetails\":{\"by\":\"operator\"}}", 200, NULL);
  g_assert_cmpstr (cancel_exec->body, ==, "");

  del_exec_409 = call (f, "DELETE", "/things/T2/jobs/job-1/executionNumber/1", NULL, 409, "InvalidStateTransitionException");
  del_exec = call (f, "DELETE", "/things/T2/jobs/job-1/executionNumber/1?force=true", NULL, 200, NULL);
  {
    g_autoptr(JdTestReply) nf = call (f, "GET", "/things/T2/jobs/job-1", NULL, 404, "ResourceNotFoundException");
    g_autoptr(JdTestReply) bad = call (f, "DELETE", "/things/T2/jobs/job-1/executionNumber/x", NULL, 400, "InvalidRequestException");
  }

  /* job-1 has no pending executions left: it completed. */
  {
    g_autoptr(JdTestReply) done = call (f, "GET", "/jobs/job-1", NULL, 200, NULL);

    job = json_object_get_object_member (obj (done), "job");
    g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "COMPLETED");
    g_assert_true (json_object_has_member (job, "completedAt"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "jobProcessDetails"), "numberOfCanceledThings"), ==, 1);
  }

  del_job_409 = call (f, "DELETE", "/jobs/job-2", NULL, 409, "InvalidStateTransitionException");
  cancel = call (f, "PUT", "/jobs/job-2/cancel", "{\"reasonCode\":\"NO_LONGER_NEEDED\",\"comment\":\"bye\"}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (cancel), "jobId"), ==, "job-2");
  after_cancel = call (f, "GET", "/jobs/job-2", NULL, 200, NULL);
  job = json_object_get_object_member (obj (after_cancel), "job");
  g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "CANCELED");
  g_assert_cmpstr (json_object_get_string_member (job, "reasonCode"), ==, "NO_LONGER_NEEDED");
  g_assert_cmpstr (json_object_get_string_member (job, "comment"), ==, "bye");
  del_job = call (f, "DELETE", "/jobs/job-2", NULL, 200, NULL);
  gone = call (f, "GET", "/jobs/job-2", NULL, 404, "ResourceNotFoundException");
}

static void
test_job_errors (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JdTestReply) t = call (f, "POST", "/things/T", NULL, 200, NULL);
  static const struct {
    const char *method;
    const char *path;
    const char *body;
    guint status;
    const char *type;
  } cases[] = {
    { "PUT", "/jobs/bad%20id", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"document\":\"{}\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[],\"document\":\"{}\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"]}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"not json\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\",\"targetSelection\":\"SOMETIMES\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\",\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":0}}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/Ghost\"],\"document\":\"{}\"}", 404, "ResourceNotFoundException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thinggroup/G\"],\"document\":\"{}\"}", 404, "ResourceNotFoundException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"not-an-arn\"],\"document\":\"{}\"}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\",\"description\":5}", 400, "InvalidRequestException" },
    { "PUT", "/jobs/j", "{not json", 400, "InvalidRequestException" },
    { "GET", "/jobs/nope", NULL, 404, "ResourceNotFoundException" },
    { "GET", "/jobs/nope/job-document", NULL, 404, "ResourceNotFoundException" },
    { "GET", "/jobs/nope/things", NULL, 404, "ResourceNotFoundException" },
    { "PUT", "/jobs/nope/cancel", NULL, 404, "ResourceNotFoundException" },
    { "PUT", "/jobs/nope/cancel", "{\"reasonCode\":\"lower\"}", 400, "InvalidRequestException" },
    { "DELETE", "/jobs/nope", NULL, 404, "ResourceNotFoundException" },
    { "DELETE", "/jobs/nope?force=maybe", NULL, 400, "InvalidRequestException" },
    { "GET", "/jobs?status=DONE", NULL, 400, "InvalidRequestException" },
    { "GET", "/jobs?maxResults=0", NULL, 400, "InvalidRequestException" },
    { "GET", "/things/T/jobs?status=NOPE", NULL, 400, "InvalidRequestException" },
    { "GET", "/things/Ghost/jobs", NULL, 404, "ResourceNotFoundException" },
    { "GET", "/things/T/jobs/nope", NULL, 404, "ResourceNotFoundException" },
    { "GET", "/things/T/jobs/nope?executionNumber=0", NULL, 400, "InvalidRequestException" },
    { "PUT", "/things/T/jobs/nope/cancel", NULL, 404, "ResourceNotFoundException" },
    { "PUT", "/things/T/jobs/nope/cancel", "{\"statusDetails\":{\"k\":5}}", 400, "InvalidRequestException" },
    { "DELETE", "/things/T/jobs/nope/executionNumber/1", NULL, 404, "ResourceNotFoundException" },
    { "GET", "/endpoint?endpointType=iot:Nope", NULL, 400, "InvalidRequestException" },
    { "GET", "/things?attributeName=a%22b", NULL, 400, "InvalidRequestException" },
    { "GET", "/nothing/here", NULL, 404, "UnknownOperationException" },
    { "PATCH", "/jobs", NULL, 404, "UnknownOperationException" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JdTestReply) reply = NULL;

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      reply = call (f, cases[i].method, cases[i].path, cases[i].body, cases[i].status, cases[i].type);
    }
}

/* Issue 16.7: a NUL inside any string of a body, or an integer beyond 64
 * bits, is refused in words — never cut or wrapped by the JSON reader — and
 * nothing is created. */
static void
test_request_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JdTestReply) t = call (f, "POST", "/things/T", NULL, 200, NULL);
  static const struct {
    const char *body;
    const char *words;
  } cases[] = {
    { "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\","
      "\"description\":\"safe\\u0000rm -rf\"}", "'description'" },
    { "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\\u0000x\"],\"document\":\"{}\"}",
      "NUL" },
    { "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{\\\"a\\\":\\\"\\u0000\\\"}\"}",
      "'document'" },
    { "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\","
      "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":18446744073709551615}}",
      "18446744073709551615 at 'timeoutConfig.inProgressTimeoutInMinutes'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JdTestReply) reply = call (f, "PUT", "/jobs/j", cases[i].body, 400, "InvalidRequestException");
      g_autoptr(JdTestReply) none = call (f, "GET", "/jobs/j", NULL, 404, "ResourceNotFoundException");

      g_test_message ("%s", message_of (reply));
      g_assert_nonnull (strstr (message_of (reply), cases[i].words));
    }
}

/* A read-only database: 503 ServiceUnavailableException, nothing changed. */
static void
test_storage_fault (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestReply) t = call (f, "POST", "/things/T", NULL, 200, NULL);
  g_autoptr(JdTestReply) refused = NULL;
  g_autoptr(JdTestReply) listed = NULL;

  g_assert_true (jd_store_exec_for_test (f->store, "PRAGMA query_only = 1", &error));
  refused = call (f, "PUT", "/jobs/j", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/T\"],\"document\":\"{}\"}",
                  503, "ServiceUnavailableException");
  g_assert_nonnull (strstr (message_of (refused), "read-only"));
  listed = call (f, "GET", "/jobs", NULL, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (listed), "jobs")), ==, 0);
}

static void
test_endpoint (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JdTestReply) ats = call (f, "GET", "/endpoint?endpointType=iot%3AData-ATS", NULL, 200, NULL);
  g_autoptr(JdTestReply) plain = call (f, "GET", "/endpoint", NULL, 200, NULL);

  g_assert_cmpstr (json_object_get_string_member (obj (ats), "endpointAddress"), ==, "localhost");
  g_assert_cmpstr (json_object_get_string_member (obj (plain), "endpointAddress"), ==, "localhost");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/service-http/auth", test_auth);
  ADD ("/service-http/things", test_things);
  ADD ("/service-http/jobs", test_jobs);
  ADD ("/service-http/job-errors", test_job_errors);
  ADD ("/service-http/request-text", test_request_text);
  ADD ("/service-http/endpoint", test_endpoint);
  ADD ("/service-http/storage-fault", test_storage_fault);
#undef ADD

  return g_test_run ();
}
