/* test-control-plane-service.c — JdControlPlane against the real local jobs
 * service (JdServiceHttp on a JdStore) over HTTPS with SigV4: every
 * operation, every error type the service answers with (storage failures
 * made with the store's test hook), pagination across pages, and a signature
 * refused for a wrong key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-control-plane-service"

#include <glib/gstdio.h>
#include <string.h>

#include "jd-control-plane.h"
#include "jd-service-http.h"
#include "jd-store-private.h"
#include "op-test-util.h"

#define AKID "AKIAJOBDECKTEST"
#define SECRET "jobdeck/test+secret/0123456789abcdefghij"
#define REGION "us-east-1"
#define ACCOUNT "123456789012"

typedef struct {
  char *dir;
  JdTestCa *ca;
  JdStore *store;
  JdServiceHttp *http;
  char *url;
  JdControlPlane *cp;
  GAsyncResult *result;
  GAsyncResult *last;
} Fixture;

/* The trailing arguments of every _async call in this file. */
#define CB(f) NULL, op_test_store_result, &(f)->result

static GAsyncResult *
take (Fixture *f)
{
  op_test_wait (&f->result);
  g_clear_object (&f->last);
  f->last = g_steal_pointer (&f->result);
  return f->last;
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
make_client (Fixture    *f,
             const char *akid,
             const char *secret)
{
  g_autoptr(JdCredentials) creds = jd_credentials_new (akid, secret, NULL, NULL);
  g_autoptr(GError) error = NULL;
  JdControlPlane *cp;

  cp = jd_control_plane_new (REGION, f->url, jd_test_ca_get_path (f->ca), creds, &error);
  g_assert_no_error (error);
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

  f->dir = g_dir_make_tmp ("jd-cp-service-XXXXXX", &error);
  g_assert_no_error (error);
  f->ca = jd_test_ca_new (f->dir, "sandbox");
  jd_test_ca_issue (f->ca, f->dir, "service", -60, 3600, NULL, &cert_path, &key_path);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  f->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  f->http = jd_service_http_new (f->store, REGION, ACCOUNT, AKID, SECRET);
  g_assert_true (jd_service_http_listen (f->http, cert, 0, &error));
  g_assert_no_error (error);
  f->url = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (f->http));
  f->cp = make_client (f, AKID, SECRET);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_null (f->result);
  g_clear_object (&f->last);
  g_clear_object (&f->cp);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  jd_service_http_disconnect (f->http);
  g_clear_object (&f->http);
  g_clear_object (&f->store);
  jd_test_ca_free (f->ca);
  remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->url);
}

static char *
ensure_thing (Fixture    *f,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  char *arn;

  jd_control_plane_ensure_thing_async (f->cp, name, CB (f));
  arn = jd_control_plane_ensure_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  return arn;
}

static void
create_job (Fixture           *f,
            const char        *job_id,
            const char *const *targets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:%s:%s:job/%s", REGION, ACCOUNT, job_id);

  jd_control_plane_create_job_async (f->cp, job_id, targets, "{\"op\":\"reboot\"}", "a test job",
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, CB (f));
  job = jd_control_plane_create_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_job_get_job_id (job), ==, job_id);
  g_assert_cmpstr (jd_job_get_job_arn (job), ==, arn);
}

static void
assert_aws_error (const GError            *error,
                  JdJobsErrorCode          code,
                  guint                    status)
{
  g_assert_error (error, JD_JOBS_ERROR, (gint) code);
  g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, jd_control_plane_error_code_to_aws (code));
  g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, status);
  /* The service's words reach the UI. */
  g_assert_cmpstr (error->message, !=, "");
  g_assert_nonnull (jd_control_plane_error_get_request_id (error));
}

static void
test_things (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) things = NULL;
  g_autofree char *arn = NULL;
  g_autofree char *again = NULL;

  /* Ensure: DescribeThing misses, CreateThing makes it; the second time it is found. */
  arn = ensure_thing (f, "dev1");
  g_assert_cmpstr (arn, ==, "arn:aws:iot:" REGION ":" ACCOUNT ":thing/dev1");
  again = ensure_thing (f, "dev1");
  g_assert_cmpstr (again, ==, arn);

  g_hash_table_insert (attributes, (gpointer) "room", (gpointer) "lab");
  jd_control_plane_create_thing_async (f->cp, "dev2", attributes, CB (f));
  thing = jd_control_plane_create_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_thing_get_thing_name (thing), ==, "dev2");
  g_assert_nonnull (jd_thing_get_thing_id (thing));
  g_clear_object (&thing);

  jd_control_plane_describe_thing_async (f->cp, "dev2", CB (f));
  thing = jd_control_plane_describe_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_thing_get_thing_arn (thing), ==, "arn:aws:iot:" REGION ":" ACCOUNT ":thing/dev2");
  g_assert_cmpstr (g_hash_table_lookup (jd_thing_get_attributes (thing), "room"), ==, "lab");
  g_assert_cmpint (jd_thing_get_version (thing), >=, 1);

  /* Same name, other configuration. */
  g_hash_table_insert (attributes, (gpointer) "room", (gpointer) "attic");
  jd_control_plane_create_thing_async (f->cp, "dev2", attributes, CB (f));
  g_assert_null (jd_control_plane_create_thing_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_ALREADY_EXISTS_EXCEPTION, 409);
  g_clear_error (&error);

  jd_control_plane_list_things_async (f->cp, CB (f));
  things = jd_control_plane_list_things_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (things->len, ==, 2);
  g_assert_cmpstr (jd_thing_get_thing_name (g_ptr_array_index (things, 0)), ==, "dev1");

  /* A stale expectedVersion is refused; the right one deletes. */
  jd_control_plane_delete_thing_async (f->cp, "dev2", jd_thing_get_version (thing) + 5, CB (f));
  g_assert_false (jd_control_plane_delete_thing_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_VERSION_CONFLICT_EXCEPTION, 409);
  g_clear_error (&error);
  jd_control_plane_delete_thing_async (f->cp, "dev2", jd_thing_get_version (thing), CB (f));
  g_assert_true (jd_control_plane_delete_thing_finish (f->cp, take (f), &error));
  g_assert_no_error (error);

  jd_control_plane_describe_thing_async (f->cp, "dev2", CB (f));
  g_assert_null (jd_control_plane_describe_thing_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION, 404);
  g_clear_error (&error);

  /* Deleting what is gone succeeds, as on AWS. */
  jd_control_plane_delete_thing_async (f->cp, "dev2", -1, CB (f));
  g_assert_true (jd_control_plane_delete_thing_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
}

static void
test_jobs (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JdJobExecutionInfo) exec = NULL;
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *arn1 = ensure_thing (f, "dev1");
  g_autofree char *arn2 = ensure_thing (f, "dev2");
  g_autofree char *document = NULL;
  const char *targets[] = { arn1, arn2, NULL };
  const JdJobProcessDetails *counters;

  create_job (f, "job-1", targets);

  /* The same id again. */
  jd_control_plane_create_job_async (f->cp, "job-1", targets, "{}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, CB (f));
  g_assert_null (jd_control_plane_create_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_ALREADY_EXISTS_EXCEPTION, 409);
  g_clear_error (&error);

  jd_control_plane_describe_job_async (f->cp, "job-1", CB (f));
  job = jd_control_plane_describe_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_IN_PROGRESS);
  g_assert_cmpstr (jd_job_get_description (job), ==, "a test job");
  g_assert_cmpstr (jd_job_get_document (job), ==, "{\"op\":\"reboot\"}");
  g_assert_cmpuint (g_strv_length ((char **) jd_job_get_targets (job)), ==, 2);
  g_assert_cmpstr (jd_job_get_targets (job)[0], ==, arn1);
  g_assert_nonnull (jd_job_get_created_at (job));
  counters = jd_job_get_process_details (job);
  g_assert_nonnull (counters);
  g_assert_cmpuint (counters->queued, ==, 2);
  g_assert_cmpuint (counters->in_progress, ==, 0);
  g_clear_object (&job);

  jd_control_plane_get_job_document_async (f->cp, "job-1", CB (f));
  document = jd_control_plane_get_job_document_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (document, ==, "{\"op\":\"reboot\"}");

  jd_control_plane_list_jobs_async (f->cp, JD_JOB_STATUS_IN_PROGRESS, CB (f));
  list = jd_control_plane_list_jobs_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (jd_job_get_job_id (g_ptr_array_index (list, 0)), ==, "job-1");
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_list_job_executions_for_job_async (f->cp, "job-1", JD_EXECUTION_STATUS_QUEUED, CB (f));
  list = jd_control_plane_list_job_executions_for_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (jd_job_execution_info_get_thing_name (g_ptr_array_index (list, 0)), ==, "dev1");
  g_assert_cmpstr (jd_job_execution_info_get_thing_arn (g_ptr_array_index (list, 1)), ==, arn2);
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_list_job_executions_for_thing_async (f->cp, "dev2", JD_EXECUTION_STATUS_UNKNOWN, CB (f));
  list = jd_control_plane_list_job_executions_for_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (jd_job_execution_info_get_job_id (g_ptr_array_index (list, 0)), ==, "job-1");
  g_assert_cmpint (jd_job_execution_info_get_status (g_ptr_array_index (list, 0)), ==,
                   JD_EXECUTION_STATUS_QUEUED);
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_describe_job_execution_async (f->cp, "dev2", "job-1", -1, CB (f));
  exec = jd_control_plane_describe_job_execution_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_job_execution_info_get_status (exec), ==, JD_EXECUTION_STATUS_QUEUED);
  g_assert_cmpint (jd_job_execution_info_get_execution_number (exec), >=, 1);
  g_assert_cmpint (jd_job_execution_info_get_version_number (exec), >=, 1);

  /* CancelJobExecution: a stale version is refused, the current one cancels. */
  g_hash_table_insert (details, (gpointer) "reason", (gpointer) "operator");
  jd_control_plane_cancel_job_execution_async (f->cp, "dev2", "job-1", FALSE,
                                               jd_job_execution_info_get_version_number (exec) + 3,
                                               details, CB (f));
  g_assert_false (jd_control_plane_cancel_job_execution_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_VERSION_CONFLICT_EXCEPTION, 409);
  g_clear_error (&error);
  jd_control_plane_cancel_job_execution_async (f->cp, "dev2", "job-1", FALSE,
                                               jd_job_execution_info_get_version_number (exec),
                                               details, CB (f));
  g_assert_true (jd_control_plane_cancel_job_execution_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
  g_clear_object (&exec);

  jd_control_plane_describe_job_execution_async (f->cp, "dev2", "job-1", -1, CB (f));
  exec = jd_control_plane_describe_job_execution_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_job_execution_info_get_status (exec), ==, JD_EXECUTION_STATUS_CANCELED);
  g_assert_cmpstr (g_hash_table_lookup (jd_job_execution_info_get_status_details (exec), "reason"), ==, "operator");

  /* A terminal execution can be deleted without force. */
  jd_control_plane_delete_job_execution_async (f->cp, "dev2", "job-1",
                                               jd_job_execution_info_get_execution_number (exec),
                                               FALSE, CB (f));
  g_assert_true (jd_control_plane_delete_job_execution_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
  jd_control_plane_describe_job_execution_async (f->cp, "dev2", "job-1", -1, CB (f));
  g_assert_null (jd_control_plane_describe_job_execution_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION, 404);
  g_clear_error (&error);

  /* An IN_PROGRESS job needs force to be deleted; cancel it first. */
  jd_control_plane_delete_job_async (f->cp, "job-1", FALSE, CB (f));
  g_assert_false (jd_control_plane_delete_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_STATE_TRANSITION_EXCEPTION, 409);
  g_clear_error (&error);

  jd_control_plane_cancel_job_async (f->cp, "job-1", FALSE, "OPERATOR_STOP", "no longer needed", CB (f));
  g_assert_true (jd_control_plane_cancel_job_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
  jd_control_plane_describe_job_async (f->cp, "job-1", CB (f));
  job = jd_control_plane_describe_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_CANCELED);
  g_assert_cmpstr (jd_job_get_reason_code (job), ==, "OPERATOR_STOP");
  g_assert_cmpstr (jd_job_get_comment (job), ==, "no longer needed");
  g_clear_object (&job);

  jd_control_plane_delete_job_async (f->cp, "job-1", FALSE, CB (f));
  g_assert_true (jd_control_plane_delete_job_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
}

/* The force rules, with an execution the device has started. */
static void
test_in_progress (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autofree char *arn = ensure_thing (f, "dev1");
  const char *targets[] = { arn, NULL };

  create_job (f, "job-2", targets);
  g_assert_true (jd_store_start_next (f->store, "dev1", NULL, 0, &started, &error));
  g_assert_no_error (error);
  g_assert_nonnull (started);

  jd_control_plane_cancel_job_execution_async (f->cp, "dev1", "job-2", FALSE, -1, NULL, CB (f));
  g_assert_false (jd_control_plane_cancel_job_execution_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_STATE_TRANSITION_EXCEPTION, 409);
  g_clear_error (&error);

  jd_control_plane_delete_job_execution_async (f->cp, "dev1", "job-2", started->execution_number, FALSE, CB (f));
  g_assert_false (jd_control_plane_delete_job_execution_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_STATE_TRANSITION_EXCEPTION, 409);
  g_clear_error (&error);

  /* CancelJob with force reaches IN_PROGRESS executions too. */
  jd_control_plane_cancel_job_async (f->cp, "job-2", TRUE, NULL, NULL, CB (f));
  g_assert_true (jd_control_plane_cancel_job_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
  jd_control_plane_describe_job_async (f->cp, "job-2", CB (f));
  job = jd_control_plane_describe_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_true (jd_job_get_force_canceled (job));
  g_assert_cmpuint (jd_job_get_process_details (job)->canceled, ==, 1);
}

static void
test_pagination (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) arns = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("thing-%u", i);
      g_ptr_array_add (arns, ensure_thing (f, name));
    }
  g_ptr_array_add (arns, NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("job-%u", i);
      create_job (f, id, (const char *const *) arns->pdata);
    }

  jd_control_plane_set_page_size (f->cp, 2);

  jd_control_plane_list_things_async (f->cp, CB (f));
  list = jd_control_plane_list_things_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("thing-%u", i);
      g_assert_cmpstr (jd_thing_get_thing_name (g_ptr_array_index (list, i)), ==, name);
    }
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_list_jobs_async (f->cp, JD_JOB_STATUS_UNKNOWN, CB (f));
  list = jd_control_plane_list_jobs_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (jd_job_get_job_id (g_ptr_array_index (list, 4)), ==, "job-4");
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_list_job_executions_for_job_async (f->cp, "job-3", JD_EXECUTION_STATUS_UNKNOWN, CB (f));
  list = jd_control_plane_list_job_executions_for_job_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_clear_pointer (&list, g_ptr_array_unref);

  jd_control_plane_list_job_executions_for_thing_async (f->cp, "thing-2", JD_EXECUTION_STATUS_QUEUED, CB (f));
  list = jd_control_plane_list_job_executions_for_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (jd_job_execution_info_get_job_id (g_ptr_array_index (list, 0)), ==, "job-0");
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *missing_target[] = { "arn:aws:iot:" REGION ":" ACCOUNT ":thing/ghost", NULL };
  const char *targets[] = { NULL, NULL };
  g_autofree char *arn = ensure_thing (f, "dev1");

  targets[0] = arn;

  /* InvalidRequestException: a job id outside [a-zA-Z0-9_-]. */
  jd_control_plane_create_job_async (f->cp, "bad id!", targets, "{}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, CB (f));
  g_assert_null (jd_control_plane_create_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION, 400);
  g_clear_error (&error);

  /* ResourceNotFoundException: a target that does not exist, a job that does not. */
  jd_control_plane_create_job_async (f->cp, "job-x", missing_target, "{}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, CB (f));
  g_assert_null (jd_control_plane_create_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION, 404);
  g_clear_error (&error);

  jd_control_plane_describe_job_async (f->cp, "nope", CB (f));
  g_assert_null (jd_control_plane_describe_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION, 404);
  g_clear_error (&error);

  jd_control_plane_cancel_job_async (f->cp, "nope", FALSE, NULL, NULL, CB (f));
  g_assert_false (jd_control_plane_cancel_job_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION, 404);
  g_clear_error (&error);

  /* InvalidRequestException: an endpoint type AWS does not have. */
  jd_control_plane_describe_endpoint_async (f->cp, "iot:Nonsense", CB (f));
  g_assert_null (jd_control_plane_describe_endpoint_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION, 400);
  g_clear_error (&error);
}

/* ServiceUnavailableException: the store cannot write. Idempotent calls are
 * retried first; the others fail at once. */
static void
test_service_unavailable (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = NULL;
  g_autofree char *arn = ensure_thing (f, "dev1");

  jd_control_plane_set_retry_policy (f->cp, 2, 5);
  g_assert_true (jd_store_exec_for_test (f->store, "PRAGMA query_only = 1", &error));
  g_assert_no_error (error);

  jd_control_plane_create_thing_async (f->cp, "dev2", NULL, CB (f));
  g_assert_null (jd_control_plane_create_thing_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION, 503);
  g_clear_error (&error);

  jd_control_plane_delete_thing_async (f->cp, "dev1", -1, CB (f));
  g_assert_false (jd_control_plane_delete_thing_finish (f->cp, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION, 503);
  g_clear_error (&error);

  /* Reads still work, and writes again once the store recovers. */
  jd_control_plane_describe_thing_async (f->cp, "dev1", CB (f));
  thing = jd_control_plane_describe_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_true (jd_store_exec_for_test (f->store, "PRAGMA query_only = 0", &error));
  jd_control_plane_delete_thing_async (f->cp, "dev1", -1, CB (f));
  g_assert_true (jd_control_plane_delete_thing_finish (f->cp, take (f), &error));
  g_assert_no_error (error);
}

static void
test_describe_endpoint (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  jd_control_plane_describe_endpoint_async (f->cp, NULL, CB (f));
  address = jd_control_plane_describe_endpoint_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_clear_pointer (&address, g_free);

  jd_service_http_set_endpoint_address (f->http, "localhost");
  jd_control_plane_describe_endpoint_async (f->cp, "iot:Jobs", CB (f));
  address = jd_control_plane_describe_endpoint_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "localhost");
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JdControlPlane) wrong_secret = make_client (f, AKID, "not-the-secret");
  g_autoptr(JdControlPlane) unknown_key = make_client (f, "AKIAUNKNOWN", SECRET);
  g_autoptr(GError) error = NULL;

  jd_control_plane_list_jobs_async (wrong_secret, JD_JOB_STATUS_UNKNOWN, CB (f));
  g_assert_null (jd_control_plane_list_jobs_finish (wrong_secret, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION, 403);
  g_assert_nonnull (strstr (error->message, "signature"));
  g_clear_error (&error);

  jd_control_plane_describe_thing_async (unknown_key, "dev1", CB (f));
  g_assert_null (jd_control_plane_describe_thing_finish (unknown_key, take (f), &error));
  assert_aws_error (error, JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION, 403);
}

/* A label with a reserved character travels percent-encoded and is signed
 * double-encoded; the service must verify the wire form. */
static void
test_reserved_characters (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = NULL;
  g_autofree char *arn = ensure_thing (f, "my:thing");

  g_assert_cmpstr (arn, ==, "arn:aws:iot:" REGION ":" ACCOUNT ":thing/my:thing");
  jd_control_plane_describe_thing_async (f->cp, "my:thing", CB (f));
  thing = jd_control_plane_describe_thing_finish (f->cp, take (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_thing_get_thing_name (thing), ==, "my:thing");
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/control-plane-service/things", test_things);
  ADD ("/control-plane-service/jobs", test_jobs);
  ADD ("/control-plane-service/in-progress", test_in_progress);
  ADD ("/control-plane-service/pagination", test_pagination);
  ADD ("/control-plane-service/errors", test_errors);
  ADD ("/control-plane-service/service-unavailable", test_service_unavailable);
  ADD ("/control-plane-service/describe-endpoint", test_describe_endpoint);
  ADD ("/control-plane-service/wrong-key", test_wrong_key);
  ADD ("/control-plane-service/reserved-characters", test_reserved_characters);

  return g_test_run ();
}
