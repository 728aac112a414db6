/* test-device-api.c — the device-API handlers against an in-memory store:
 * topic classification, every operation, the notify / notify-next payloads,
 * and every case of the bad-input corpus (tests/corpus/device).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-device-api"

#include <string.h>

#include "jd-device-api.h"
#include "jd-store.h"
#include "jd-test-corpus.h"

#define THING "CorpusThing"

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
  JdStoreJobSpec spec = { job_id, NULL, things, "{\"op\":\"corpus\"}", NULL, NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = jd_store_create_job (store, &spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
}

/* Runs a request; returns the parsed reply and checks the common fields. */
static JsonObject *
request (JdStore    *store,
         const char *thing,
         JdDeviceOp  op,
         const char *job_id,
         const char *payload,
         gboolean    expect_accepted)
{
  g_autofree char *reply = NULL;
  gboolean accepted = !expect_accepted;
  JsonObject *object;

  jd_device_api_handle (store, thing, op, job_id, payload, payload != NULL ? strlen (payload) : 0,
                        &accepted, &reply);
  if (accepted != expect_accepted)
    g_error ("expected %s, got %s", expect_accepted ? "accepted" : "rejected", reply);
  object = parse_object (reply);
  g_assert_true (json_object_has_member (object, "timestamp"));
  g_assert_cmpint (json_object_get_int_member (object, "timestamp"), >, 1600000000);
  g_assert_cmpint (json_object_get_int_member (object, "timestamp"), <, 10000000000);
  return object;
}

/* The corpus's standard setup (tests/corpus/device/README.md). */
static JdStore *
corpus_store (void)
{
  g_autoptr(GError) error = NULL;
  JdStore *store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) r3 = NULL;

  g_assert_no_error (error);
  thing = jd_store_create_thing (store, THING, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  create_job (store, "c-done", THING);
  create_job (store, "c-running", THING);
  create_job (store, "c-queued", THING);
  r1 = request (store, THING, JD_DEVICE_OP_START_NEXT, NULL, "", TRUE);
  r2 = request (store, THING, JD_DEVICE_OP_UPDATE, "c-done", "{\"status\":\"SUCCEEDED\"}", TRUE);
  r3 = request (store, THING, JD_DEVICE_OP_START_NEXT, NULL, "", TRUE);
  return store;
}

static void
test_topics (void)
{
  static const struct {
    const char *topic;
    JdDeviceTopicKind kind;
    const char *thing;
    JdDeviceOp op;
    const char *job_id;
  } cases[] = {
    { "$aws/things/T/jobs/get", JD_DEVICE_TOPIC_REQUEST, "T", JD_DEVICE_OP_GET_PENDING, NULL },
    { "$aws/things/my:thing/jobs/start-next", JD_DEVICE_TOPIC_REQUEST, "my:thing", JD_DEVICE_OP_START_NEXT, NULL },
    { "$aws/things/T/jobs/$next/get", JD_DEVICE_TOPIC_REQUEST, "T", JD_DEVICE_OP_DESCRIBE, "$next" },
    { "$aws/things/T/jobs/get/get", JD_DEVICE_TOPIC_REQUEST, "T", JD_DEVICE_OP_DESCRIBE, "get" },
    { "$aws/things/T/jobs/J1/update", JD_DEVICE_TOPIC_REQUEST, "T", JD_DEVICE_OP_UPDATE, "J1" },
    { "$aws/things/T/jobs/get/accepted", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/jobs/J1/update/rejected", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/jobs/notify", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/jobs/notify-next", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/jobs/J/notify-namespace-NS", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/shadow/get", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "other/topic", JD_DEVICE_TOPIC_NONE, NULL, 0, NULL },
    { "$aws/things/T/jobs", JD_DEVICE_TOPIC_INVALID, "T", 0, NULL },
    { "$aws/things/T/jobs/J1/delete", JD_DEVICE_TOPIC_INVALID, "T", 0, NULL },
    { "$aws/things/T/jobs/a/b/c", JD_DEVICE_TOPIC_INVALID, "T", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *thing = NULL;
      g_autofree char *job_id = NULL;
      JdDeviceOp op = 99;
      JdDeviceTopicKind kind = jd_device_api_parse_topic (cases[i].topic, &thing, &op, &job_id);

      g_test_message ("%s", cases[i].topic);
      g_assert_cmpint (kind, ==, cases[i].kind);
      g_assert_cmpstr (thing, ==, cases[i].thing);
      if (kind == JD_DEVICE_TOPIC_REQUEST)
        g_assert_cmpint (op, ==, cases[i].op);
      g_assert_cmpstr (job_id, ==, cases[i].job_id);
    }

  {
    g_autofree char *a = jd_device_api_reply_topic ("$aws/things/T/jobs/$next/get", TRUE);
    g_autofree char *r = jd_device_api_reply_topic ("$aws/things/T/jobs/get", FALSE);

    g_assert_cmpstr (a, ==, "$aws/things/T/jobs/$next/get/accepted");
    g_assert_cmpstr (r, ==, "$aws/things/T/jobs/get/rejected");
  }

  g_assert_true (jd_device_api_is_valid_thing_name ("a:b_c-1"));
  g_assert_false (jd_device_api_is_valid_thing_name ("a b"));
  g_assert_false (jd_device_api_is_valid_job_id ("a:b"));
  g_assert_true (jd_device_api_is_valid_job_id ("Job_1-x"));
}

static void
test_operations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, "T", NULL, NULL, NULL, &error);
  g_autoptr(JsonObject) get = NULL;
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) next = NULL;
  g_autoptr(JsonObject) describe = NULL;
  g_autoptr(JsonObject) upd = NULL;
  g_autoptr(JsonObject) get2 = NULL;
  JsonObject *execution;
  JsonArray *queued;

  /* Nothing pending: arrays present and empty; start-next and $next without execution. */
  get = request (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "{\"clientToken\":\"a\"}", TRUE);
  g_assert_cmpstr (json_object_get_string_member (get, "clientToken"), ==, "a");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (get, "inProgressJobs")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (get, "queuedJobs")), ==, 0);
  start = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL, NULL, TRUE);
  g_assert_false (json_object_has_member (start, "execution"));
  g_assert_false (json_object_has_member (start, "clientToken"));
  g_assert_cmpuint (json_object_get_size (start), ==, 1);
  next = request (store, "T", JD_DEVICE_OP_DESCRIBE, "$next", "", TRUE);
  g_assert_cmpuint (json_object_get_size (next), ==, 1);
  g_clear_pointer (&get, json_object_unref);
  g_clear_pointer (&start, json_object_unref);
  g_clear_pointer (&next, json_object_unref);

  create_job (store, "J1", "T");
  create_job (store, "J2", "T");

  get = request (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "", TRUE);
  queued = json_object_get_array_member (get, "queuedJobs");
  g_assert_cmpuint (json_array_get_length (queued), ==, 2);
  {
    JsonObject *s = json_array_get_object_element (queued, 0);

    g_assert_cmpstr (json_object_get_string_member (s, "jobId"), ==, "J1");
    g_assert_cmpint (json_object_get_int_member (s, "versionNumber"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (s, "executionNumber"), ==, 1);
    g_assert_true (json_object_has_member (s, "queuedAt"));
    g_assert_true (json_object_has_member (s, "lastUpdatedAt"));
    g_assert_false (json_object_has_member (s, "startedAt"));
  }

  start = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL,
                   "{\"clientToken\":\"s\",\"statusDetails\":{\"k\":\"v\"},\"stepTimeoutInMinutes\":5}", TRUE);
  execution = json_object_get_object_member (start, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "J1");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "statusDetails"), "k"), ==, "v");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "jobDocument"), "op"), ==, "corpus");
  g_assert_true (json_object_has_member (execution, "startedAt"));
  g_assert_cmpint (json_object_get_int_member (execution, "approximateSecondsBeforeTimedOut"), >, 290);
  g_assert_false (json_object_has_member (execution, "thingName"));

  describe = request (store, "T", JD_DEVICE_OP_DESCRIBE, "J2", "{}", TRUE);
  execution = json_object_get_object_member (describe, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
  g_assert_true (json_object_has_member (execution, "jobDocument"));
  g_assert_false (json_object_has_member (execution, "statusDetails"));

  upd = request (store, "T", JD_DEVICE_OP_UPDATE, "J1",
                 "{\"status\":\"SUCCEEDED\",\"expectedVersion\":2,\"includeJobExecutionState\":true,\"clientToken\":\"u\"}", TRUE);
  g_assert_cmpstr (json_object_get_string_member (upd, "clientToken"), ==, "u");
  execution = json_object_get_object_member (upd, "executionState");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "SUCCEEDED");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "statusDetails"), "k"), ==, "v");

  get2 = request (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "", TRUE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (get2, "inProgressJobs")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (get2, "queuedJobs")), ==, 1);
}

/* GetPendingJobExecutions returns at most 10 (AWS's job limits), IN_PROGRESS
 * first, then the oldest queued; 10,000 pending once made a reply the
 * broker refused (over 128 KB). */
static void
test_get_pending_capped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, "T", NULL, NULL, NULL, &error);
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(JsonObject) get = NULL;
  JsonArray *running, *queued;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *job_id = g_strdup_printf ("P%02u", i);

      create_job (store, job_id, "T");
    }
  start = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL, NULL, TRUE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (start, "execution"), "jobId"), ==, "P00");

  get = request (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "", TRUE);
  running = json_object_get_array_member (get, "inProgressJobs");
  queued = json_object_get_array_member (get, "queuedJobs");
  g_assert_cmpuint (json_array_get_length (running), ==, 1);
  g_assert_cmpuint (json_array_get_length (queued), ==, 9);  /* AWS: at most 10 in all */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (running, 0), "jobId"), ==, "P00");
  for (guint i = 0; i < json_array_get_length (queued); i++)
    {
      g_autofree char *expected = g_strdup_printf ("P%02u", i + 1);

      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (queued, i), "jobId"), ==, expected);
    }
}

static void
test_notify_payloads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, "T", NULL, NULL, NULL, &error);
  g_autofree char *empty = NULL;
  g_autofree char *empty_next = NULL;
  g_autofree char *full = NULL;
  g_autofree char *next_text = NULL;
  g_autoptr(JsonObject) empty_obj = NULL;
  g_autoptr(JsonObject) full_obj = NULL;
  g_autoptr(JsonObject) next_obj = NULL;
  g_autoptr(JsonObject) started = NULL;
  JsonObject *jobs;
  JsonObject *execution;

  empty = jd_device_api_build_notify (store, "T", &error);
  g_assert_no_error (error);
  empty_obj = parse_object (empty);
  g_assert_cmpuint (json_object_get_size (empty_obj), ==, 2);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (empty_obj, "jobs")), ==, 0);
  g_assert_true (g_str_has_suffix (empty, ",\"jobs\":{}}"));
  empty_next = jd_device_api_build_notify_next (store, "T", &error);
  g_assert_true (g_str_has_prefix (empty_next, "{\"timestamp\":"));
  g_assert_null (strchr (empty_next, ','));

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("J%02u", i);

      create_job (store, id, "T");
    }
  started = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL, "", TRUE);

  full = jd_device_api_build_notify (store, "T", &error);
  full_obj = parse_object (full);
  jobs = json_object_get_object_member (full_obj, "jobs");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (jobs, "IN_PROGRESS")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (jobs, "QUEUED")), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (jobs, "QUEUED"), 0), "jobId"), ==, "J01");

  next_text = jd_device_api_build_notify_next (store, "T", &error);
  next_obj = parse_object (next_text);
  execution = json_object_get_object_member (next_obj, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "J00");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_true (json_object_has_member (execution, "jobDocument"));
}

static void
test_invalid_topic_reply (void)
{
  g_autofree char *a = jd_device_api_build_invalid_topic ("$aws/things/T/jobs/x/y/z", "{\"clientToken\":\"c\"}", 19);
  g_autofree char *b = jd_device_api_build_invalid_topic ("$aws/things/T/jobs/x/y/z", "garbage", 7);
  g_autoptr(JsonObject) ao = parse_object (a);
  g_autoptr(JsonObject) bo = parse_object (b);

  g_assert_cmpstr (json_object_get_string_member (ao, "code"), ==, "InvalidTopic");
  g_assert_cmpstr (json_object_get_string_member (ao, "clientToken"), ==, "c");
  g_assert_true (json_object_has_member (ao, "timestamp"));
  g_assert_cmpstr (json_object_get_string_member (bo, "code"), ==, "InvalidTopic");
  g_assert_false (json_object_has_member (bo, "clientToken"));
}

/* What a transport would publish on ::things-changed, summarized. */
static void
published_cb (JdStore   *store,
              GPtrArray *changes,
              GPtrArray *log)
{
  for (guint i = 0; i < changes->len; i++)
    {
      JdStoreThingChange *change = g_ptr_array_index (changes, i);
      g_autoptr(GError) error = NULL;

      if (change->pending_changed)
        {
          g_autofree char *text = jd_device_api_build_notify (store, change->thing_name, &error);
          g_autoptr(JsonObject) o = parse_object (text);
          JsonObject *jobs = json_object_get_object_member (o, "jobs");
          GString *line = g_string_new ("notify");

          for (guint k = 0; k < 2; k++)
            {
              const char *key = k == 0 ? "IN_PROGRESS" : "QUEUED";
              JsonArray *list;

              if (!json_object_has_member (jobs, key))
                continue;
              list = json_object_get_array_member (jobs, key);
              g_assert_cmpuint (json_array_get_length (list), >, 0);
              g_string_append_printf (line, " %s:", key);
              for (guint j = 0; j < json_array_get_length (list); j++)
                g_string_append_printf (line, "%s%s", j > 0 ? "," : "",
                                        json_object_get_string_member (json_array_get_object_element (list, j), "jobId"));
            }
          if (json_object_get_size (jobs) == 0)
            g_string_append (line, " {}");
          g_ptr_array_add (log, g_string_free (line, FALSE));
        }
      if (change->next_changed)
        {
          g_autofree char *text = jd_device_api_build_notify_next (store, change->thing_name, &error);
          g_autoptr(JsonObject) o = parse_object (text);

          if (json_object_has_member (o, "execution"))
            {
              JsonObject *e = json_object_get_object_member (o, "execution");

              g_assert_true (json_object_has_member (e, "jobDocument"));
              g_ptr_array_add (log, g_strdup_printf ("next %s(%s,v%" G_GINT64_FORMAT ")",
                                                     json_object_get_string_member (e, "jobId"),
                                                     json_object_get_string_member (e, "status"),
                                                     json_object_get_int_member (e, "versionNumber")));
            }
          else
            {
              g_assert_cmpuint (json_object_get_size (o), ==, 1);
              g_ptr_array_add (log, g_strdup ("next none"));
            }
        }
    }
}

static void
assert_published (GPtrArray  *log,
                  const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < log->len; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? " | " : "", (const char *) g_ptr_array_index (log, i));
  g_assert_cmpstr (got->str, ==, expected);
  g_ptr_array_set_size (log, 0);
}

/* Reference §6.3 with the payloads themselves. */
static void
test_sequence_payloads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, "T", NULL, NULL, NULL, &error);
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  JsonObject *r;

  g_signal_connect (store, "things-changed", G_CALLBACK (published_cb), log);

  create_job (store, "A", "T");
  assert_published (log, "notify QUEUED:A | next A(QUEUED,v1)");
  create_job (store, "B", "T");
  assert_published (log, "notify QUEUED:A,B");
  r = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL, "", TRUE);
  json_object_unref (r);
  assert_published (log, "");
  create_job (store, "C", "T");
  assert_published (log, "notify IN_PROGRESS:A QUEUED:B,C");
  r = request (store, "T", JD_DEVICE_OP_UPDATE, "A", "{\"status\":\"SUCCEEDED\"}", TRUE);
  json_object_unref (r);
  assert_published (log, "notify QUEUED:B,C | next B(QUEUED,v1)");
  r = request (store, "T", JD_DEVICE_OP_UPDATE, "C", "{\"status\":\"IN_PROGRESS\"}", TRUE);
  json_object_unref (r);
  assert_published (log, "next C(IN_PROGRESS,v2)");
  r = request (store, "T", JD_DEVICE_OP_UPDATE, "B", "{\"status\":\"REJECTED\"}", TRUE);
  json_object_unref (r);
  assert_published (log, "notify IN_PROGRESS:C");
  g_assert_true (jd_store_delete_job (store, "C", TRUE, &error));
  assert_published (log, "notify {} | next none");

  g_signal_handlers_disconnect_by_func (store, published_cb, log);
}

static void
test_throttled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  guint accepted_count = 0;
  guint throttled = 0;

  jd_store_set_request_rate (store, 20);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *reply = NULL;
      gboolean accepted = FALSE;

      jd_device_api_handle (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "{\"clientToken\":\"r\"}", 19,
                            &accepted, &reply);
      if (accepted)
        accepted_count++;
      else
        {
          g_autoptr(JsonObject) o = parse_object (reply);

          g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, "RequestThrottled");
          g_assert_cmpstr (json_object_get_string_member (o, "clientToken"), ==, "r");
          throttled++;
        }
    }
  /* A burst of 20 (plus what refills meanwhile), the rest throttled. */
  g_assert_cmpuint (accepted_count, >=, 20);
  g_assert_cmpuint (throttled, >=, 5);

  /* Other operations have their own budget. */
  {
    g_autoptr(JsonObject) start = request (store, "T", JD_DEVICE_OP_START_NEXT, NULL, "", TRUE);
  }

  /* The budget refills. */
  g_usleep (200 * 1000);
  {
    g_autoptr(JsonObject) again = request (store, "T", JD_DEVICE_OP_GET_PENDING, NULL, "", TRUE);
  }

  /* 0 = unlimited. */
  jd_store_set_request_rate (store, 0);
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(JsonObject) o = request (store, "T", JD_DEVICE_OP_DESCRIBE, "$next", "", TRUE);
    }
}

static void
test_events (void)
{
  g_autoptr(JsonObject) details = json_object_new ();
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/T", NULL };
  JdStoreExecution execution = { (char *) "J1", (char *) "T", JD_EXECUTION_STATUS_SUCCEEDED, details, 1700000000, 1700000010,
                                 1700000020, 3, 1, FALSE, -1, (char *) "{}" };
  JdStoreJob job = { 0 };
  JdStoreEvent exec_event = { JD_STORE_EVENT_JOB_EXECUTION, "succeeded", NULL, &execution };
  JdStoreEvent job_event = { JD_STORE_EVENT_JOB, "completed", &job, NULL };
  g_autofree char *topic1 = NULL;
  g_autofree char *topic2 = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(JsonObject) o1 = NULL;
  g_autoptr(JsonObject) o2 = NULL;

  json_object_set_string_member (details, "k", "v");
  job.job_id = (char *) "J1";
  job.status = JD_JOB_STATUS_COMPLETED;
  job.target_selection = (char *) "SNAPSHOT";
  job.targets = (char **) targets;
  job.created_at = 1700000000;
  job.last_updated_at = 1700000100;
  job.completed_at = 1700000100;
  job.n_succeeded = 1;

  text1 = jd_device_api_build_event (&exec_event, "us-east-1", "123456789012", &topic1);
  g_assert_cmpstr (topic1, ==, "$aws/events/jobExecution/J1/succeeded");
  o1 = parse_object (text1);
  g_assert_cmpstr (json_object_get_string_member (o1, "eventType"), ==, "JOB_EXECUTION");
  g_assert_cmpuint (strlen (json_object_get_string_member (o1, "eventId")), ==, 36);
  g_assert_cmpstr (json_object_get_string_member (o1, "operation"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (o1, "status"), ==, "SUCCEEDED");
  g_assert_cmpstr (json_object_get_string_member (o1, "thingArn"), ==, "arn:aws:iot:us-east-1:123456789012:thing/T");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o1, "statusDetails"), "k"), ==, "v");
  g_assert_cmpint (json_object_get_int_member (o1, "timestamp"), <, 10000000000);

  text2 = jd_device_api_build_event (&job_event, "us-east-1", "123456789012", &topic2);
  g_assert_cmpstr (topic2, ==, "$aws/events/job/J1/completed");
  o2 = parse_object (text2);
  g_assert_cmpstr (json_object_get_string_member (o2, "eventType"), ==, "JOB");
  g_assert_cmpstr (json_object_get_string_member (o2, "status"), ==, "COMPLETED");
  g_assert_cmpint (json_object_get_int_member (o2, "completedAt"), ==, 1700000100000);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o2, "jobProcessDetails"),
                                               "numberOfSucceededThings"), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o2, "targets"), 0), ==, targets[0]);
}

/* ---- corpus ---- */

static void
test_corpus_case (gconstpointer data)
{
  const char *file = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *thing = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *reply_text = NULL;
  JsonObject *c;
  JsonObject *expect;
  JdDeviceOp op = JD_DEVICE_OP_GET_PENDING;
  JdDeviceTopicKind kind;
  gboolean accepted = FALSE;
  gsize len;
  const char *bytes;

  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  c = json_node_get_object (json_parser_get_root (parser));
  expect = json_object_get_object_member (c, "expect");
  g_test_message ("%s: %s", json_object_get_string_member (c, "name"),
                  json_object_get_string_member (c, "description"));

  store = corpus_store ();
  payload = jd_test_corpus_case_payload (c);
  bytes = g_bytes_get_data (payload, &len);
  topic = g_strconcat ("$aws/things/" THING "/jobs/", json_object_get_string_member (c, "topic"), NULL);

  kind = jd_device_api_parse_topic (topic, &thing, &op, &job_id);
  g_assert_cmpint (kind, !=, JD_DEVICE_TOPIC_NONE);
  g_assert_cmpstr (thing, ==, THING);
  if (kind == JD_DEVICE_TOPIC_INVALID)
    reply_text = jd_device_api_build_invalid_topic (topic, bytes, len);
  else
    jd_device_api_handle (store, thing, op, job_id, bytes, len, &accepted, &reply_text);

  if (accepted != json_object_get_boolean_member (expect, "accepted"))
    g_error ("%s: got %s", file, reply_text);
  reply = parse_object (reply_text);
  g_assert_true (json_object_has_member (reply, "timestamp"));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (reply, "timestamp")), ==, G_TYPE_INT64);

  if (json_object_has_member (expect, "code"))
    g_assert_cmpstr (json_object_get_string_member (reply, "code"), ==,
                     json_object_get_string_member (expect, "code"));
  if (!accepted)
    g_assert_true (json_object_has_member (reply, "message"));
  if (json_object_has_member (expect, "message"))
    g_assert_cmpstr (json_object_get_string_member (reply, "message"), ==,
                     json_object_get_string_member (expect, "message"));
  if (json_object_has_member (expect, "clientToken"))
    {
      JsonNode *want = json_object_get_member (expect, "clientToken");

      if (JSON_NODE_HOLDS_NULL (want))
        g_assert_false (json_object_has_member (reply, "clientToken"));
      else
        g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, json_node_get_string (want));
    }
  if (json_object_has_member (expect, "executionState"))
    jd_test_corpus_assert_subset (json_object_get_member (expect, "executionState"),
                   json_object_get_member (reply, "executionState"), "executionState");
  else if (!accepted)
    g_assert_false (json_object_has_member (reply, "executionState"));
  if (json_object_has_member (expect, "reply"))
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), reply);

      jd_test_corpus_assert_subset (json_object_get_member (expect, "reply"), node, "reply");
    }
  if (json_object_has_member (expect, "absent"))
    {
      JsonArray *absent = json_object_get_array_member (expect, "absent");

      for (guint i = 0; i < json_array_get_length (absent); i++)
        if (jd_test_corpus_has_path (reply, json_array_get_string_element (absent, i)))
          g_error ("%s: %s should be absent", reply_text, json_array_get_string_element (absent, i));
    }

  /* The service keeps serving. */
  after = request (store, THING, JD_DEVICE_OP_GET_PENDING, NULL, "{}", TRUE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/device-api/topics", test_topics);
  g_test_add_func ("/device-api/operations", test_operations);
  g_test_add_func ("/device-api/get-pending-capped", test_get_pending_capped);
  g_test_add_func ("/device-api/notify-payloads", test_notify_payloads);
  g_test_add_func ("/device-api/invalid-topic", test_invalid_topic_reply);
  g_test_add_func ("/device-api/events", test_events);
  g_test_add_func ("/device-api/throttled", test_throttled);
  g_test_add_func ("/device-api/sequence-6-3-payloads", test_sequence_payloads);

  dir = g_dir_open (CORPUS_DIR, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_strdup (name));
  g_ptr_array_sort (files, compare_names);
  g_assert_cmpuint (files->len, >=, 50);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *base = g_strndup (file, strlen (file) - 5);
      g_autofree char *path = g_strconcat ("/device-api/corpus/", base, NULL);

      g_test_add_data_func_full (path, g_build_filename (CORPUS_DIR, file, NULL), test_corpus_case, g_free);
    }

  return g_test_run ();
}
