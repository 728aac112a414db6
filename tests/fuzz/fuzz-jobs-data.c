/* fuzz-jobs-data.c — libFuzzer target: the HTTPS jobs data plane's handler
 * (jd_jobs_data_handle: path and query decoding, routing, the device API's
 * operations with their raw-text checks) on an in-memory store holding one
 * thing with an in-progress and a queued job. The input is
 * `METHOD PATH[?QUERY]`, a newline, then the body. Every response must have
 * one of the data plane's statuses, an exception exactly when it is not 200,
 * and a JSON object body; the store must still answer afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-jobs-data"

#include <string.h>

#include "jd-device-api.h"
#include "jd-fuzz.h"
#include "jd-json.h"
#include "jd-service-jobs-data.h"
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
  g_assert_true (jd_store_start_next (store, THING, NULL, 0, &started, &error));
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
  const char *body = newline != NULL ? newline + 1 : NULL;
  gsize body_len = newline != NULL ? size - line_len - 1 : 0;
  g_autoptr(JdStore) store = NULL;
  g_auto(JdJobsDataResponse) response = { 0 };
  char *space, *question;

  jd_fuzz_init_logging ();

  /* An HTTP request line has no NUL and is UTF-8 here (libsoup refuses others). */
  if (strlen (line) != line_len || !g_utf8_validate (line, -1, NULL))
    return 0;
  space = strchr (line, ' ');
  if (space == NULL)
    return 0;
  *space = '\0';
  question = strchr (space + 1, '?');
  if (question != NULL)
    *question = '\0';

  /* The raw-text check never reads past the text, whatever it is. */
  if (body != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *literal = NULL;

      jd_json_check_text (body, body_len, NULL, &path, &literal);
    }

  store = open_store ();
  jd_jobs_data_handle (store, line, space + 1, question != NULL ? question + 1 : NULL,
                       body, body_len, &response);

  g_assert_true (response.status == 200 || response.status == 400 || response.status == 404 ||
                 response.status == 409 || response.status == 410 || response.status == 429 ||
                 response.status == 503);
  g_assert_true ((response.status == 200) == (response.error_type == NULL));
  assert_json_object (response.body);

  /* The store still answers. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *notify = jd_device_api_build_notify (store, THING, &error);

    g_assert_no_error (error);
    assert_json_object (notify);
  }

  return 0;
}
