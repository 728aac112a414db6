/* test-job-list.c — JdJobList: merging ListJobs answers by job id (object
 * identity kept, at most one items-changed, the smallest range), and, against
 * the real control-plane service over HTTPS, refreshing with each job's
 * counters and following changes by polling at a backing-off rate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "jd-job-list.h"
#include "jd-service-http.h"
#include "jd-test-ca.h"

#define AKID    "AKIAJOBDECKLISTTEST"
#define SECRET  "jobdeck/list+test/0123456789abcdefghijk"
#define REGION  "us-east-1"
#define ACCOUNT "123456789012"
#define THING   "ListThing"

const char *__asan_default_options (void);

/* See tests/app-jobs/test-jobs-view.c: LeakSanitizer and GnuTLS's dlopen. */
const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

typedef struct {
  guint n_signals;
  guint position, removed, added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->n_signals++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static JdJob *
job_new (const char *job_id,
         const char *status,
         const char *updated)
{
  g_autofree char *json = g_strdup_printf ("{\"jobId\":\"%s\",\"status\":\"%s\",\"lastUpdatedAt\":%s,"
                                           "\"createdAt\":1700000000}", job_id, status, updated);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  JdJob *job = jd_job_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return job;
}

static GPtrArray *
jobs_of (const char *first, ...)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    {
      const char *status = va_arg (args, const char *);
      const char *updated = va_arg (args, const char *);

      g_ptr_array_add (jobs, job_new (id, status, updated));
    }
  va_end (args);
  return jobs;
}

static JdJob *
item (JdJobList *list,
      guint      position)
{
  JdJob *job = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_object_unref (job);   /* the list holds it */
  return job;
}

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             guint      *count)
{
  (*count)++;
}

static void
test_merge (void)
{
  g_autoptr(JdJobList) list = jd_job_list_new ();
  g_autoptr(GPtrArray) first = jobs_of ("A", "IN_PROGRESS", "1700000001",
                                        "B", "IN_PROGRESS", "1700000002",
                                        "C", "IN_PROGRESS", "1700000003", NULL);
  g_autoptr(GPtrArray) same = NULL, second = NULL, third = NULL;
  Changes changes = { 0 };
  guint status_notifies = 0;
  JdJob *a, *b, *c;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  g_assert_true (jd_job_list_replace (list, first));
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  a = item (list, 0);
  b = item (list, 1);
  c = item (list, 2);
  g_assert_cmpstr (jd_job_get_job_id (b), ==, "B");
  g_assert_true (jd_job_list_lookup (list, "C") == c);

  /* The same answer again: nothing changes, no signal. */
  same = jobs_of ("A", "IN_PROGRESS", "1700000001",
                  "B", "IN_PROGRESS", "1700000002",
                  "C", "IN_PROGRESS", "1700000003", NULL);
  g_assert_false (jd_job_list_replace (list, same));
  g_assert_cmpuint (changes.n_signals, ==, 1);

  /* B completes, a new D comes first: the objects stay, B says so through
   * notify, and one items-changed covers only the new row. */
  g_signal_connect (b, "notify::status", G_CALLBACK (notified_cb), &status_notifies);
  second = jobs_of ("D", "IN_PROGRESS", "1700000004",
                    "A", "IN_PROGRESS", "1700000001",
                    "B", "COMPLETED", "1700000005",
                    "C", "IN_PROGRESS", "1700000003", NULL);
  g_assert_true (jd_job_list_replace (list, second));
  g_assert_cmpuint (changes.n_signals, ==, 2);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_true (item (list, 1) == a);
  g_assert_true (item (list, 2) == b);
  g_assert_true (item (list, 3) == c);
  g_assert_cmpint (jd_job_get_status (b), ==, JD_JOB_STATUS_COMPLETED);
  g_assert_cmpuint (status_notifies, ==, 1);
  g_assert_true (g_ptr_array_index (second, 2) != b);

  /* A and C leave (deleted): one signal over the range between D and B. */
  third = jobs_of ("D", "IN_PROGRESS", "1700000004",
                   "B", "COMPLETED", "1700000005", NULL);
  g_assert_true (jd_job_list_replace (list, third));
  g_assert_cmpuint (changes.n_signals, ==, 3);
  g_assert_cmpuint (changes.position, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 3);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_true (item (list, 1) == b);
  g_assert_null (jd_job_list_lookup (list, "A"));
  g_assert_cmpuint (status_notifies, ==, 1);

  jd_job_list_clear (list);
  g_assert_cmpuint (changes.n_signals, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

/* A summary (ListJobs) does not wipe what DescribeJob brought. */
static void
test_update_keeps_details (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"jobId\":\"J\",\"status\":\"COMPLETED\",\"lastUpdatedAt\":1700000001,\"createdAt\":1700000000,"
                                               "\"targets\":[\"arn:aws:iot:us-east-1:1:thing/T\"],"
                                               "\"jobProcessDetails\":{\"numberOfFailedThings\":1,"
                                               "\"numberOfSucceededThings\":2}}", NULL);
  g_autoptr(JdJob) described = jd_job_new_from_json (json_node_get_object (node), NULL);
  g_autoptr(JdJob) listed = job_new ("J", "IN_PROGRESS", "1700000001");
  g_autoptr(JdJob) summary = job_new ("J", "COMPLETED", "1700000001");
  guint details_notifies = 0;

  g_signal_connect (listed, "notify::process-details", G_CALLBACK (notified_cb), &details_notifies);
  g_assert_cmpint (jd_job_get_outcome (listed), ==, JD_JOB_OUTCOME_UNKNOWN);
  g_assert_true (jd_job_update (listed, described));
  g_assert_cmpuint (details_notifies, ==, 1);
  g_assert_cmpint (jd_job_get_outcome (listed), ==, JD_JOB_OUTCOME_FAILED);
  g_assert_false (jd_job_update (listed, summary));
  g_assert_nonnull (jd_job_get_process_details (listed));
  g_assert_cmpuint (jd_job_get_process_details (listed)->succeeded, ==, 2);
  g_assert_cmpstr (jd_job_get_targets (listed)[0], ==, "arn:aws:iot:us-east-1:1:thing/T");
  g_assert_cmpuint (details_notifies, ==, 1);
}

static void
test_outcome (void)
{
  JdJobProcessDetails d = { 0 };

  g_assert_cmpint (jd_job_process_details_get_outcome (NULL), ==, JD_JOB_OUTCOME_UNKNOWN);
  g_assert_cmpint (jd_job_process_details_get_outcome (&d), ==, JD_JOB_OUTCOME_NONE);
  d.succeeded = 3;
  g_assert_cmpint (jd_job_process_details_get_outcome (&d), ==, JD_JOB_OUTCOME_SUCCEEDED);
  d.canceled = 1;
  g_assert_cmpint (jd_job_process_details_get_outcome (&d), ==, JD_JOB_OUTCOME_CANCELED);
  d.queued = 1;
  g_assert_cmpint (jd_job_process_details_get_outcome (&d), ==, JD_JOB_OUTCOME_RUNNING);
  d.timed_out = 1;
  g_assert_cmpint (jd_job_process_details_get_outcome (&d), ==, JD_JOB_OUTCOME_FAILED);
}

/* ---- against the service ---- */

typedef struct {
  char          *dir;
  JdTestCa      *ca;
  JdStore       *store;
  JdServiceHttp *http;
  JdControlPlane *cp;
} Service;

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

static void
service_start (Service *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(JdCredentials) credentials = jd_credentials_new (AKID, SECRET, NULL, REGION);
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *endpoint = NULL;
  JdStoreThing *thing;

  service->dir = g_dir_make_tmp ("jd-job-list-XXXXXX", &error);
  g_assert_no_error (error);
  service->ca = jd_test_ca_new (service->dir, "sandbox");
  jd_test_ca_issue (service->ca, service->dir, "service", -60, 3600, NULL, &cert_path, &key_path);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  service->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  thing = jd_store_create_thing (service->store, THING, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  jd_store_thing_free (thing);
  service->http = jd_service_http_new (service->store, REGION, ACCOUNT, AKID, SECRET);
  g_assert_true (jd_service_http_listen (service->http, cert, 0, &error));

  endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (service->http));
  service->cp = jd_control_plane_new (REGION, endpoint, jd_test_ca_get_path (service->ca), credentials, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (service->cp, 1, 50);
}

static void
service_stop (Service *service)
{
  g_clear_object (&service->cp);
  jd_service_http_disconnect (service->http);
  g_clear_object (&service->http);
  g_clear_object (&service->store);
  g_clear_pointer (&service->ca, jd_test_ca_free);
  remove_dir (service->dir);
  g_clear_pointer (&service->dir, g_free);
}

static void
create_job (Service    *service,
            const char *job_id)
{
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", REGION, ACCOUNT, THING);
  const char *arns[] = { arn, NULL };
  const char *names[] = { THING, NULL };
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;

  spec.job_id = job_id;
  spec.targets = arns;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"test\"}";
  job = jd_store_create_job (service->store, &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
}

static gint64 refresh_times[64];

static void
refreshed_cb (JdJobList *list,
              GError    *error,
              guint     *count)
{
  g_assert_no_error (error);
  refresh_times[*count % G_N_ELEMENTS (refresh_times)] = g_get_monotonic_time ();
  (*count)++;
}

static void
wait_refreshes (guint *count,
                guint  target)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (*count < target)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_follow_service (void)
{
  Service service = { 0 };
  g_autoptr(JdJobList) list = jd_job_list_new ();
  JdStoreUpdate fail = { JD_EXECUTION_STATUS_FAILED, NULL, -1, -1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) execution = NULL;
  Changes changes = { 0 };
  guint refreshes = 0;
  guint interval;
  JdJob *job1;

  service_start (&service);
  create_job (&service, "Job1");

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_signal_connect (list, "refreshed", G_CALLBACK (refreshed_cb), &refreshes);
  jd_job_list_set_poll_range_ms (list, 100, 800);
  jd_job_list_set_control_plane (list, service.cp);
  g_assert_true (jd_job_list_get_loading (list));
  wait_refreshes (&refreshes, 1);
  g_assert_false (jd_job_list_get_loading (list));
  g_assert_nonnull (jd_job_list_get_last_refreshed (list));
  g_assert_cmpuint (changes.n_signals, ==, 1);
  job1 = jd_job_list_lookup (list, "Job1");
  g_assert_nonnull (job1);
  /* DescribeJob filled in the counters that ListJobs does not carry. */
  g_assert_nonnull (jd_job_get_process_details (job1));
  g_assert_cmpuint (jd_job_get_process_details (job1)->queued, ==, 1);
  g_assert_cmpint (jd_job_get_outcome (job1), ==, JD_JOB_OUTCOME_RUNNING);

  /* Not following: nothing more happens by itself. */
  g_assert_cmpuint (jd_job_list_get_poll_interval (list), ==, 0);

  /* Following: quiet refreshes back off… */
  jd_job_list_set_following (list, TRUE);
  g_assert_cmpuint (jd_job_list_get_poll_interval (list), ==, 1);
  wait_refreshes (&refreshes, 5);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  /* 100 ms after the first, then 200, 400, 800: each wait about twice the last. */
  g_assert_cmpint (refresh_times[2] - refresh_times[1], >=, 190 * 1000);
  g_assert_cmpint (refresh_times[3] - refresh_times[2], >=, 390 * 1000);
  g_assert_cmpint (refresh_times[4] - refresh_times[3], >=, 790 * 1000);
  g_object_get (list, "poll-interval", &interval, NULL);
  g_assert_cmpuint (interval, ==, 1);   /* 800 ms, rounded up to seconds */

  /* …and news from outside arrives without asking: a new job (one
   * items-changed), and Job1 failing (same object, COMPLETED, 1 failed). */
  create_job (&service, "Job2");
  execution = jd_store_update_execution (service.store, THING, "Job1", &fail, NULL, &error);
  g_assert_no_error (error);
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

    while (jd_job_list_lookup (list, "Job2") == NULL ||
           jd_job_get_status (job1) != JD_JOB_STATUS_COMPLETED ||
           jd_job_get_process_details (job1)->failed != 1)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
  }
  g_assert_true (jd_job_list_lookup (list, "Job1") == job1);
  g_assert_cmpuint (changes.n_signals, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpint (jd_job_get_outcome (job1), ==, JD_JOB_OUTCOME_FAILED);

  /* Finished jobs are quiet: the rate backs off again (no answer flips a
   * field back and forth between ListJobs and DescribeJob). */
  {
    guint from = refreshes;

    wait_refreshes (&refreshes, from + 4);
    g_assert_cmpint (refresh_times[(from + 3) % 64] - refresh_times[(from + 2) % 64], >=, 390 * 1000);
    g_assert_cmpuint (changes.n_signals, ==, 2);
  }

  /* The filter asks ListJobs for one status. */
  jd_job_list_set_following (list, FALSE);
  refreshes = 0;
  jd_job_list_set_status_filter (list, JD_JOB_STATUS_COMPLETED);
  wait_refreshes (&refreshes, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (item (list, 0) == job1);

  g_signal_handlers_disconnect_by_data (list, &refreshes);
  g_signal_handlers_disconnect_by_data (list, &changes);
  jd_job_list_set_control_plane (list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  service_stop (&service);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job-list/merge", test_merge);
  g_test_add_func ("/job-list/update-keeps-details", test_update_keeps_details);
  g_test_add_func ("/job-list/outcome", test_outcome);
  g_test_add_func ("/job-list/follow-service", test_follow_service);

  return g_test_run ();
}
