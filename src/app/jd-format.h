/* jd-format.h — how the app words times, statuses and JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <json-glib/json-glib.h>

#include "jd-execution.h"
#include "jd-job.h"

G_BEGIN_DECLS

char       *jd_format_relative_time   (GDateTime         *when,
                                       GDateTime         *now);
char       *jd_format_exact_time      (GDateTime         *when);
const char *jd_format_status_label    (JdExecutionStatus  status);
const char *jd_format_status_style    (JdExecutionStatus  status);
void        jd_format_status_pill     (GtkLabel          *label,
                                       JdExecutionStatus  status);
char       *jd_format_json_pretty     (JsonNode          *node);
/* A field's hint under it: dimmed words, or an error in the error style.
 * jd_format_hint() also sets the text and hides the label without one. */
void        jd_format_hint_style      (GtkLabel          *hint,
                                       gboolean           error);
void        jd_format_hint            (GtkLabel          *hint,
                                       const char        *text,
                                       gboolean           error);
void        jd_format_json_view       (GtkSourceView     *view);

/* Columns of a data table, each cell made by @setup / @bind / @unbind of a
 * GtkSignalListItemFactory whose "jd-column" data is @column. */
typedef struct {
  GCallback setup;
  GCallback bind;
  GCallback unbind;   /* nullable */
} JdColumnCallbacks;

GtkListItemFactory *jd_format_add_column (GtkColumnView           *view,
                                          const char              *title,
                                          int                      column,
                                          gboolean                 expand,
                                          int                      fixed_width,
                                          const JdColumnCallbacks *callbacks,
                                          gpointer                 user_data);
int                 jd_format_column_of  (GtkListItemFactory      *factory);

/* The operator side: job statuses, target selection, thing names from ARNs. */
const char *jd_format_job_status_label            (JdJobStatus           status);
const char *jd_format_job_status_style            (JdJobStatus           status);
void        jd_format_job_status_pill             (GtkLabel             *label,
                                                   JdJobStatus           status);
const char *jd_format_target_selection_label      (JdTargetSelection     selection);
char       *jd_format_thing_name_from_arn         (const char           *arn);

/* Toasts from anywhere inside a window: the nearest AdwToastOverlay shows
 * them; errors carry AWS's code and message behind Details (win.show-details). */
void        jd_format_add_toast   (GtkWidget    *widget,
                                   AdwToast     *toast);
void        jd_format_toast_error (GtkWidget    *widget,
                                   const char   *title,
                                   const GError *error);

G_END_DECLS
