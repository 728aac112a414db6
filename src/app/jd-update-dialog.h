/* jd-update-dialog.h — the Update dialog: a status, status details edited as a
 * table of key/value pairs, and an optional step timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-execution.h"

G_BEGIN_DECLS

#define JD_TYPE_UPDATE_DIALOG (jd_update_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JdUpdateDialog, jd_update_dialog, JD, UPDATE_DIALOG, AdwWindow)

JdUpdateDialog    *jd_update_dialog_new                (GtkWindow      *parent,
                                                        JdExecution    *execution);
JdExecution       *jd_update_dialog_get_execution      (JdUpdateDialog *self);
gboolean           jd_update_dialog_is_valid           (JdUpdateDialog *self);
const char        *jd_update_dialog_get_problem        (JdUpdateDialog *self);
JdExecutionStatus  jd_update_dialog_get_status         (JdUpdateDialog *self);
void               jd_update_dialog_set_status         (JdUpdateDialog *self,
                                                        JdExecutionStatus status);
GHashTable        *jd_update_dialog_dup_status_details (JdUpdateDialog *self);
void               jd_update_dialog_add_detail         (JdUpdateDialog *self,
                                                        const char     *key,
                                                        const char     *value);
gint64             jd_update_dialog_get_step_timeout   (JdUpdateDialog *self);
void               jd_update_dialog_set_step_timeout   (JdUpdateDialog *self,
                                                        gint64          minutes);
void               jd_update_dialog_set_busy           (JdUpdateDialog *self,
                                                        gboolean        busy);
void               jd_update_dialog_show_error         (JdUpdateDialog *self,
                                                        const char     *message);

G_END_DECLS
