/* jd-device-view.h — the Device view: the thing's pending executions (in
 * progress first, then queued) in a table, and the selected one's details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-execution.h"

G_BEGIN_DECLS

#define JD_TYPE_DEVICE_VIEW (jd_device_view_get_type ())

G_DECLARE_FINAL_TYPE (JdDeviceView, jd_device_view, JD, DEVICE_VIEW, GtkWidget)

GtkWidget   *jd_device_view_new                    (void);
GListModel  *jd_device_view_get_model              (JdDeviceView *self);
void         jd_device_view_set_model              (JdDeviceView *self,
                                                    GListModel   *model);
JdExecution *jd_device_view_get_selected_execution (JdDeviceView *self);
gboolean     jd_device_view_select_job             (JdDeviceView *self,
                                                    const char   *job_id);

G_END_DECLS
