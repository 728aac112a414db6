/* test-control-plane-mock.c — JdControlPlane against a small in-process
 * HTTPS server that plays AWS for the answers the local service cannot give
 * on demand: throttling and 5xx (the retry policy), an x-amzn-ErrorType with a
 * ":" suffix, errors typed only in the body, a slow server (cancellation),
 * scripted pages, and TLS with a CA that is not the server's. The server
 * verifies every request's SigV4 signature with jd_sigv4_verify().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-control-plane-mock"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "jd-control-plane.h"
#include "jd-sigv4.h"
#include "op-test-util.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define REGION "us-east-1"

typedef struct {
  guint status;
  char *error_type;    /* x-amzn-ErrorType, or NULL */
  char *body;          /* JSON, or NULL for an empty body */
  guint delay_ms;
} Reply;

typedef struct {
  char *method;
  char *path;
  char *query;
  char *body;
  char *user_agent;
  char *token;
  char *service;
  gboolean signature_ok;
} Seen;

typedef struct {
  char *dir;
  JdTestCa *ca;
  JdTestCa *other_ca;
  SoupServer *server;
  char *url;
  GQueue replies;
  GPtrArray *seen;
  const char *expected_token;
  GPtrArray *paused;
  JdControlPlane *cp;
} Fixture;

static void
reply_free (Reply *reply)
{
  g_free (reply->error_type);
  g_free (reply->body);
  g_free (reply);
}

static void
seen_free (Seen *seen)
{
  g_free (seen->method);
  g_free (seen->path);
  g_free (seen->query);
  g_free (seen->body);
  g_free (seen->user_agent);
  g_free (seen->token);
  g_free (seen->service);
  g_free (seen);
}

static void
push_reply (Fixture    *f,
            guint       status,
            const char *error_type,
            const char *body)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->error_type = g_strdup (error_type);
  reply->body = g_strdup (body);
  g_queue_push_tail (&f->replies, reply);
}

static Seen *
seen_at (Fixture *f,
         guint    i)
{
  g_assert_cmpuint (i, <, f->seen->len);
  return g_ptr_array_index (f->seen, i);
}

static void
respond (SoupServerMessage *msg,
         Reply             *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_replace (headers, "x-amzn-RequestId", "11111111-2222-3333-4444-555555555555");
  if (reply->error_type != NULL)
    soup_message_headers_replace (headers, "x-amzn-ErrorType", reply->error_type);
  if (reply->body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      reply->body, strlen (reply->body));
}

typedef struct {
  SoupServerMessage *msg;
  Reply *reply;
  gboolean gone;      /* the client went away (a cancelled request) */
} Delayed;

static void
delayed_disconnected_cb (SoupServerMessage *msg,
                         Delayed           *d)
{
  d->gone = TRUE;
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  Delayed *d = user_data;

  g_signal_handlers_disconnect_by_func (d->msg, delayed_disconnected_cb, d);
  if (!d->gone)
    {
      respond (d->msg, d->reply);
      soup_server_message_unpause (d->msg);
    }
  g_object_unref (d->msg);
  reply_free (d->reply);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GArray) headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
  g_autoptr(GError) error = NULL;
  static const char *const services[] = { "iot", NULL };
  SoupMessageHeadersIter iter;
  const char *name, *value;
  JdSigv4Request req = { 0 };
  JdSigv4Credentials creds = { AKID, SECRET, f->expected_token, REGION };
  Seen *seen = g_new0 (Seen, 1);
  Reply *reply;

  soup_message_headers_iter_init (&iter, req_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      JdSigv4Header h = { name, value };
      g_array_append_val (headers, h);
    }

  seen->method = g_strdup (soup_server_message_get_method (msg));
  /* "raw-paths" keeps the path as it was on the wire, which is what SigV4 signs. */
  seen->path = g_strdup (g_uri_get_path (uri));
  seen->query = g_strdup (g_uri_get_query (uri));
  seen->body = g_strndup (body->data, body->length);
  seen->user_agent = g_strdup (soup_message_headers_get_one (req_headers, "User-Agent"));
  seen->token = g_strdup (soup_message_headers_get_one (req_headers, "X-Amz-Security-Token"));

  req.method = seen->method;
  req.path = seen->path;
  req.query = seen->query;
  req.headers = (const JdSigv4Header *) headers->data;
  req.n_headers = headers->len;
  req.body = (const guint8 *) body->data;
  req.body_len = body->length;
  seen->signature_ok = jd_sigv4_verify (&req, &creds, services, NULL, &seen->service, &error);
  g_ptr_array_add (f->seen, seen);

  if (!seen->signature_ok)
    {
      g_autofree char *json = g_strdup_printf ("{\"message\":\"%s\"}", error->message);
      Reply bad = { 403, (char *) "InvalidSignatureException", json, 0 };

      g_test_message ("signature rejected: %s", error->message);
      respond (msg, &bad);
      return;
    }

  reply = g_queue_pop_head (&f->replies);
  if (reply == NULL)
    {
      Reply none = { 500, (char *) "InternalFailureException", (char *) "{\"message\":\"no scripted reply\"}", 0 };
      respond (msg, &none);
      return;
    }
  if (reply->delay_ms > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->msg = g_object_ref (msg);
      d->reply = reply;
      g_signal_connect (msg, "disconnected", G_CALLBACK (delayed_disconnected_cb), d);
      soup_server_message_pause (msg);
      g_timeout_add (reply->delay_ms, delayed_reply_cb, d);
      return;
    }
  respond (msg, reply);
  reply_free (reply);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static JdControlPlane *
make_client (Fixture       *f,
             const char    *ca_path,
             JdCredentials *creds)
{
  g_autoptr(JdCredentials) default_creds = jd_credentials_new (AKID, SECRET, NULL, NULL);
  g_autoptr(GError) error = NULL;
  JdControlPlane *cp;

  cp = jd_control_plane_new (REGION, f->url, ca_path, creds != NULL ? creds : default_creds, &error);
  g_assert_no_error (error);
  /* Short waits keep the suite fast; the policy is the same. */
  jd_control_plane_set_retry_policy (cp, 4, 5);
  return cp;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  GSList *uris;

  f->dir = g_dir_make_tmp ("jd-cp-mock-XXXXXX", &error);
  g_assert_no_error (error);
  f->ca = jd_test_ca_new (f->dir, "mock");
  f->other_ca = jd_test_ca_new (f->dir, "other");
  jd_test_ca_issue (f->ca, f->dir, "server", -60, 3600, NULL, &cert_path, &key_path);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  f->server = soup_server_new ("tls-certificate", cert, "raw-paths", TRUE, NULL);
  soup_server_add_handler (f->server, NULL, handler, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_queue_init (&f->replies);
  f->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  f->cp = make_client (f, jd_test_ca_get_path (f->ca), NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->cp);
  /* Let delayed replies and closing connections finish. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_queue_clear_full (&f->replies, (GDestroyNotify) reply_free);
  g_ptr_array_unref (f->seen);
  jd_test_ca_free (f->ca);
  jd_test_ca_free (f->other_ca);
  remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->url);
}

static void
test_request_shape (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = NULL;
  g_autofree char *ua = g_strdup_printf ("jobdeck/%s", PACKAGE_VERSION);
  Seen *seen;

  push_reply (f, 200, NULL,
              "{\"thingName\":\"my:thing\",\"thingArn\":\"arn:aws:iot:us-east-1:123456789012:thing/my:thing\","
              "\"thingId\":\"abc\",\"version\":3,\"attributes\":{\"room\":\"lab\"},\"defaultClientId\":\"my:thing\"}");
  jd_control_plane_describe_thing_async (f->cp, "my:thing", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  thing = jd_control_plane_describe_thing_finish (f->cp, result, &error);
  g_assert_no_error (error);

  seen = seen_at (f, 0);
  g_assert_cmpstr (seen->method, ==, "GET");
  /* Path labels are percent-encoded like botocore does. */
  g_assert_cmpstr (seen->path, ==, "/things/my%3Athing");
  g_assert_cmpstr (seen->user_agent, ==, ua);
  g_assert_true (seen->signature_ok);
  g_assert_cmpstr (seen->service, ==, "iot");
  g_assert_null (seen->token);

  g_assert_cmpstr (jd_thing_get_thing_name (thing), ==, "my:thing");
  g_assert_cmpstr (jd_thing_get_thing_arn (thing), ==, "arn:aws:iot:us-east-1:123456789012:thing/my:thing");
  g_assert_cmpint (jd_thing_get_version (thing), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (jd_thing_get_attributes (thing), "room"), ==, "lab");
}

static void
test_create_job_body (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/dev1", NULL };
  JsonObject *body;
  Seen *seen;

  push_reply (f, 200, NULL,
              "{\"jobArn\":\"arn:aws:iot:us-east-1:123456789012:job/job-1\",\"jobId\":\"job-1\",\"description\":\"d\"}");
  jd_control_plane_create_job_async (f->cp, "job-1", targets, "{\"op\":\"reboot\"}", "d",
                                     JD_TARGET_SELECTION_SNAPSHOT, 30,
                                     NULL, op_test_store_result, &result);
  op_test_wait (&result);
  job = jd_control_plane_create_job_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_job_get_job_id (job), ==, "job-1");
  g_assert_cmpstr (jd_job_get_job_arn (job), ==, "arn:aws:iot:us-east-1:123456789012:job/job-1");

  seen = seen_at (f, 0);
  g_assert_cmpstr (seen->method, ==, "PUT");
  g_assert_cmpstr (seen->path, ==, "/jobs/job-1");
  g_assert_true (seen->signature_ok);
  g_assert_true (json_parser_load_from_data (parser, seen->body, -1, NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (body, "targets"), 0),
                   ==, targets[0]);
  /* The document travels as a string inside the JSON body. */
  g_assert_cmpstr (json_object_get_string_member (body, "document"), ==, "{\"op\":\"reboot\"}");
  g_assert_cmpstr (json_object_get_string_member (body, "targetSelection"), ==, "SNAPSHOT");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (body, "timeoutConfig"),
                                               "inProgressTimeoutInMinutes"), ==, 30);
}

static void
test_describe_job (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  const JdJobProcessDetails *details;
  const char *const *targets;

  push_reply (f, 200, NULL,
              "{\"documentSource\":null,\"job\":{\"jobArn\":\"arn:aws:iot:us-east-1:1:job/j\",\"jobId\":\"j\","
              "\"targetSelection\":\"CONTINUOUS\",\"status\":\"IN_PROGRESS\",\"forceCanceled\":false,"
              "\"targets\":[\"arn:aws:iot:us-east-1:1:thing/a\",\"arn:aws:iot:us-east-1:1:thing/b\"],"
              "\"createdAt\":1700000000.25,\"lastUpdatedAt\":1700000100,"
              "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":5},"
              "\"jobProcessDetails\":{\"numberOfQueuedThings\":1,\"numberOfInProgressThings\":1,"
              "\"numberOfSucceededThings\":4,\"numberOfFailedThings\":2,\"numberOfRejectedThings\":3,"
              "\"numberOfCanceledThings\":5,\"numberOfRemovedThings\":6,\"numberOfTimedOutThings\":7},"
              "\"futureMember\":{\"ignored\":true}}}");
  push_reply (f, 200, NULL, "{\"document\":\"{\\\"op\\\":\\\"reboot\\\"}\"}");
  jd_control_plane_describe_job_async (f->cp, "j", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  job = jd_control_plane_describe_job_finish (f->cp, result, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (f->seen->len, ==, 2);
  g_assert_cmpstr (seen_at (f, 0)->path, ==, "/jobs/j");
  g_assert_cmpstr (seen_at (f, 1)->path, ==, "/jobs/j/job-document");

  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_job_get_target_selection (job), ==, JD_TARGET_SELECTION_CONTINUOUS);
  targets = jd_job_get_targets (job);
  g_assert_cmpuint (g_strv_length ((char **) targets), ==, 2);
  g_assert_cmpstr (targets[1], ==, "arn:aws:iot:us-east-1:1:thing/b");
  g_assert_cmpstr (jd_job_get_document (job), ==, "{\"op\":\"reboot\"}");
  g_assert_cmpint (g_date_time_to_unix (jd_job_get_created_at (job)), ==, 1700000000);
  g_assert_cmpint (g_date_time_get_microsecond (jd_job_get_created_at (job)), ==, 250000);
  g_assert_cmpint (g_date_time_to_unix (jd_job_get_last_updated_at (job)), ==, 1700000100);
  g_assert_null (jd_job_get_completed_at (job));
  g_assert_cmpint (jd_job_get_in_progress_timeout_minutes (job), ==, 5);
  details = jd_job_get_process_details (job);
  g_assert_nonnull (details);
  g_assert_cmpuint (details->queued, ==, 1);
  g_assert_cmpuint (details->in_progress, ==, 1);
  g_assert_cmpuint (details->succeeded, ==, 4);
  g_assert_cmpuint (details->failed, ==, 2);
  g_assert_cmpuint (details->rejected, ==, 3);
  g_assert_cmpuint (details->canceled, ==, 5);
  g_assert_cmpuint (details->removed, ==, 6);
  g_assert_cmpuint (details->timed_out, ==, 7);
}

static void
test_error_suffix (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  push_reply (f, 404, "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.iot/",
              "{\"message\":\"Job nope does not exist.\",\"traceId\":\"t\"}");
  jd_control_plane_get_job_document_async (f->cp, "nope", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_get_job_document_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION);
  g_assert_cmpstr (error->message, ==, "Job nope does not exist.");
  g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, "ResourceNotFoundException");
  g_assert_cmpstr (jd_control_plane_error_get_aws_message (error), ==, "Job nope does not exist.");
  g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, 404);
  g_assert_cmpstr (jd_control_plane_error_get_request_id (error), ==, "11111111-2222-3333-4444-555555555555");
  /* Not retried: a 404 is final. */
  g_assert_cmpuint (f->seen->len, ==, 1);
}

static void
test_error_in_body (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;

  /* No header: the body's __type, namespace stripped, and "Message". */
  push_reply (f, 409, NULL,
              "{\"__type\":\"com.amazonaws.iot#VersionConflictException\",\"Message\":\"version 2 != 1\"}");
  jd_control_plane_delete_thing_async (f->cp, "dev1", 1, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_false (jd_control_plane_delete_thing_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_VERSION_CONFLICT_EXCEPTION);
  g_assert_cmpstr (error->message, ==, "version 2 != 1");
  g_assert_cmpstr (seen_at (f, 0)->query, ==, "expectedVersion=1");

  /* The AWS details survive g_error_copy(). */
  copy = g_error_copy (error);
  g_assert_cmpstr (jd_control_plane_error_get_aws_type (copy), ==, "VersionConflictException");
  g_assert_cmpuint (jd_control_plane_error_get_http_status (copy), ==, 409);
  g_clear_object (&result);
  g_clear_error (&error);

  /* An unknown type keeps its name; a bare status still says something. */
  push_reply (f, 418, "TeapotException", "{\"message\":\"short and stout\"}");
  jd_control_plane_describe_endpoint_async (f->cp, NULL, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_endpoint_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNKNOWN_EXCEPTION);
  g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, "TeapotException");
  g_clear_object (&result);
  g_clear_error (&error);

  push_reply (f, 404, NULL, NULL);
  jd_control_plane_describe_endpoint_async (f->cp, NULL, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_endpoint_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNKNOWN_EXCEPTION);
  g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, 404);
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_object (&result);
  g_clear_error (&error);

  /* A 200 that is not JSON. */
  push_reply (f, 200, NULL, "<html>");
  jd_control_plane_describe_endpoint_async (f->cp, NULL, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_endpoint_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE);
}

static void
test_error_codes (void)
{
  g_assert_cmpint (jd_control_plane_error_code_from_aws ("InvalidRequestException"), ==,
                   JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION);
  g_assert_cmpint (jd_control_plane_error_code_from_aws ("ThrottlingException:"), ==,
                   JD_JOBS_ERROR_THROTTLING_EXCEPTION);
  g_assert_cmpint (jd_control_plane_error_code_from_aws ("TooManyRequestsException"), ==,
                   JD_JOBS_ERROR_THROTTLING_EXCEPTION);
  g_assert_cmpint (jd_control_plane_error_code_from_aws ("aws.iot#LimitExceededException"), ==,
                   JD_JOBS_ERROR_LIMIT_EXCEEDED_EXCEPTION);
  g_assert_cmpint (jd_control_plane_error_code_from_aws (NULL), ==, JD_JOBS_ERROR_UNKNOWN_EXCEPTION);
  for (guint i = JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION; i < JD_JOBS_ERROR_UNKNOWN_EXCEPTION; i++)
    g_assert_cmpint (jd_control_plane_error_code_from_aws (jd_control_plane_error_code_to_aws (i)), ==, i);
  g_assert_null (jd_control_plane_error_code_to_aws (JD_JOBS_ERROR_INVALID_RESPONSE));
  /* One domain: the device side's codes are not the control plane's, and
   * the reverse. */
  g_assert_null (jd_control_plane_error_code_to_aws (JD_JOBS_ERROR_INVALID_REQUEST));
  g_assert_null (jd_jobs_error_code_to_aws (JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION));
  g_assert_cmpint (jd_jobs_error_code_from_aws ("InvalidRequestException"), ==, JD_JOBS_ERROR_UNKNOWN_CODE);
}

static void
test_error_groups (void)
{
  g_autoptr(GError) aws = jd_control_plane_error_new_aws ("ResourceNotFoundException", "gone", 404, "r-1");
  g_autoptr(GError) rejected = jd_jobs_error_new_rejected ("InvalidRequest", "bad", NULL);
  g_autoptr(GError) local = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION, "x");
  g_autoptr(GError) profile = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_MISMATCH, "x");
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_cmpint (jd_jobs_error_get_group (aws), ==, JD_JOBS_ERROR_GROUP_CONTROL_PLANE);
  g_assert_cmpint (jd_jobs_error_get_group (local), ==, JD_JOBS_ERROR_GROUP_CONTROL_PLANE);
  g_assert_cmpint (jd_jobs_error_get_group (rejected), ==, JD_JOBS_ERROR_GROUP_DEVICE);
  g_assert_cmpint (jd_jobs_error_get_group (profile), ==, JD_JOBS_ERROR_GROUP_PROFILE);
  g_assert_cmpint (jd_jobs_error_get_group (io), ==, JD_JOBS_ERROR_GROUP_NONE);

  /* What AWS said stays with the part that said it. */
  g_assert_cmpstr (jd_control_plane_error_get_aws_type (aws), ==, "ResourceNotFoundException");
  g_assert_cmpuint (jd_control_plane_error_get_http_status (aws), ==, 404);
  g_assert_null (jd_jobs_error_get_aws_code (aws));
  g_assert_cmpstr (jd_jobs_error_get_aws_code (rejected), ==, "InvalidRequest");
  g_assert_null (jd_control_plane_error_get_aws_type (rejected));
  g_assert_cmpuint (jd_control_plane_error_get_http_status (rejected), ==, 0);
  g_assert_false (jd_control_plane_error_is_retryable (rejected));

  /* A copy keeps both. */
  {
    g_autoptr(GError) copy = g_error_copy (aws);

    g_assert_cmpstr (jd_control_plane_error_get_request_id (copy), ==, "r-1");
  }
}

static void
test_retry_throttling (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;

  push_reply (f, 400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
  push_reply (f, 503, "ServiceUnavailableException", "{\"message\":\"try later\"}");
  push_reply (f, 500, "InternalFailureException", "{\"message\":\"oops\"}");
  push_reply (f, 200, NULL, "{\"endpointAddress\":\"abc-ats.iot.us-east-1.amazonaws.com\"}");
  jd_control_plane_describe_endpoint_async (f->cp, "iot:Data-ATS", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  endpoint = jd_control_plane_describe_endpoint_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (endpoint, ==, "abc-ats.iot.us-east-1.amazonaws.com");
  g_assert_cmpuint (f->seen->len, ==, 4);
  g_assert_cmpstr (seen_at (f, 3)->query, ==, "endpointType=iot%3AData-ATS");
  /* Every retry is signed afresh. */
  for (guint i = 0; i < 4; i++)
    g_assert_true (seen_at (f, i)->signature_ok);
}

static void
test_retry_gives_up (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jd_control_plane_set_retry_policy (f->cp, 3, 5);
  for (guint i = 0; i < 5; i++)
    push_reply (f, 503, "ServiceUnavailableException", "{\"message\":\"down\"}");
  jd_control_plane_list_things_async (f->cp, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_things_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION);
  g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, 503);
  g_assert_cmpuint (f->seen->len, ==, 3);
}

static void
test_no_retry_when_not_idempotent (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *targets[] = { "arn:aws:iot:us-east-1:1:thing/a", NULL };

  push_reply (f, 503, "ServiceUnavailableException", "{\"message\":\"down\"}");
  push_reply (f, 200, NULL, "{\"jobId\":\"j\"}");
  jd_control_plane_create_job_async (f->cp, "j", targets, "{}", NULL, JD_TARGET_SELECTION_SNAPSHOT, 0,
                                     NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_create_job_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION);
  g_assert_cmpuint (f->seen->len, ==, 1);
  g_clear_object (&result);
  g_clear_error (&error);
  /* Drop the success a retry would have received. */
  g_queue_clear_full (&f->replies, (GDestroyNotify) reply_free);

  push_reply (f, 400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
  jd_control_plane_cancel_job_execution_async (f->cp, "a", "j", FALSE, -1, NULL, NULL,
                                               op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_false (jd_control_plane_cancel_job_execution_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_THROTTLING_EXCEPTION);
  g_assert_cmpuint (f->seen->len, ==, 2);
}

static void
test_pagination (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;

  jd_control_plane_set_page_size (f->cp, 2);
  push_reply (f, 200, NULL, "{\"jobs\":[{\"jobId\":\"a\",\"status\":\"IN_PROGRESS\"},{\"jobId\":\"b\",\"status\":\"COMPLETED\"}],"
                            "\"nextToken\":\"tok/1+=\"}");
  /* A retried page keeps its token. */
  push_reply (f, 400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
  push_reply (f, 200, NULL, "{\"jobs\":[{\"jobId\":\"c\",\"status\":\"CANCELED\"},{\"jobId\":\"d\",\"status\":\"SCHEDULED\"}],"
                            "\"nextToken\":\"tok2\"}");
  push_reply (f, 200, NULL, "{\"jobs\":[{\"jobId\":\"e\",\"status\":\"DELETION_IN_PROGRESS\"}]}");
  jd_control_plane_list_jobs_async (f->cp, JD_JOB_STATUS_UNKNOWN, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  jobs = jd_control_plane_list_jobs_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 5);
  g_assert_cmpstr (jd_job_get_job_id (g_ptr_array_index (jobs, 4)), ==, "e");
  g_assert_cmpint (jd_job_get_status (g_ptr_array_index (jobs, 2)), ==, JD_JOB_STATUS_CANCELED);
  g_assert_cmpint (jd_job_get_status (g_ptr_array_index (jobs, 4)), ==, JD_JOB_STATUS_DELETION_IN_PROGRESS);
  g_assert_null (jd_job_get_process_details (g_ptr_array_index (jobs, 0)));

  g_assert_cmpuint (f->seen->len, ==, 4);
  g_assert_cmpstr (seen_at (f, 0)->query, ==, "maxResults=2");
  g_assert_cmpstr (seen_at (f, 1)->query, ==, "maxResults=2&nextToken=tok%2F1%2B%3D");
  g_assert_cmpstr (seen_at (f, 2)->query, ==, "maxResults=2&nextToken=tok%2F1%2B%3D");
  g_assert_cmpstr (seen_at (f, 3)->query, ==, "maxResults=2&nextToken=tok2");
  for (guint i = 0; i < 4; i++)
    g_assert_true (seen_at (f, i)->signature_ok);
}

static void
test_execution_lists (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JdJobExecutionInfo) exec = NULL;
  JdJobExecutionInfo *item;

  push_reply (f, 200, NULL,
              "{\"executionSummaries\":[{\"thingArn\":\"arn:aws:iot:us-east-1:1:thing/dev1\","
              "\"jobExecutionSummary\":{\"status\":\"QUEUED\",\"queuedAt\":1700000000,\"executionNumber\":1,"
              "\"retryAttempt\":0}}]}");
  jd_control_plane_list_job_executions_for_job_async (f->cp, "j", JD_EXECUTION_STATUS_QUEUED, NULL,
                                                      op_test_store_result, &result);
  op_test_wait (&result);
  list = jd_control_plane_list_job_executions_for_job_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  item = g_ptr_array_index (list, 0);
  g_assert_cmpstr (jd_job_execution_info_get_job_id (item), ==, "j");
  g_assert_cmpstr (jd_job_execution_info_get_thing_name (item), ==, "dev1");
  g_assert_cmpint (jd_job_execution_info_get_status (item), ==, JD_EXECUTION_STATUS_QUEUED);
  g_assert_cmpint (jd_job_execution_info_get_execution_number (item), ==, 1);
  g_assert_cmpstr (seen_at (f, 0)->path, ==, "/jobs/j/things");
  g_assert_cmpstr (seen_at (f, 0)->query, ==, "maxResults=100&status=QUEUED");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_object (&result);

  push_reply (f, 200, NULL,
              "{\"executionSummaries\":[{\"jobId\":\"j1\",\"jobExecutionSummary\":{\"status\":\"IN_PROGRESS\","
              "\"executionNumber\":2}},{\"jobId\":\"j2\",\"jobExecutionSummary\":{\"status\":\"SUCCEEDED\"}}]}");
  jd_control_plane_list_job_executions_for_thing_async (f->cp, "dev1", JD_EXECUTION_STATUS_UNKNOWN, NULL,
                                                        op_test_store_result, &result);
  op_test_wait (&result);
  list = jd_control_plane_list_job_executions_for_thing_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (jd_job_execution_info_get_thing_name (g_ptr_array_index (list, 1)), ==, "dev1");
  g_assert_cmpstr (jd_job_execution_info_get_job_id (g_ptr_array_index (list, 1)), ==, "j2");
  g_assert_cmpint (jd_job_execution_info_get_status (g_ptr_array_index (list, 1)), ==,
                   JD_EXECUTION_STATUS_SUCCEEDED);
  g_clear_object (&result);

  push_reply (f, 200, NULL,
              "{\"execution\":{\"jobId\":\"j1\",\"status\":\"IN_PROGRESS\",\"forceCanceled\":false,"
              "\"statusDetails\":{\"detailsMap\":{\"step\":\"3/5\"}},\"thingArn\":\"arn:aws:iot:us-east-1:1:thing/dev1\","
              "\"queuedAt\":1,\"startedAt\":2,\"lastUpdatedAt\":3,\"executionNumber\":2,\"versionNumber\":4,"
              "\"approximateSecondsBeforeTimedOut\":60}}");
  jd_control_plane_describe_job_execution_async (f->cp, "dev1", "j1", 2, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  exec = jd_control_plane_describe_job_execution_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen_at (f, 2)->path, ==, "/things/dev1/jobs/j1");
  g_assert_cmpstr (seen_at (f, 2)->query, ==, "executionNumber=2");
  g_assert_cmpint (jd_job_execution_info_get_version_number (exec), ==, 4);
  g_assert_cmpint (jd_job_execution_info_get_approximate_seconds_before_timed_out (exec), ==, 60);
  g_assert_cmpstr (g_hash_table_lookup (jd_job_execution_info_get_status_details (exec), "step"), ==, "3/5");
  g_assert_cmpint (g_date_time_to_unix (jd_job_execution_info_get_started_at (exec)), ==, 2);
}

static void
test_cancel_slow_server (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start;

  push_reply (f, 200, NULL, "{\"things\":[]}");
  ((Reply *) g_queue_peek_tail (&f->replies))->delay_ms = 6000;

  start = g_get_monotonic_time ();
  jd_control_plane_list_things_async (f->cp, cancellable, op_test_store_result, &result);
  /* Cancel once the request has reached the server. */
  while (f->seen->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_things_finish (f->cp, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* It ended well before the server would have answered (6 s). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

static void
test_cancel_during_backoff (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start;

  jd_control_plane_set_retry_policy (f->cp, 4, 10000);
  push_reply (f, 400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
  start = g_get_monotonic_time ();
  jd_control_plane_describe_thing_async (f->cp, "dev1", cancellable, op_test_store_result, &result);
  while (f->seen->len == 0)
    g_main_context_iteration (NULL, TRUE);
  /* Let the throttled reply arrive and the 5-10 s backoff start, then cancel. */
  while (g_get_monotonic_time () - start < 200 * 1000 && result == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_thing_finish (f->cp, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->seen->len, ==, 1);
}

static void
test_session_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JdCredentials) creds = jd_credentials_new (AKID, SECRET, "the-token", NULL);
  g_autoptr(JdControlPlane) cp = make_client (f, jd_test_ca_get_path (f->ca), creds);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->expected_token = "the-token";
  push_reply (f, 200, NULL, NULL);
  jd_control_plane_delete_job_async (cp, "j", TRUE, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_true (jd_control_plane_delete_job_finish (cp, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (seen_at (f, 0)->token, ==, "the-token");
  g_assert_cmpstr (seen_at (f, 0)->method, ==, "DELETE");
  g_assert_cmpstr (seen_at (f, 0)->query, ==, "force=true");
  g_assert_true (seen_at (f, 0)->signature_ok);
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JdCredentials) creds = jd_credentials_new (AKID, "not-the-secret", NULL, NULL);
  g_autoptr(JdControlPlane) cp = make_client (f, jd_test_ca_get_path (f->ca), creds);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jd_control_plane_list_jobs_async (cp, JD_JOB_STATUS_IN_PROGRESS, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_jobs_finish (cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION);
  g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, 403);
  g_assert_false (seen_at (f, 0)->signature_ok);
  g_assert_cmpuint (f->seen->len, ==, 1);
}

static void
test_tls_ca (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = make_client (f, jd_test_ca_get_path (f->other_ca), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing-ca.pem", NULL);
  g_autoptr(JdCredentials) creds = jd_credentials_new (AKID, SECRET, NULL, NULL);
  g_autoptr(JdControlPlane) none = NULL;

  /* A server whose certificate the given CA did not sign is refused. */
  jd_control_plane_list_things_async (cp, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_things_finish (cp, result, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_TLS_ERROR);
  g_assert_cmpuint (f->seen->len, ==, 0);
  g_clear_error (&error);

  none = jd_control_plane_new (REGION, f->url, missing, creds, &error);
  g_assert_null (none);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION);
  g_assert_nonnull (strstr (error->message, "missing-ca.pem"));
}

static void
test_endpoints (void)
{
  g_autoptr(JdCredentials) creds = jd_credentials_new (AKID, SECRET, NULL, NULL);
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = jd_control_plane_default_endpoint ("eu-west-1");
  g_assert_cmpstr (url, ==, "https://iot.eu-west-1.amazonaws.com");
  g_clear_pointer (&url, g_free);
  url = jd_control_plane_default_endpoint ("cn-northwest-1");
  g_assert_cmpstr (url, ==, "https://iot.cn-northwest-1.amazonaws.com.cn");

  cp = jd_control_plane_new ("ap-northeast-1", NULL, NULL, creds, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_control_plane_get_endpoint_url (cp), ==, "https://iot.ap-northeast-1.amazonaws.com");
  g_assert_cmpstr (jd_control_plane_get_region (cp), ==, "ap-northeast-1");
  g_assert_true (jd_control_plane_get_credentials (cp) == creds);
  g_clear_object (&cp);

  cp = jd_control_plane_new ("us-east-1", "ftp://example.com", NULL, creds, &error);
  g_assert_null (cp);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION);
}

static void
test_ensure_thing (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = NULL;

  push_reply (f, 404, "ResourceNotFoundException", "{\"message\":\"Thing dev9 not found\"}");
  push_reply (f, 200, NULL, "{\"thingName\":\"dev9\",\"thingArn\":\"arn:aws:iot:us-east-1:1:thing/dev9\",\"thingId\":\"x\"}");
  jd_control_plane_ensure_thing_async (f->cp, "dev9", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  arn = jd_control_plane_ensure_thing_finish (f->cp, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (arn, ==, "arn:aws:iot:us-east-1:1:thing/dev9");
  g_assert_cmpuint (f->seen->len, ==, 2);
  g_assert_cmpstr (seen_at (f, 0)->method, ==, "GET");
  g_assert_cmpstr (seen_at (f, 1)->method, ==, "POST");
  g_assert_cmpstr (seen_at (f, 1)->path, ==, "/things/dev9");
  g_clear_object (&result);
  g_clear_pointer (&arn, g_free);

  /* Another failure than "not found" is not hidden by a create. */
  push_reply (f, 401, "UnauthorizedException", "{\"message\":\"no\"}");
  jd_control_plane_ensure_thing_async (f->cp, "dev9", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_ensure_thing_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNAUTHORIZED_EXCEPTION);
  g_assert_cmpuint (f->seen->len, ==, 3);
}

static void
test_invalid_replies (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A list item without its key member. */
  push_reply (f, 200, NULL, "{\"jobs\":[{\"jobId\":\"a\"},{\"status\":\"IN_PROGRESS\"}]}");
  jd_control_plane_list_jobs_async (f->cp, JD_JOB_STATUS_UNKNOWN, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_jobs_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "jobId"));
  g_clear_object (&result);
  g_clear_error (&error);

  /* The list member is not a list. */
  push_reply (f, 200, NULL, "{\"things\":\"dev1\"}");
  jd_control_plane_list_things_async (f->cp, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_list_things_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE);
  g_clear_object (&result);
  g_clear_error (&error);

  /* DescribeJob without "job"; an execution without a status. */
  push_reply (f, 200, NULL, "{\"documentSource\":null}");
  jd_control_plane_describe_job_async (f->cp, "j", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_job_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE);
  g_clear_object (&result);
  g_clear_error (&error);

  push_reply (f, 200, NULL, "{\"execution\":{\"jobId\":\"j\"}}");
  jd_control_plane_describe_job_execution_async (f->cp, "dev1", "j", -1, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_null (jd_control_plane_describe_job_execution_finish (f->cp, result, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (seen_at (f, 3)->query, ==, NULL);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/control-plane-mock/error-codes", test_error_codes);
  g_test_add_func ("/control-plane-mock/error-groups", test_error_groups);
  g_test_add_func ("/control-plane-mock/endpoints", test_endpoints);
  ADD ("/control-plane-mock/request-shape", test_request_shape);
  ADD ("/control-plane-mock/create-job-body", test_create_job_body);
  ADD ("/control-plane-mock/describe-job", test_describe_job);
  ADD ("/control-plane-mock/execution-lists", test_execution_lists);
  ADD ("/control-plane-mock/error-suffix", test_error_suffix);
  ADD ("/control-plane-mock/error-in-body", test_error_in_body);
  ADD ("/control-plane-mock/retry-throttling-5xx", test_retry_throttling);
  ADD ("/control-plane-mock/retry-gives-up", test_retry_gives_up);
  ADD ("/control-plane-mock/no-retry-when-not-idempotent", test_no_retry_when_not_idempotent);
  ADD ("/control-plane-mock/pagination", test_pagination);
  ADD ("/control-plane-mock/cancel-slow-server", test_cancel_slow_server);
  ADD ("/control-plane-mock/cancel-during-backoff", test_cancel_during_backoff);
  ADD ("/control-plane-mock/session-token", test_session_token);
  ADD ("/control-plane-mock/wrong-key", test_wrong_key);
  ADD ("/control-plane-mock/tls-ca", test_tls_ca);
  ADD ("/control-plane-mock/ensure-thing", test_ensure_thing);
  ADD ("/control-plane-mock/invalid-replies", test_invalid_replies);

  return g_test_run ();
}
