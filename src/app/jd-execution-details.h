/* jd-execution-details.h — every field of one job execution, and the buttons
 * for its next steps (they activate the window's execution actions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-execution.h"
#include "jd-signed-files.h"
#include "jd-execution-history.h"

G_BEGIN_DECLS

#define JD_TYPE_EXECUTION_DETAILS (jd_execution_details_get_type ())

G_DECLARE_FINAL_TYPE (JdExecutionDetails, jd_execution_details, JD, EXECUTION_DETAILS, GtkWidget)

GtkWidget   *jd_execution_details_new           (void);
JdExecution *jd_execution_details_get_execution (JdExecutionDetails *self);
void         jd_execution_details_set_execution (JdExecutionDetails *self,
                                                 JdExecution        *execution);
void         jd_execution_details_set_history   (JdExecutionDetails *self,
                                                 JdExecutionHistory *history);
JdSignedFiles *jd_execution_details_get_signed_files (JdExecutionDetails *self);
void         jd_execution_details_set_queue_note (JdExecutionDetails *self,
                                                  const char         *note);

G_END_DECLS
