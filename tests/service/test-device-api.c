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

/* ---- corpus ---- */

static void
assert_subset (JsonNode   *expected,
               JsonNode   *actual,
               const char *path)
{
  if (actual == NULL)
    g_error ("%s: missing", path);

  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      JsonObject *eo = json_node_get_object (expected);
      g_autoptr(GList) members = json_object_get_members (eo);

      if (!JSON_NODE_HOLDS_OBJECT (actual))
        g_error ("%s: not an object", path);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *sub = g_strdup_printf ("%s.%s", path, (const char *) l->data);

          assert_subset (json_object_get_member (eo, l->data),
                         json_object_get_member (json_node_get_object (actual), l->data), sub);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *ea = json_node_get_array (expected);

      if (!JSON_NODE_HOLDS_ARRAY (actual))
        g_error ("%s: not an array", path);
      if (json_array_get_length (ea) != json_array_get_length (json_node_get_array (actual)))
        g_error ("%s: %u elements, expected %u", path, json_array_get_length (json_node_get_array (actual)),
                 json_array_get_length (ea));
      for (guint i = 0; i < json_array_get_length (ea); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

          assert_subset (json_array_get_element (ea, i),
                         json_array_get_element (json_node_get_array (actual), i), sub);
        }
    }
  else if (!json_node_equal (expected, actual))
    {
      g_autofree char *e = json_to_string (expected, FALSE);
      g_autofree char *a = json_to_string (actual, FALSE);

      g_error ("%s: %s, expected %s", path, a, e);
    }
}

static gboolean
has_path (JsonObject *object,
          const char *dotted)
{
  g_auto(GStrv) parts = g_strsplit (dotted, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, parts[i]);

      if (node == NULL)
        return FALSE;
      if (parts[i + 1] == NULL)
        return TRUE;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);
    }
  return FALSE;
}

static GBytes *
case_payload (JsonObject *c)
{
  if (json_object_has_member (c, "payload"))
    {
      const char *text = json_object_get_string_member (c, "payload");

      return g_bytes_new (text, strlen (text));
    }
  if (json_object_has_member (c, "payloadBase64"))
    {
      gsize len = 0;
      guchar *data = g_base64_decode (json_object_get_string_member (c, "payloadBase64"), &len);

      return g_bytes_new_take (data, len);
    }
  if (json_object_has_member (c, "payloadRepeat"))
    {
      JsonObject *r = json_object_get_object_member (c, "payloadRepeat");
      GString *s = g_string_new (json_object_get_string_member (r, "head"));
      gint64 count = json_object_get_int_member (r, "count");

      for (gint64 i = 0; i < count; i++)
        g_string_append (s, json_object_get_string_member (r, "fill"));
      g_string_append (s, json_object_get_string_member (r, "tail"));
      return g_string_free_to_bytes (s);
    }
  return g_bytes_new (NULL, 0);
}

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
  payload = case_payload (c);
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
    assert_subset (json_object_get_member (expect, "executionState"),
                   json_object_get_member (reply, "executionState"), "executionState");
  else if (!accepted)
    g_assert_false (json_object_has_member (reply, "executionState"));
  if (json_object_has_member (expect, "reply"))
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), reply);

      assert_subset (json_object_get_member (expect, "reply"), node, "reply");
    }
  if (json_object_has_member (expect, "absent"))
    {
      JsonArray *absent = json_object_get_array_member (expect, "absent");

      for (guint i = 0; i < json_array_get_length (absent); i++)
        if (has_path (reply, json_array_get_string_element (absent, i)))
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
  g_test_add_func ("/device-api/notify-payloads", test_notify_payloads);
  g_test_add_func ("/device-api/invalid-topic", test_invalid_topic_reply);

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
