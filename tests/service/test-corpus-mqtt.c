/* test-corpus-mqtt.c — the device-API bad-input corpus (tests/corpus/device)
 * replayed over real MQTT against one sandbox: every case, from a fresh thing
 * with the corpus's standard setup, gets the expected reply on the expected
 * topic, and the service keeps answering afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-sandbox-broker.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"
#include "jd-test-corpus.h"

#define WAIT_MS 5000

static JdTestSandbox *sandbox;
static guint n_case;

static JdStore *
store (void)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (sandbox)));
}

static void
create_job (const char *job_id,
            const char *thing)
{
  const char *names[] = { thing, NULL };
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", thing);
  const char *targets[] = { arn, NULL };
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;

  spec.job_id = job_id;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"op\":\"corpus\"}";
  job = jd_store_create_job (store (), &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
}

static JsonObject *
reply_on (JdTestDevice *device,
          const char   *topic,
          JsonNode    **keep,
          char        **raw)
{
  *keep = jd_test_device_expect (device, topic, WAIT_MS, raw);
  if (*keep == NULL)
    g_error ("no reply on %s", topic);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

/* What a thing may publish: get, start-next, <jobId>/get, <jobId>/update. */
static gboolean
is_request_topic (const char *suffix)
{
  g_auto(GStrv) parts = g_strsplit (suffix, "/", -1);
  guint n = g_strv_length (parts);

  if (n == 1)
    return g_str_equal (parts[0], "get") || g_str_equal (parts[0], "start-next");
  return n == 2 && (g_str_equal (parts[1], "get") || g_str_equal (parts[1], "update"));
}

/* The standard setup of tests/corpus/device/README.md, over MQTT. */
static void
standard_setup (JdTestDevice *device)
{
  const char *thing = jd_test_device_get_thing (device);
  g_autofree char *start_accepted = g_strdup_printf ("$aws/things/%s/jobs/start-next/accepted", thing);
  g_autofree char *update_accepted = g_strdup_printf ("$aws/things/%s/jobs/c-done/update/accepted", thing);
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) r2 = NULL;
  g_autoptr(JsonNode) r3 = NULL;

  create_job ("c-done", thing);
  create_job ("c-running", thing);
  create_job ("c-queued", thing);
  g_assert_true (jd_test_device_request (device, "start-next", ""));
  r1 = jd_test_device_expect (device, start_accepted, WAIT_MS, NULL);
  g_assert_nonnull (r1);
  g_assert_true (jd_test_device_request (device, "c-done/update", "{\"status\":\"SUCCEEDED\"}"));
  r2 = jd_test_device_expect (device, update_accepted, WAIT_MS, NULL);
  g_assert_nonnull (r2);
  g_assert_true (jd_test_device_request (device, "start-next", ""));
  r3 = jd_test_device_expect (device, start_accepted, WAIT_MS, NULL);
  g_assert_nonnull (r3);
  jd_test_device_flush (device);
}

static void
test_corpus_case (gconstpointer data)
{
  const char *file = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *thing = g_strdup_printf ("corpus-%u", ++n_case);
  g_autofree char *topic = NULL;
  g_autofree char *reply_topic = NULL;
  g_autofree char *other_topic = NULL;
  g_autofree char *get_accepted = NULL;
  g_autofree char *raw = NULL;
  JsonObject *c, *expect, *reply;
  gboolean accepted;
  gsize len;
  const char *bytes;

  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  c = json_node_get_object (json_parser_get_root (parser));
  expect = json_object_get_object_member (c, "expect");
  accepted = json_object_get_boolean_member (expect, "accepted");
  g_test_message ("%s: %s", json_object_get_string_member (c, "name"),
                  json_object_get_string_member (c, "description"));

  device = jd_test_device_new (sandbox, thing, &error);
  g_assert_no_error (error);
  standard_setup (device);

  payload = jd_test_corpus_case_payload (c);
  bytes = g_bytes_get_data (payload, &len);
  topic = g_strdup_printf ("$aws/things/%s/jobs/%s", thing, json_object_get_string_member (c, "topic"));
  reply_topic = g_strconcat (topic, accepted ? "/accepted" : "/rejected", NULL);
  other_topic = g_strconcat (topic, accepted ? "/rejected" : "/accepted", NULL);
  /* The broker lets a thing publish only its request topics, packets up to
   * 128 KiB (as an IoT policy and AWS's limit do): what it refuses never
   * reaches the service, so nothing answers. The in-process replay
   * (test-device-api) still checks the service's own answer to those. */
  if (!is_request_topic (json_object_get_string_member (c, "topic")) ||
      len + strlen (topic) + 16 > JD_SANDBOX_BROKER_MAX_PACKET_SIZE)
    {
      jd_test_device_publish_full (device, topic, bytes, len, FALSE, 1000);
      g_assert_cmpuint (jd_test_device_count (device, reply_topic, 500), ==, 0);
      g_assert_cmpuint (jd_test_device_count (device, other_topic, 0), ==, 0);
      /* An oversize packet costs the connection: a new one. */
      g_clear_pointer (&device, jd_test_device_free);
      device = jd_test_device_new (sandbox, thing, &error);
      g_assert_no_error (error);
      goto still_serving;
    }
  g_assert_true (jd_test_device_publish (device, topic, bytes, len));

  reply = reply_on (device, reply_topic, &keep, &raw);
  g_assert_cmpuint (jd_test_device_count (device, other_topic, 0), ==, 0);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (reply, "timestamp")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (reply, "timestamp"), <, 10000000000);

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
  if (json_object_has_member (expect, "reply"))
    jd_test_corpus_assert_subset (json_object_get_member (expect, "reply"), keep, "reply");
  if (json_object_has_member (expect, "absent"))
    {
      JsonArray *absent = json_object_get_array_member (expect, "absent");

      for (guint i = 0; i < json_array_get_length (absent); i++)
        if (jd_test_corpus_has_path (reply, json_array_get_string_element (absent, i)))
          g_error ("%s: %s should be absent", raw, json_array_get_string_element (absent, i));
    }

  /* The service keeps serving this thing. */
still_serving:
  get_accepted = g_strdup_printf ("$aws/things/%s/jobs/get/accepted", thing);
  g_assert_true (jd_test_device_request (device, "get", "{}"));
  after = jd_test_device_expect (device, get_accepted, WAIT_MS, NULL);
  g_assert_nonnull (after);

  /* Job ids are per account: free them for the next case. */
  g_assert_true (jd_store_delete_job (store (), "c-done", TRUE, &error));
  g_assert_true (jd_store_delete_job (store (), "c-running", TRUE, &error));
  g_assert_true (jd_store_delete_job (store (), "c-queued", TRUE, &error));
  g_assert_no_error (error);
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
  g_autoptr(GError) error = NULL;
  const char *name;
  int ret;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_open (CORPUS_DIR, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (files, g_strdup (name));
  g_ptr_array_sort (files, compare_names);
  g_assert_cmpuint (files->len, >=, 50);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *base = g_strndup (file, strlen (file) - 5);
      g_autofree char *path = g_strconcat ("/corpus-mqtt/", base, NULL);

      g_test_add_data_func_full (path, g_build_filename (CORPUS_DIR, file, NULL), test_corpus_case, g_free);
    }

  sandbox = jd_test_sandbox_new (NULL, &error);
  g_assert_no_error (error);
  ret = g_test_run ();
  jd_test_sandbox_free (sandbox);
  return ret;
}
