/* fuzz-device-api.c — libFuzzer target: the service's device request handlers
 * (jd_device_api_parse_topic, jd_device_api_handle,
 * jd_device_api_build_invalid_topic) on an in-memory store holding one thing
 * with an in-progress and a queued job. The input is the topic, a newline,
 * then the payload. Every reply must be a JSON object, and the store must
 * still answer afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-device-api"

#include <string.h>

#include "jd-device-api.h"
#include "jd-fuzz.h"
#include "jd-store.h"

#define THING "MyThing"

static void
assert_json_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
}

static JdStore *
open_store (void)
{
  const char *things[] = { THING, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(JdStoreExecution) started = NULL;

  g_assert_no_error (error);
  /* Each input runs on a fresh store, so a crash reproduces from its input alone. */
  jd_store_set_request_rate (store, 0);
  thing = jd_store_create_thing (store, THING, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const char *job_id = i == 0 ? "job-1" : "job-2";
      JdStoreJobSpec spec = { job_id, NULL, things, "{\"op\":\"fuzz\"}", NULL, NULL, NULL, 0 };
      g_autoptr(JdStoreJob) job = jd_store_create_job (store, &spec, &error);

      g_assert_no_error (error);
      g_assert_nonnull (job);
    }
  g_assert_nonnull (thing);
  g_assert_true (jd_store_start_next (store, THING, NULL, 0, &started, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *newline = memchr (data, '\n', size);
  g_autofree char *topic = NULL;
  const char *payload = NULL;
  gsize payload_len = 0;
  g_autoptr(JdStore) store = NULL;
  g_autofree char *thing_name = NULL;
  g_autofree char *job_id = NULL;
  JdDeviceOp op = JD_DEVICE_OP_GET_PENDING;
  JdDeviceTopicKind kind;

  jd_fuzz_init_logging ();

  if (newline != NULL)
    {
      topic = g_strndup ((const char *) data, newline - (const char *) data);
      payload = newline + 1;
      payload_len = size - (payload - (const char *) data);
    }
  else
    topic = g_strndup ((const char *) data, size);

  /* MQTT topics are UTF-8 without nul (MQTT 3.1.1 §1.5.3); the broker drops
   * the connection of a client that sends another. */
  if (!g_utf8_validate (topic, -1, NULL) || strlen (topic) != (newline != NULL ? (gsize) (newline - (const char *) data) : size))
    return 0;

  kind = jd_device_api_parse_topic (topic, &thing_name, &op, &job_id);
  if (kind == JD_DEVICE_TOPIC_NONE)
    return 0;

  g_assert_nonnull (thing_name);
  store = open_store ();

  if (kind == JD_DEVICE_TOPIC_INVALID)
    {
      g_autofree char *reply = jd_device_api_build_invalid_topic (topic, payload, payload_len);

      assert_json_object (reply);
    }
  else
    {
      g_autofree char *reply = NULL;
      g_autofree char *reply_topic = jd_device_api_reply_topic (topic, TRUE);
      gboolean accepted = FALSE;

      g_assert_true (g_str_has_prefix (reply_topic, topic));
      jd_device_api_handle (store, thing_name, op, job_id, payload, payload_len, &accepted, &reply);
      assert_json_object (reply);
    }

  /* The store still answers, for the fuzzed thing and the real one. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *notify = jd_device_api_build_notify (store, THING, &error);
    g_autofree char *next = NULL;

    g_assert_no_error (error);
    assert_json_object (notify);
    next = jd_device_api_build_notify_next (store, thing_name, &error);
    g_assert_no_error (error);
    assert_json_object (next);
  }

  return 0;
}
