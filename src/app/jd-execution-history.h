/* jd-execution-history.h — what the app saw of one execution over time:
 * each change of status, version or statusDetails, with what changed in the
 * details (added, changed, removed keys).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-execution.h"

G_BEGIN_DECLS

typedef struct {
  GDateTime         *at;              /* when the change happened (lastUpdatedAt), else when seen */
  JdExecutionStatus  status;
  gint64             version_number;
  char             **added;           /* "key=value" */
  char             **changed;         /* "key: old → new" */
  char             **removed;         /* keys */
} JdHistoryEntry;

#define JD_TYPE_EXECUTION_HISTORY (jd_execution_history_get_type ())
G_DECLARE_FINAL_TYPE (JdExecutionHistory, jd_execution_history, JD, EXECUTION_HISTORY, GObject)

JdExecutionHistory *jd_execution_history_new         (void);
gboolean            jd_execution_history_record      (JdExecutionHistory *self,
                                                      JdExecution        *execution);
GPtrArray          *jd_execution_history_get_entries (JdExecutionHistory *self);

G_END_DECLS
