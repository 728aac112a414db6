/* test-execution-list.c — the live model of pending executions (order, the
 * next mark, object identity, batched items-changed) and the event log
 * (cap, ring order, export).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-event-log.h"
#include "jd-execution-list.h"

typedef struct {
  guint signals;
  guint removed;
  guint added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  Changes *c = data;

  c->signals++;
  c->removed += removed;
  c->added += added;
}

static JdExecution *
make (const char        *job_id,
      JdExecutionStatus  status,
      gint64             queued_at)
{
  JdExecution *e = jd_execution_new (job_id);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (queued_at);

  jd_execution_set_status (e, status);
  jd_execution_set_queued_at (e, when);
  jd_execution_set_version_number (e, 1);
  return e;
}

static const char *
id_at (GListModel *model,
       guint       position)
{
  g_autoptr(JdExecution) e = g_list_model_get_item (model, position);

  return e ? jd_execution_get_job_id (e) : NULL;
}

static void
test_list_replace (void)
{
  g_autoptr(JdExecutionList) list = jd_execution_list_new ();
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
  Changes c = { 0 };
  JdExecution *b;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);
  g_assert_true (g_list_model_get_item_type (model) == JD_TYPE_EXECUTION);

  /* Given in AWS's order, but mixed: IN_PROGRESS comes first. */
  g_ptr_array_add (first, make ("B", JD_EXECUTION_STATUS_QUEUED, 200));
  g_ptr_array_add (first, make ("A", JD_EXECUTION_STATUS_IN_PROGRESS, 100));
  g_ptr_array_add (first, make ("C", JD_EXECUTION_STATUS_QUEUED, 300));
  jd_execution_list_replace (list, first);
  g_assert_cmpuint (c.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (id_at (model, 0), ==, "A");
  g_assert_cmpstr (id_at (model, 1), ==, "B");
  g_assert_cmpstr (id_at (model, 2), ==, "C");
  g_assert_null (g_list_model_get_item (model, 3));
  g_assert_true (jd_execution_get_is_next (jd_execution_list_lookup (list, "A")));
  g_assert_false (jd_execution_get_is_next (jd_execution_list_lookup (list, "B")));
  g_assert_true (jd_execution_list_get_next (list) == jd_execution_list_lookup (list, "A"));

  /* The same set again, with a new version: updated in place, no signal. */
  b = jd_execution_list_lookup (list, "B");
  jd_execution_set_job_document (b, json_node_init_int (json_node_alloc (), 5));
  g_ptr_array_add (second, make ("A", JD_EXECUTION_STATUS_IN_PROGRESS, 100));
  g_ptr_array_add (second, make ("B", JD_EXECUTION_STATUS_QUEUED, 200));
  g_ptr_array_add (second, make ("C", JD_EXECUTION_STATUS_QUEUED, 300));
  jd_execution_set_version_number (g_ptr_array_index (second, 1), 7);
  c.signals = 0;
  jd_execution_list_replace (list, second);
  g_assert_cmpuint (c.signals, ==, 0);
  g_assert_true (jd_execution_list_lookup (list, "B") == b);
  g_assert_cmpint (jd_execution_get_version_number (b), ==, 7);
  g_assert_nonnull (jd_execution_get_job_document (b));   /* summaries keep documents */

  /* A leaves; D comes: one signal, A loses the mark, B gets it. */
  {
    g_autoptr(GPtrArray) third = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(JdExecution) a = g_object_ref (jd_execution_list_lookup (list, "A"));

    g_ptr_array_add (third, make ("B", JD_EXECUTION_STATUS_QUEUED, 200));
    g_ptr_array_add (third, make ("C", JD_EXECUTION_STATUS_QUEUED, 300));
    g_ptr_array_add (third, make ("D", JD_EXECUTION_STATUS_QUEUED, 400));
    jd_execution_list_replace (list, third);
    g_assert_cmpuint (c.signals, ==, 1);
    g_assert_false (jd_execution_get_is_next (a));
    g_assert_true (jd_execution_get_is_next (b));
    g_assert_null (jd_execution_list_lookup (list, "A"));
    g_assert_cmpstr (id_at (model, 2), ==, "D");
  }

  /* Terminal entries are never listed. */
  {
    g_autoptr(GPtrArray) fourth = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (fourth, make ("X", JD_EXECUTION_STATUS_SUCCEEDED, 1));
    g_ptr_array_add (fourth, make ("Y", JD_EXECUTION_STATUS_QUEUED, 1));
    g_ptr_array_add (fourth, make ("Y", JD_EXECUTION_STATUS_QUEUED, 1));
    jd_execution_list_replace (list, fourth);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    g_assert_cmpstr (id_at (model, 0), ==, "Y");
  }

  g_signal_handlers_disconnect_by_data (list, &c);
}

static void
test_list_upsert (void)
{
  g_autoptr(JdExecutionList) list = jd_execution_list_new ();
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(JdExecution) a = make ("A", JD_EXECUTION_STATUS_QUEUED, 100);
  g_autoptr(JdExecution) b = make ("B", JD_EXECUTION_STATUS_QUEUED, 200);
  g_autoptr(JdExecution) b2 = make ("B", JD_EXECUTION_STATUS_IN_PROGRESS, 200);
  g_autoptr(JdExecution) done = make ("A", JD_EXECUTION_STATUS_SUCCEEDED, 100);
  Changes c = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);

  g_assert_true (jd_execution_list_upsert (list, b, TRUE) == b);
  g_assert_true (jd_execution_list_upsert (list, a, TRUE) == a);
  g_assert_cmpstr (id_at (model, 0), ==, "A");   /* queued earlier */
  g_assert_cmpstr (id_at (model, 1), ==, "B");
  g_assert_true (jd_execution_get_is_next (a));

  /* B starts: it moves ahead of A and becomes next; same object. */
  g_assert_true (jd_execution_list_upsert (list, b2, TRUE) == b);
  g_assert_cmpint (jd_execution_get_status (b), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpstr (id_at (model, 0), ==, "B");
  g_assert_true (jd_execution_get_is_next (b));
  g_assert_false (jd_execution_get_is_next (a));

  /* A finishes: it leaves. */
  g_assert_null (jd_execution_list_upsert (list, done, TRUE));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_false (jd_execution_list_remove (list, "A"));

  jd_execution_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_false (jd_execution_get_is_next (b));
  g_assert_cmpuint (c.added, ==, 2 + 2);
  g_assert_cmpuint (c.removed, ==, 2 + 1 + 1);

  g_signal_handlers_disconnect_by_data (list, &c);
}

static void
test_list_large (void)
{
  g_autoptr(JdExecutionList) list = jd_execution_list_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  Changes c = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *id = g_strdup_printf ("job-%05u", i);
      g_ptr_array_add (all, make (id, JD_EXECUTION_STATUS_QUEUED, 1000 + i));
    }

  jd_execution_list_replace (list, all);
  jd_execution_list_replace (list, all);
  g_assert_cmpuint (c.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10000);
  g_assert_cmpstr (id_at (G_LIST_MODEL (list), 9999), ==, "job-09999");
  g_signal_handlers_disconnect_by_data (list, &c);
}

static void
test_event_log (void)
{
  g_autoptr(JdEventLog) log = jd_event_log_new (3);
  GListModel *model = G_LIST_MODEL (log);
  Changes c = { 0 };
  g_autofree char *json = NULL;

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &c);
  g_assert_cmpuint (jd_event_log_get_cap (log), ==, 3);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *topic = g_strdup_printf ("t/%u", i);
      g_autoptr(GBytes) payload = g_bytes_new ("{}\xff", 3);
      g_autoptr(JdEvent) event = jd_event_new (NULL, i % 2 ? JD_EVENT_DIRECTION_IN : JD_EVENT_DIRECTION_OUT,
                                               "update request", topic, payload);
      jd_event_log_append (log, event);
    }

  /* The newest three, oldest first. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  {
    g_autoptr(JdEvent) first = g_list_model_get_item (model, 0);
    g_autoptr(JdEvent) last = g_list_model_get_item (model, 2);

    g_assert_cmpstr (jd_event_get_topic (first), ==, "t/2");
    g_assert_cmpstr (jd_event_get_topic (last), ==, "t/4");
    g_assert_cmpint (jd_event_get_direction (last), ==, JD_EVENT_DIRECTION_OUT);
    g_assert_true (g_utf8_validate (jd_event_get_payload (last), -1, NULL));
    g_assert_true (g_str_has_prefix (jd_event_get_payload (last), "{}"));
    g_assert_nonnull (jd_event_get_time (last));
    g_assert_cmpstr (jd_event_get_kind (last), ==, "update request");
  }
  g_assert_cmpuint (c.added, ==, 5);
  g_assert_cmpuint (c.removed, ==, 2);

  json = jd_event_log_export (log);
  g_assert_nonnull (strstr (json, "\"t/3\""));
  g_assert_null (strstr (json, "\"t/1\""));
  g_assert_nonnull (strstr (json, "\"direction\" : \"in\""));

  /* Lowering the cap drops the oldest at once; raising keeps the rest. */
  jd_event_log_set_cap (log, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(JdEvent) only = g_list_model_get_item (model, 0);
    g_assert_cmpstr (jd_event_get_topic (only), ==, "t/4");
  }
  jd_event_log_set_cap (log, 10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  jd_event_log_clear (log);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* Huge payloads are cut, with their size noted. */
  {
    gsize size = 200 * 1024;
    g_autofree char *big = g_strnfill (size, 'x');
    g_autoptr(GBytes) payload = g_bytes_new_take (g_steal_pointer (&big), size);
    g_autoptr(JdEvent) event = jd_event_new (NULL, JD_EVENT_DIRECTION_IN, "get-pending accepted", "t", payload);

    g_assert_cmpuint (strlen (jd_event_get_payload (event)), <, 70 * 1024);
    g_assert_true (g_str_has_suffix (jd_event_get_payload (event), "(204800 bytes in all)"));
  }

  g_signal_handlers_disconnect_by_data (log, &c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/execution-list/replace", test_list_replace);
  g_test_add_func ("/execution-list/upsert", test_list_upsert);
  g_test_add_func ("/execution-list/large", test_list_large);
  g_test_add_func ("/event-log/cap", test_event_log);

  return g_test_run ();
}
