/* jd-test-ui.h — helpers shared by the UI tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-test-slowdown.h"

#include <adwaita.h>

#include "jd-execution.h"

G_BEGIN_DECLS

gboolean     jd_test_ui_tree_shows          (GtkWidget  *widget,
                                             const char *text);
guint        jd_test_ui_count_labels        (GtkWidget  *widget,
                                             const char *text);
JdExecution *jd_test_ui_execution_from_json (const char *json);
void         jd_test_ui_spin                (guint       ms);
gboolean     jd_test_ui_wait_for            (gboolean  (*done) (gpointer data),
                                             gpointer    data,
                                             guint       timeout_ms);
char        *jd_test_ui_make_data_home      (void);
void         jd_test_ui_remove_tree         (const char *path);
/* Answers org.freedesktop.Notifications on the session bus, so that a
 * window that sends a desktop notification when it is not the active one
 * (job ends, watched jobs) does not warn for the want of a server: the UI
 * tests share one display, where another test's window takes the focus. */
void         jd_test_ui_sink_notifications  (void);

G_END_DECLS
