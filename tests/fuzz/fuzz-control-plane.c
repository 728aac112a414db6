/* fuzz-control-plane.c — libFuzzer target: the control-plane operations
 * (jd_control_plane_handlers_handle) on an in-memory store holding two things
 * and a job with an in-progress and a queued execution. The input is the
 * method, a space, the raw path with its raw query, a newline, then the body.
 * Every answer has a known status; errors carry AWS's error type and a JSON
 * object with a message; successes a JSON object (or nothing); the store
 * still answers afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-control-plane"

#include <json-glib/json-glib.h>
#include <string.h>

#include "jd-control-plane-handlers.h"
#include "jd-fuzz.h"
#include "jd-store.h"

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

static JdStore *
open_store (void)
{
  const char *things[] = { "MyThing", "Other", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdStoreExecution) started = NULL;

  g_assert_no_error (error);
  /* Each input runs on a fresh store, so a crash reproduces from its input alone. */
  jd_store_set_request_rate (store, 0);
  for (guint i = 0; things[i] != NULL; i++)
    {
      g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, things[i], NULL, NULL, NULL, &error);

      g_assert_no_error (error);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *job_id = i == 0 ? "job-1" : "job-2";
      JdStoreJobSpec spec = { job_id, NULL, things, "{\"op\":\"fuzz\"}", NULL, NULL, NULL, 0 };
      g_autoptr(JdStoreJob) job = jd_store_create_job (store, &spec, &error);

      g_assert_no_error (error);
      g_assert_nonnull (job);
    }
  g_assert_true (jd_store_start_next (store, "MyThing", NULL, 0, &started, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *newline = memchr (data, '\n', size);
  gsize line_len = newline != NULL ? (gsize) (newline - (const char *) data) : size;
  g_autofree char *line = g_strndup ((const char *) data, line_len);
  g_autofree char *path = NULL;
  const char *space, *question;
  g_autoptr(JdStore) store = NULL;
  g_auto(JdCpResponse) response = { 0 };
  JdCpContext context = { 0 };
  JdCpRequest request = { 0 };

  jd_fuzz_init_logging ();

  /* An HTTP request line carries no nul, and its method no space; libsoup
   * refuses anything else before a handler sees it. */
  space = strchr (line, ' ');
  if (strlen (line) != line_len || space == NULL || space == line)
    return 0;
  line[space - line] = '\0';
  question = strchr (space + 1, '?');
  path = question != NULL ? g_strndup (space + 1, question - (space + 1)) : g_strdup (space + 1);

  store = open_store ();
  context.store = store;
  context.region = "us-east-1";
  context.account_id = "123456789012";
  context.endpoint_address = "localhost";
  request.method = line;
  request.path = path;
  request.query = question != NULL ? question + 1 : NULL;
  if (newline != NULL)
    {
      request.body = (const guint8 *) newline + 1;
      request.body_len = size - line_len - 1;
    }

  jd_control_plane_handlers_handle (&context, &request, &response);

  g_assert_nonnull (response.body);
  if (response.status == 200)
    {
      g_assert_null (response.error_type);
      if (response.body[0] != '\0')
        json_object_unref (parse_object (response.body));
    }
  else
    {
      g_autoptr(JsonObject) error = NULL;

      g_assert_true (response.status == 400 || response.status == 404 || response.status == 409
                     || response.status == 410 || response.status == 503);
      g_assert_nonnull (response.error_type);
      g_assert_true (g_str_has_suffix (response.error_type, "Exception"));
      error = parse_object (response.body);
      g_assert_nonnull (json_object_get_string_member (error, "message"));
      g_assert_null (response.thing_created);
      g_assert_null (response.thing_deleted);
    }

  /* The store still answers. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JdStoreThing) thing = jd_store_get_thing (store, "Other", &error);

    if (response.thing_deleted == NULL || strcmp (response.thing_deleted, "Other") != 0)
      {
        g_assert_no_error (error);
        g_assert_nonnull (thing);
      }
  }

  return 0;
}
