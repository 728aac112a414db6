/* jd-execution-list.h — the live GListModel of a thing's pending executions:
 * IN_PROGRESS first, then QUEUED, each in queue order; the first one (what
 * `$next` names) is marked with JdExecution:is-next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-execution.h"

G_BEGIN_DECLS

#define JD_TYPE_EXECUTION_LIST (jd_execution_list_get_type ())
G_DECLARE_FINAL_TYPE (JdExecutionList, jd_execution_list, JD, EXECUTION_LIST, GObject)

JdExecutionList *jd_execution_list_new       (void);
JdExecution     *jd_execution_list_lookup    (JdExecutionList *self,
                                              const char      *job_id);
JdExecution     *jd_execution_list_get_next  (JdExecutionList *self);

/* Used by JdJobsClient. */
void             jd_execution_list_replace   (JdExecutionList *self,
                                              GPtrArray       *executions);
JdExecution     *jd_execution_list_upsert    (JdExecutionList *self,
                                              JdExecution     *execution,
                                              gboolean         full);
void             jd_execution_list_changed   (JdExecutionList *self,
                                              JdExecution     *execution);
gboolean         jd_execution_list_remove    (JdExecutionList *self,
                                              const char      *job_id);
void             jd_execution_list_clear     (JdExecutionList *self);
void             jd_execution_list_set_next  (JdExecutionList *self,
                                              JdExecution     *execution);

G_END_DECLS
