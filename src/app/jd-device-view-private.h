/* jd-device-view-private.h — what the Device view's files share: the
 * instance (jd-device-view.c: the tables, what is shown, history and the
 * queue) and its actions (jd-device-view-actions.c: exec.*, Start Next,
 * Refresh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-device-view.h"
#include "jd-execution-details.h"

G_BEGIN_DECLS

typedef enum {
  COLUMN_JOB,
  COLUMN_STATUS,
  COLUMN_VERSION,
  COLUMN_QUEUED,
  COLUMN_STARTED,
  COLUMN_FINISHED,
} Column;

struct _JdDeviceView
{
  GtkWidget            parent_instance;

  JdJobsClient        *client;
  JdControlPlane      *control_plane;
  GCancellable        *cancellable;
  GListModel          *model;
  GtkSingleSelection  *selection;
  GHashTable          *listed;             /* job id → JdExecution: the pending set as last seen */
  GListStore          *recent;             /* JdExecution, newest first */
  GtkSingleSelection  *recent_selection;
  GHashTable          *left;               /* job ids that left the pending set this session */
  GHashTable          *fetching;           /* job ids whose document is asked for or queued */
  GQueue               fetch_queue;        /* JdExecutions (owned) waiting for a free request */
  guint                fetches_in_flight;
  GHashTable          *histories;          /* job id → JdExecutionHistory, this session */
  JdExecution         *watched;            /* the shown execution, for action states */
  GtkWidget           *focus_root;
  GPtrArray           *optional_columns;   /* hidden when folded */

  /* Download progress of a verification, reported to AWS (statusDetails
   * progress) while the shown execution is IN_PROGRESS. */
  char                *progress_job_id;
  guint64              progress_reported;
  gint64               progress_reported_at;
  gboolean             progress_in_flight;
  GHashTable          *progress_pending;   /* the next report while one is under way */

  /* Template children */
  AdwLeaflet          *leaflet;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  GtkColumnView       *recent_view;
  GtkToggleButton     *pending_toggle;
  GtkToggleButton     *recent_toggle;
  JdExecutionDetails  *details;
  GtkWidget           *details_page;
  GtkButton           *back_button;
};

/* jd-device-view.c */
JdExecution *_jd_device_view_shown_execution  (JdDeviceView   *self);

/* jd-device-view-actions.c */
void         _jd_device_view_update_actions   (JdDeviceView   *self);
void         _jd_device_view_install_actions  (GtkWidgetClass *widget_class);
void         _jd_device_view_report_download  (JdDeviceView   *self,
                                               guint64         received,
                                               gint64          total);

G_END_DECLS
