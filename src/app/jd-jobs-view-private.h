/* jd-jobs-view-private.h — what the Jobs view's files share: the instance
 * struct and the helpers its actions (jd-jobs-view-actions.c) use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-job-details.h"
#include "jd-job-list.h"
#include "jd-jobs-view.h"

G_BEGIN_DECLS

struct _JdJobsView
{
  GtkWidget            parent_instance;

  JdJobList           *jobs;
  GtkSingleSelection  *selection;
  GHashTable          *bound_time_cells;   /* GtkListItem → column, for the clock */
  guint                clock_id;
  GCancellable        *actions_cancellable;
  guint                n_actions;          /* cancel/delete requests in flight */
  gboolean             disposed;
  gboolean             loaded_once;        /* a refresh of this control plane succeeded */
  gboolean             refresh_asked;      /* the refresh running was asked for, not polled */
  gboolean             failing;            /* the last refresh failed */
  char                *pending_select;

  /* Template children */
  GtkStack            *main_stack;
  AdwLeaflet          *leaflet;
  GtkDropDown         *status_dropdown;
  GtkLabel            *count_label;
  GtkLabel            *sync_label;
  GtkSpinner          *spinner;
  GtkSpinner          *loading_spinner;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  AdwStatusPage       *error_page;
  GtkWidget           *details_page;
  JdJobDetails        *details;
};

void   _jd_jobs_view_class_add_actions  (GtkWidgetClass *widget_class);
void   _jd_jobs_view_update_actions     (JdJobsView     *self);
void   _jd_jobs_view_show_message       (JdJobsView     *self,
                                         const char     *title,
                                         const char     *details);
void   _jd_jobs_view_update_loading     (JdJobsView     *self);
JdJob *_jd_jobs_view_selected_job       (JdJobsView     *self);

G_END_DECLS
