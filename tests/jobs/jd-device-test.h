/* jd-device-test.h — small helpers shared by the device tests: spin the main
 * loop until a condition holds, with a deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

static gboolean
jd_test_deadline_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *@flag is TRUE or @msec pass.
 * Returns *@flag. */
static inline gboolean
jd_test_wait_flag (const gboolean *flag,
                   guint           msec)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (msec, jd_test_deadline_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);
  return *flag;
}

/* Iterates the default main context for @msec. */
static inline void
jd_test_spin (guint msec)
{
  gboolean never = FALSE;

  jd_test_wait_flag (&never, msec);
}

#define JD_TEST_WAIT_UNTIL(cond, msec)                                   \
  G_STMT_START {                                                         \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (msec) * 1000; \
    while (!(cond) && g_get_monotonic_time () < _deadline)               \
      {                                                                  \
        jd_test_spin (10);                                               \
      }                                                                  \
    g_assert_true (cond);                                                \
  } G_STMT_END
