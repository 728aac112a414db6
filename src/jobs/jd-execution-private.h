/* jd-execution-private.h — tolerant JSON readers shared by the execution
 * model and the jobs client (numbers may arrive as numeric strings, times as
 * epoch seconds or, in some AWS examples, milliseconds).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-execution.h"

G_BEGIN_DECLS

/* Each returns FALSE with @error set when the member exists with a wrong
 * type; a missing or null member sets *@present = FALSE and returns TRUE. */
gboolean   _jd_json_read_int64   (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  gint64      *value,
                                  GError     **error);
gboolean   _jd_json_read_string  (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  const char **value,
                                  GError     **error);
gboolean   _jd_json_read_time    (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  GDateTime  **value,
                                  GError     **error);
gboolean   _jd_json_read_details (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  GHashTable **value,
                                  GError     **error);
GDateTime *_jd_date_time_from_epoch (gint64    epoch);

/* Copies what @src knows into @dst (same job), notifying what changes.
 * Summaries (@full FALSE) carry no details, document or timer; times and
 * the document are only ever filled in, never cleared. */
void       _jd_execution_merge   (JdExecution *dst,
                                  JdExecution *src,
                                  gboolean     full);

G_END_DECLS
